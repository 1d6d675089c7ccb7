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
    assert result.stdout.startswith(f"用法：yaojian {command}")
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


# argparse's own English, which must never reach the user.
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "optional arguments", "options:", "show this help",
                    "show program's", "error:", "is required", "the following arguments", "unrecognized",
                    "invalid choice", "expected one argument", "not allowed with")


def _all_helps() -> list[tuple[str, ...]]:
    out = [()] + [(c,) for c in cli.COMMANDS]
    out += [("users", a) for a in ("add", "list", "passwd", "disable", "enable")]
    return out


def _help_rows(text: str) -> list[str]:
    """Option rows whose help starts on the same line (two spaces after the invocation)."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"^  (-\S.*?\S)  +\S", line)
        if m:
            rows.append(line)
    return rows


@pytest.mark.parametrize("args", _all_helps(), ids=lambda a: " ".join(a) or "yaojian")
def test_help_is_all_chinese_with_aligned_columns(args):
    """No argparse English; every (sub)command has a description; option help starts in one
    column although metavars such as 名称 take two columns a character."""
    from generator.commands.argparse_zh import width

    result = run_cli(*args, "--help", timeout=60)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for english in ARGPARSE_ENGLISH:
        assert english not in text, (args, english)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 3 and CJK.search(paragraphs[1]), f"{args}: no description line"
    starts = set()
    for line in _help_rows(text):
        m = re.match(r"^(  -\S.*?\S  +)\S", line)
        starts.add(width(m.group(1)))
    assert len(starts) <= 1, (args, starts, _help_rows(text))
    for line in text.splitlines():
        assert width(line) <= 80, (args, line)


@pytest.mark.parametrize("args, says", [
    (("rollup",), "须给出以下参数之一"),
    (("rollup", "--period", "2022-05"), "--form"),
    (("rollup", "--from", "没有这个目录"), "不存在"),
    (("rollup", "--period", "2022-05", "--form", "monthly-progress", "--date", "五月"), "--date"),
    (("rollup", "--from", ".", "--campaign", "没有这个行动"), "没有这个行动"),
    (("serve", "--campaign", "没有这个行动", "--db", "x.db"), "没有这个行动"),
    (("users",), "请指定操作"),
    (("users", "add"), "缺少必需的参数"),
    (("users", "frob"), "无效的选择"),
    (("validate",), "缺少必需的参数"),
    (("validate", "x.xlsx", "--format", "pdf"), "无效的选择"),
    (("build", "--today", "昨天"), "--today"),
    (("serve", "--port", "八十"), "端口必须是整数"),
    (("forms",), "缺少必需的参数"),
    (("backup",), "缺少必需的参数"),
    (("check", "--bogus"), "无法识别的参数"),
])
def test_every_command_exits_2_on_bad_usage_in_chinese(args, says, tmp_path):
    result = run_cli(*args, "--db", str(tmp_path / "l.db"), timeout=60) if args[0] in ("rollup",) and len(args) > 1 \
        else run_cli(*args, timeout=60, cwd=tmp_path if args[0] == "rollup" else None)
    assert result.returncode == 2, (args, result.returncode, result.stdout, result.stderr)
    assert says in result.stderr, (args, result.stderr)
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stderr, (args, english, result.stderr)
    assert "Traceback" not in result.stderr


def test_os_errors_are_said_in_chinese(tmp_path):
    """"File exists", "Not a directory" and the like never reach the user."""
    a_file = tmp_path / "注释"
    a_file.write_text("x", encoding="utf-8")
    result = run_cli("validate", str(tmp_path / "x.xlsx"), "--annotate", str(a_file), timeout=60)
    assert result.returncode == 2 and "已有同名的文件或目录" in result.stderr, result.stderr
    result = run_cli("forms", "--out", str(a_file / "sub"), timeout=120)
    assert result.returncode == 1 and "不是目录" in result.stderr, result.stderr
    for text in (result.stderr, result.stdout):
        assert "File exists" not in text and "Not a directory" not in text and "No such file" not in text


def test_yaml_syntax_errors_are_said_in_chinese(project_copy):
    path = project_copy / "content" / "procedures" / "yc-case-transfer.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  - id:", "\n\t- id:", 1), encoding="utf-8")
    result = run_cli("check", "--root", str(project_copy), timeout=120)
    assert result.returncode == 1
    assert "制表符" in result.stdout and "tab character" not in result.stdout, result.stdout
    assert "dangling-reference" not in result.stdout, result.stdout


def _long_options(parser, name="yaojian"):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _long_options(sub, f"{name} {sub_name}")
        else:
            for option in action.option_strings:
                if option.startswith("--"):
                    yield name, option


def test_readme_documents_every_option_in_both_languages():
    """--root, --strict, --threads, --campaign and every other option are in both halves."""
    missing = sorted({(name, option) for name, option in _long_options(cli.build_parser())
                      if option not in CHINESE or option not in ENGLISH})
    assert not missing, missing


def test_a_broken_form_definition_stops_every_command_in_chinese(project_copy, tmp_path):
    """validate, forms and rollup read the form definitions: a tab in one is named by its
    place, in Chinese, never PyYAML's English or an "internal error"."""
    path = project_copy / "forms" / "monthly-progress.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  - id: major_cases", "\n\t- id: major_cases", 1),
                    encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(b"PK")
    for args in (("validate", str(tmp_path / "in" / "a.xlsx")), ("rollup", "--from", str(tmp_path / "in"))):
        result = run_cli(*args, "--root", str(project_copy), env=env, timeout=120)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "monthly-progress.yaml:" in result.stderr and "YAML 语法错误" in result.stderr, result.stderr
        assert "内部错误" not in result.stderr and "scanning" not in result.stderr and "token" not in result.stderr
