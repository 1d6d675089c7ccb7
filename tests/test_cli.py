"""Meta-tests of the command line: every command has help and documentation, usage
errors are Chinese and exit 2, a tool bug never shows a traceback, and CI runs the
README's own test command."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import REPO, run_cli
from generator import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
CHINESE, _, ENGLISH = README.partition("# yaojian (English)")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("command", cli.COMMANDS)
def test_every_command_has_chinese_help(command):
    result = run_cli(command, "--help", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: yaojian {command}")
    assert CJK.search(result.stdout), "the help describes the command in Chinese"
    assert "--root" in result.stdout


def test_top_level_help_lists_every_command():
    result = run_cli("--help", timeout=60)
    assert result.returncode == 0
    for command in cli.COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.M), command


@pytest.mark.parametrize("command", cli.COMMANDS)
def test_readme_documents_every_command_in_both_languages(command):
    assert f"`yaojian {command}" in CHINESE, f"the Chinese README lacks yaojian {command}"
    assert f"`yaojian {command}" in ENGLISH, f"the English README lacks yaojian {command}"


def _block(marker: str) -> str:
    m = re.search(rf"<!-- {marker} -->\s*```\s*\n(.*?)\n```\s*<!-- /{marker} -->", README, re.S)
    assert m, f"README.md has no {marker} block"
    return m.group(1).strip()


def test_readme_has_exactly_two_commands_and_both_languages_agree():
    main, test = _block("main-command"), _block("test-command")
    assert "\n" not in main and "\n" not in test
    assert "yaojian build" in main and "pytest" in test
    assert f"```\n{main}\n```" in ENGLISH and f"```\n{test}\n```" in ENGLISH


def test_ci_runs_the_readme_test_command_word_for_word():
    """.ci/run extracts its command from the README, so the two cannot drift."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    extract = next(line for line in script.splitlines() if line.startswith("cmd=$("))
    found = subprocess.run(["bash", "-c", f"{extract}; printf '%s' \"$cmd\""], cwd=REPO, capture_output=True, text=True)
    assert found.stdout == _block("test-command")
    assert '"$rc" -eq 5' in script, "pytest's exit 5 (no tests) must fail CI"


def test_usage_errors_are_chinese_and_exit_2():
    result = run_cli("frobnicate", timeout=60)
    assert result.returncode == 2
    assert "用法错误" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("validate", timeout=60)  # FILE is required
    assert result.returncode == 2
    assert "缺少必需的参数" in result.stderr


def test_no_project_found_is_a_clear_message(tmp_path):
    result = run_cli("check", cwd=tmp_path, env={"YAOJIAN_ROOT": ""}, timeout=60)
    assert result.returncode == 2
    assert "找不到 yaojian 项目" in result.stderr and "Traceback" not in result.stderr


def test_a_tool_bug_is_reported_without_a_traceback(monkeypatch, capsys):
    """A crash inside a command is the tool's fault: exit 3 and a Chinese message that
    says so, never a traceback (YAOJIAN_DEBUG=1 shows it to the maintainer)."""
    import generator.commands.check as check_command

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.delenv("YAOJIAN_DEBUG", raising=False)
    monkeypatch.setattr(check_command, "run", broken)
    assert cli.main(["check"]) == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "boom" in err and "Traceback" not in err
    monkeypatch.setenv("YAOJIAN_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["check"])
