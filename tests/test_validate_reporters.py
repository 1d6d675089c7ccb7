"""Reporters (text, json, html) on a real filed workbook holding hostile text."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO, run_cli
from validate_support import complete_values, filed_workbook

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def hostile_text(tmp_path_factory):
    from generator.forms.model import load_forms

    form = load_forms(REPO / "forms")["monthly-progress"]
    values = complete_values(form)
    values[("header", "unit")] = f"永川区{SCRIPT}"
    values[("drug", "rows", "inspection", "use")] = SCRIPT
    values[("drug", "rows", "sampling", "use")] = "@SUM(1+1)"
    values[("device", "rows", "inspection", "use")] = "-1+2"
    values[("major_cases", 1, "progress", "filed")] = '"><img src=x onerror=alert(1)>'
    path = tmp_path_factory.mktemp("reporters") / "hostile-text.xlsx"
    filed_workbook(form, path, values)
    return path


def _tags(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    P().feed(html)
    return found


def _report(path):
    from generator.project import Project
    from generator.validate import validate

    return validate(path, project=Project(REPO))


def test_html_escapes_everything_and_references_nothing(hostile_text):
    from generator.validate.html import fragment, page

    report = _report(hostile_text)
    assert not report.valid
    html = page([report])
    assert "<script" not in html.lower() and "<img" not in html
    assert "&lt;script&gt;" in html
    # only our own tags; no attribute that loads or runs anything; no url(), no @import
    tags = _tags(html)
    assert {t for t, _ in tags} <= {"html", "head", "meta", "title", "body", "h1", "section", "style", "article", "h2",
                                    "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "span"}
    assert all(a in ("lang", "charset", "name", "content", "class", "style", "title", "data-code")
               for _, attrs in tags for a, _v in attrs)
    assert "url(" not in html and "@import" not in html and "http" not in html
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    frag = fragment([report])
    assert frag.startswith('<section class="yj-report">') and "<html" not in frag and "<script" not in frag.lower()


def test_html_from_the_command_line(hostile_text):
    proc = run_cli("validate", str(hostile_text), "--format", "html")
    assert proc.returncode == 1
    assert "<script" not in proc.stdout.lower() and "&lt;script&gt;" in proc.stdout


def test_text_groups_findings_by_sheet_in_workbook_order(hostile_text):
    from generator.validate.reporters import text

    report = _report(hostile_text)
    out = text([report])
    heads = re.findall(r"【(.+?)】", out)
    assert heads == ["表1 大案要案", "表2 药品", "表3 医疗器械"]
    assert "不通过" in out and "G4" in out and "现场检查（件）" in out
    assert "\033[" not in out  # no colour unless asked (a terminal)
    coloured = text([report], colour=True)
    assert "\033[31m" in coloured


def test_json_is_the_contract(hostile_text):
    proc = run_cli("validate", str(hostile_text), "--format", "json")
    data = json.loads(proc.stdout)
    assert isinstance(data, list) and len(data) == 1
    r = data[0]
    assert set(r) == {"file", "form", "form_version", "unit", "report_date", "valid", "errors", "warnings", "findings"}
    assert r["unit"] == f"永川区{SCRIPT}"  # JSON carries the text as it is; renderers escape
    f = next(f for f in r["findings"] if f["cell"] == "G4" and f["sheet"] == "表2 药品")
    assert f == {**f, "code": "invalid-value", "severity": "error", "row": "现场检查（件）", "column": "使用",
                 "value": SCRIPT}


def test_formatting_never_raises():
    from generator.findings import Finding
    from generator.validate.html import page
    from generator.validate.report import Report
    from generator.validate.reporters import as_json, text

    odd = Report(file="<x>.xlsx", findings=[Finding("total-mismatch", {"parts": None}, value=None),
                                            Finding("blank-cell", sheet="S", cell="A1")])
    for render in (text, as_json, page):
        assert render([odd])


def test_usage_errors_exit_2():
    assert run_cli("validate").returncode == 2
    assert run_cli("validate", "x.xlsx", "--format", "pdf").returncode == 2
    proc = run_cli("validate", "x.xlsx", "--jobs", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_help_is_chinese():
    proc = run_cli("validate", "--help")
    assert proc.returncode == 0 and "--previous" in proc.stdout and "退出码" in proc.stdout


def test_progress_only_on_a_terminal(hostile_text, tmp_path):
    """Many files: progress on stderr when it is a terminal, nothing when piped."""
    import os
    import pty
    import subprocess
    import sys

    files = []
    for i in range(9):
        p = tmp_path / f"f{i}.xlsx"
        p.write_bytes(hostile_text.read_bytes())
        files.append(str(p))
    piped = run_cli("validate", *files, "--format", "json")
    assert piped.returncode == 1 and piped.stderr == ""
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.pop("YAOJIAN_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "validate", *files, "--format", "json"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    out, _ = proc.communicate(timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.returncode == 1
    assert "校验中 9/9" in seen.decode("utf-8", "replace")
    assert json.loads(out)  # stdout stays clean JSON
