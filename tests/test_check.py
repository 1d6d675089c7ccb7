"""`yaojian check`: the repository checks clean, and every broken example fails as expected.

Example folders live in `tests/cases/check/<case>/`. Each holds the broken file(s) laid out
as they would sit in a project (`content/procedures/x.yaml`, symbolic links included), an
`expected.txt`, and optionally a `case.yaml`:

- `expected.txt`: one finding per line, as the CLI prints it:
  `content/procedures/x.yaml:7:12: 错误：引用的机构「dy-amrr」不存在…？ [dangling-reference]`.
  The location and the `[code]` must match exactly; the text between them is a list of
  fragments separated by `…` that must appear in that order (write the whole message, or
  only the words that matter). `#` starts a comment line. The output must hold exactly the
  expected findings, no more.
- `case.yaml`: `exit` (default 1) and `strict_exit` (with `--strict`; default: not run).

The test copies the repository's content/, forms/ and schemas/ into a temporary project,
overlays the case's files, runs the real CLI as a subprocess and compares. Adding a case is
adding a folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli

CASES = REPO / "tests" / "cases" / "check"
CASE_META = {"expected.txt", "case.yaml"}
FORM_IDS = ("monthly-progress", "quarterly-report", "summary-report")
FINDING = re.compile(r"^(?P<loc>\S+:\d+:\d+): (?P<text>.*) \[(?P<code>[a-z0-9-]+)\]$")


def forms_defined() -> bool:
    """Whether the repository has form definitions yet (forms/ is another engineer's work)."""
    return any((REPO / "forms").glob("*.yaml"))


def findings(output: str) -> list[re.Match]:
    return [m for m in map(FINDING.match, output.splitlines()) if m]


def is_missing_form(match: re.Match) -> bool:
    return match["code"] == "dangling-reference" and "引用的报表「" in match["text"]


def prepare(project: Path, *, placeholder_forms: bool) -> None:
    """A copied project as `yaojian check` expects it: forms/ exists.

    Until the forms land, the cases get empty placeholder forms/<id>.yaml for the three
    form ids, so that a case is judged on its own broken file and not on forms/ being empty.
    """
    (project / "forms").mkdir(exist_ok=True)
    if placeholder_forms and not forms_defined():
        for form_id in FORM_IDS:
            (project / "forms" / f"{form_id}.yaml").touch()


# -- the repository ---------------------------------------------------------------------


def test_repository_checks_clean(project_copy):
    prepare(project_copy, placeholder_forms=False)
    result = run_cli("check", "--strict", "--root", str(project_copy))
    assert "Traceback" not in result.stdout + result.stderr
    found = findings(result.stdout)
    if not forms_defined():
        # Only the references to forms not yet written may dangle; once forms/ holds form
        # definitions this is strict.
        found = [m for m in found if not is_missing_form(m)]
    assert [m.group(0) for m in found] == []
    if forms_defined():
        assert result.returncode == 0, result.stdout + result.stderr


def test_library_and_cli_agree_on_the_repository(project_copy):
    from generator.project_check import check_project, format_finding
    from generator.project import Project

    prepare(project_copy, placeholder_forms=True)
    result = run_cli("check", "--root", str(project_copy))
    library = check_project(Project(project_copy))
    assert [format_finding(f) for f in library.findings] == [m.group(0) for m in findings(result.stdout)]
    assert result.returncode == (0 if library.ok() else 1)


# -- broken examples --------------------------------------------------------------------


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def overlay(case: Path, project: Path) -> None:
    """Copy a case's files into the project, keeping symbolic links as links."""
    for dirpath, dirnames, filenames in os.walk(case):
        here = Path(dirpath)
        for name in filenames + [d for d in dirnames if (here / d).is_symlink()]:
            src = here / name
            rel = src.relative_to(case)
            if rel.as_posix() in CASE_META:
                continue
            dest = project / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            if src.is_symlink():
                os.symlink(os.readlink(src), dest)
            else:
                shutil.copyfile(src, dest)


def expected_lines(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def matches(expected: str, actual: re.Match) -> bool:
    want = FINDING.match(expected)
    assert want, f"expected.txt line is not `path:line:col: text [code]`: {expected}"
    if (want["loc"], want["code"]) != (actual["loc"], actual["code"]):
        return False
    at = 0
    for fragment in (f.strip() for f in want["text"].split("…")):
        found = actual["text"].find(fragment, at)
        if found < 0:
            return False
        at = found + len(fragment)
    return True


def compare(case: Path, output: str) -> None:
    actual = findings(output)
    unmatched = list(actual)
    missing = []
    for line in expected_lines(case):
        hit = next((a for a in unmatched if matches(line, a)), None)
        if hit is None:
            missing.append(line)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"case {case.name}:\n  expected but not printed:\n    " + "\n    ".join(missing)
        + "\n  printed but not expected:\n    " + "\n    ".join(a.group(0) for a in unmatched)
        + f"\n--- output ---\n{output}"
    )


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_broken_example(case, project_copy):
    meta = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8")) if (case / "case.yaml").exists() else {}
    meta = meta or {}
    prepare(project_copy, placeholder_forms=True)
    overlay(case, project_copy)

    result = run_cli("check", "--root", str(project_copy))
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "内部错误" not in output
    assert result.returncode == meta.get("exit", 1), output
    compare(case, result.stdout)

    if "strict_exit" in meta:
        strict = run_cli("check", "--strict", "--root", str(project_copy))
        assert "Traceback" not in strict.stdout + strict.stderr
        assert strict.returncode == meta["strict_exit"], strict.stdout + strict.stderr
        compare(case, strict.stdout)


def test_every_check_finding_code_has_a_case():
    """Each code of the `yaojian check` catalogue is shown failing by some example folder."""
    from generator.findings import areas

    codes = {k.code for a in areas() if a.id == "source" for k in a.kinds}
    exercised = set()
    for case in case_dirs():
        exercised |= {m["code"] for m in map(FINDING.match, expected_lines(case)) if m}
    assert codes - exercised == set(), f"finding codes without an example: {sorted(codes - exercised)}"
