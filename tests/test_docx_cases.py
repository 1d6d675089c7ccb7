"""Example folders for prose reports filed as Word documents: tests/cases/docx/<case>/case.yaml.

Each case is the blank Word template (`yaojian forms`) filled as a clerk fills it
(tests/docx_support.py), validated as python-docx saved it AND after LibreOffice Writer
opened and saved it again as .docx (the stand-in for Word/WPS re-saving it): both give
exactly the expected findings.

case.yaml:
    form: quarterly-report | summary-report
    header: {unit: 单位, report_date: 日期 | null (hint left)}      # defaults: a complete header
    sections: {section id: text | null (hint left) | "" (typed nothing)}   # over complete texts
    draft: true                     # start from the draft made from a complete monthly filing
                                    # (`yaojian forms --prefill`), its drafted sections kept
    ops: [{delete: section id} | {move: section id, after: section id} | {replace: [old, new]}]
    expect: [{code, severity, row, …}]
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from docx_support import clerk_fill, complete_sections
from validate_support import complete_values, filed_workbook
from test_validate_cases import _compare

CASES = REPO / "tests" / "cases" / "docx"
ALL = {p.name: yaml.safe_load((p / "case.yaml").read_text(encoding="utf-8"))
       for p in sorted(CASES.iterdir()) if (p / "case.yaml").is_file()}
WRITERS = ("python-docx", "libreoffice")
DRAFTED = ("referrals", "case_handling")  # the sections a draft fills from the monthly filing
HEADER = {"unit": "永川区市场监督管理局", "report_date": "2022-06-20"}


@pytest.fixture(scope="session")
def docx_cases(tmp_path_factory, project, content):
    from generator.forms.document import write_documents
    from generator.forms.model import load_forms
    from xlsx_corpus import SOFFICE, lo_convert

    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-test-deps.sh installs it"
    base = tmp_path_factory.mktemp("docx-cases")
    templates = {p.stem: p for p in write_documents(project, base / "blank", content)}
    forms = load_forms(project.forms)
    monthly = filed_workbook(forms["monthly-progress"], base / "monthly.xlsx", complete_values(forms["monthly-progress"]))
    proc = run_cli("forms", "--out", str(base / "drafts"), "--prefill", str(monthly))
    assert proc.returncode == 0, proc.stderr
    made = {}
    for name, spec in ALL.items():
        form = forms[spec["form"]]
        header = {k: v for k, v in {**HEADER, **(spec.get("header") or {})}.items() if v is not None}
        sections = {**complete_sections(form), **(spec.get("sections") or {})}
        template = templates[form.id]
        if spec.get("draft"):
            template = base / "drafts" / f"{form.id}.草稿.docx"
            for drafted in DRAFTED:
                sections.pop(drafted, None)
        made[(name, "python-docx")] = clerk_fill(template, base / "python-docx" / f"{name}.docx", form,
                                                 content, header=header, sections=sections, ops=spec.get("ops"))
    saved = lo_convert(list(made.values()), "docx:MS Word 2007 XML", base / "libreoffice", timeout=300)
    for name, path in zip(ALL, saved):
        made[(name, "libreoffice")] = path
    return made


@pytest.mark.parametrize("name, writer", [pytest.param(n, w, id=f"{n}-{w}") for n in ALL for w in WRITERS])
def test_case(docx_cases, project, name, writer):
    from generator.validate import validate

    report = validate(docx_cases[(name, writer)], project=project)
    assert not report.stopped, report.findings
    _compare([f.to_dict() for f in report.findings], ALL[name].get("expect") or [])
    d = report.to_dict()
    assert d["form"] == ALL[name]["form"] and d["form_version"] == "1.0"
    for f in d["findings"]:
        assert f["message"] and "{" not in f["message"], f


def test_libreoffice_copy_reads_the_same_document(docx_cases, project):
    """Saved again by LibreOffice, a filed report holds the same filed document."""
    from generator.validate import validate

    for name in ALL:
        a = validate(docx_cases[(name, "python-docx")], project=project)
        b = validate(docx_cases[(name, "libreoffice")], project=project)
        assert a.document == b.document, name
        assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings], name


def test_complete_report_holds_the_typed_text(docx_cases, project):
    from generator.forms.model import load_forms
    from generator.validate import validate

    form = load_forms(project.forms)["quarterly-report"]
    report = validate(docx_cases[("complete-quarterly", "libreoffice")], project=project)
    assert report.valid and report.unit == HEADER["unit"] and report.report_date == "2022-06-20"
    assert report.document["tables"]["report"] == complete_sections(form)
    summary = validate(docx_cases[("complete-summary", "python-docx")], project=project)
    assert summary.report_date == "2022-11-18" and summary.warnings == 0  # 2022年11月18日 is a document's date


def test_every_document_code_has_a_case():
    """Every code of the catalogue's `document` area is expected by a case folder here or
    met by the hostile corpus (tests/test_docx_hostile.py)."""
    from generator.findings import catalogue
    from test_docx_hostile import CASES as HOSTILE

    codes = {c for c, kind in catalogue().items() if kind.area == "document"}
    used = {e["code"] for spec in ALL.values() for e in spec.get("expect") or ()} | set(HOSTILE.values())
    assert codes - used == set(), f"codes without a case: {sorted(codes - used)}"


def test_cli_reports_a_document_by_section_and_json_equals_the_library(docx_cases, project):
    import json

    from generator.validate import validate

    paths = [str(docx_cases[(n, "libreoffice")]) for n in ("hint-text-left", "section-order", "complete-quarterly")]
    text = run_cli("validate", paths[0])
    assert text.returncode == 1 and "【正文】" in text.stdout and "（三）案件查办情况：" in text.stdout
    proc = run_cli("validate", *paths, "--format", "json")
    assert json.loads(proc.stdout) == [validate(p, project=project).to_dict() for p in paths]
    assert proc.returncode == 1


def test_annotate_writes_a_commented_copy_of_a_document(docx_cases, tmp_path):
    import zipfile

    src = docx_cases[("missing-section", "python-docx")]
    before = src.read_bytes()
    proc = run_cli("validate", str(src), "--annotate", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    (copy,) = tmp_path.glob("*.docx")
    assert copy.name == "missing-section.校验标注.docx" and src.read_bytes() == before
    z = zipfile.ZipFile(copy)
    comments = z.read("word/comments.xml").decode("utf-8")
    assert "找不到“（一）风险隐患排查情况”这一部分的标题" in comments
    body = z.read("word/document.xml").decode("utf-8")
    assert body.count("<w:commentRangeStart") == 1  # one finding, one comment (on the title)
