"""Pre-filled workbooks: a new period's form carrying the unit's last accepted figures.

Real workbooks throughout: the previous filing is written into the form's blank workbook,
validated, carried into the next period's workbook, edited with openpyxl (as a clerk edits
in Excel) and validated again; the same values typed into a blank must give the same
findings.  LibreOffice re-saves the pre-filled workbook (Excel/WPS stand-in) and renders
it to PNG under test-artifacts/prefill/ to look at.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import REPO, run_cli
from generator.forms.layout import layout
from generator.forms.filled import CARRIED_FILL, CARRIED_NOTE, position, to_bytes, write_values
from generator.forms.prefill import carried_values, prefill
from generator.validate import validate
from service_support import monthly_form, random_document, workbook_bytes
from xlsx_corpus import SOFFICE, lo_convert

ARTIFACTS = REPO / "test-artifacts" / "prefill"

OPEN_CASE = {"number": "2022-05-001", "name": "某药店销售假药案", "category": ["drug"], "clue_source": ["inspection"],
             "situation": ["criminal_referral"], "progress": ["filed"], "value": 3.5, "penalty": None,
             "planned_close": "2022-12-31", "summary": "现场检查发现，已立案。"}
CLOSED_CASE = dict(OPEN_CASE, number="2022-05-002", name="某诊所使用过期器械案", category=["device"],
                   progress=["filed", "penalized"])


@pytest.fixture(scope="module")
def may(project):
    form = monthly_form(project)
    doc = random_document(form, "区公安局", "2022-05-31", random.Random(11))
    doc["tables"]["major_cases"] = [OPEN_CASE, CLOSED_CASE]
    data = workbook_bytes(project, form, doc)
    report = validate(data, project=project, name="五月.xlsx")
    assert report.valid, [f.to_dict() for f in report.findings]
    return form, data, report


def _findings(report):
    return [(f.code, f.sheet, f.cell, f.value, f.expected) for f in report.findings]


def test_carried_cells_equal_the_previous_filing(project, may):
    form, _, report = may
    values, carried = prefill(form, report.document, unit="区公安局", report_date="2022-06-30")
    wb = openpyxl.load_workbook(io.BytesIO(to_bytes(write_values(form, project, values, carried))))
    doc = report.document["tables"]
    n = 0
    for t in form.tables:
        if t.kind != "grid":
            continue
        for row in t.rows:
            for c in t.columns:
                key = (t.id, "rows", row.id, c.id)
                sheet, r, col = position(form, key)
                cell = wb[sheet].cell(r, col)
                assert cell.value == doc[t.id]["rows"][row.id][c.id], key
                assert cell.fill.fgColor.rgb.endswith(CARRIED_FILL) and cell.comment.text == CARRIED_NOTE
                n += 1
            # 合计 is not carried: the template's formula computes it
            sheet, r, col = next((s.name, p.row, p.col) for s in layout(form).sheets
                                 for k, p in s.inputs.items() if k == (t.id, "rows", row.id, t.total.id))
            assert str(wb[sheet].cell(r, col).value).startswith("=IF(")
        for row in t.key_areas.rows:
            for c in t.key_areas.columns:
                sheet, r, col = position(form, (t.id, "key_areas", row.id, c.id))
                assert wb[sheet].cell(r, col).value == doc[t.id]["key_areas"][row.id][c.id]
                n += 1
    assert n > 300
    # the open case is carried, the closed one (已完成行政处罚) is not
    sheet, r, col = position(form, ("major_cases", 0, "name", None))
    assert wb[sheet].cell(r, col).value == OPEN_CASE["name"]
    assert wb[sheet].cell(r + 1, col).value is None
    # the header: the unit and the date; 情况说明 starts empty
    sheet, r, col = position(form, ("header", "unit"))
    assert wb[sheet].cell(r, col).value == "区公安局"
    sheet, r, col = position(form, ("header", "note"))
    assert wb[sheet].cell(r, col).value is None


def test_prose_forms_carry_nothing_but_the_header(project):
    from generator.forms.model import load_forms

    form = load_forms(project.forms)["quarterly-report"]
    previous = {"tables": {"report": {"basic": "上季度的文字"}}}
    assert carried_values(form, previous) == {}


def test_a_prefilled_then_edited_workbook_reads_like_the_same_values_typed_into_a_blank(project, may, tmp_path):
    form, _, report = may
    values, carried = prefill(form, report.document, unit="区公安局", report_date="2022-06-30")
    prefilled = tmp_path / "六月-预填.xlsx"
    prefilled.write_bytes(to_bytes(write_values(form, project, values, carried)))

    # the clerk's edits, in the workbook: two figures grow, one is typed wrong, a case changes
    edits = {("drug", "rows", "inspection", "operation"): 40, ("device", "rows", "complaint", "use"): "无",
             ("cosmetic", "key_areas", "cases", "online_violations"): -1,
             ("major_cases", 0, "progress", "penalized"): "√"}
    wb = openpyxl.load_workbook(prefilled)
    for key, value in edits.items():
        sheet, r, col = position(form, key)
        wb[sheet].cell(r, col).value = value
    edited = tmp_path / "六月-编辑.xlsx"
    wb.save(edited)

    # the same values typed into the blank workbook, without any mark
    typed = dict(values)
    typed.update({k: str(v) for k, v in edits.items()})
    blank_filled = tmp_path / "六月-空白.xlsx"
    blank_filled.write_bytes(to_bytes(write_values(form, project, typed)))

    a = validate(edited, project=project, previous=report)
    b = validate(blank_filled, project=project, previous=report)
    assert a.form == b.form == "monthly-progress"
    assert _findings(a) == _findings(b)
    assert {f.code for f in a.findings} >= {"invalid-value", "negative-value"}
    assert a.document == b.document
    # unedited, the pre-filled workbook is a clean filing of June
    clean = validate(prefilled, project=project, previous=report)
    assert clean.valid and clean.errors == 0, _findings(clean)


def test_forms_cli_prefills_from_a_previous_filing(project, may, tmp_path):
    _, data, report = may
    prev = tmp_path / "五月.xlsx"
    prev.write_bytes(data)
    out = tmp_path / "out"
    r = run_cli("forms", "--out", str(out), "--prefill", str(prev))
    assert r.returncode == 0, r.stderr
    made = out / "monthly-progress.xlsx"
    assert made.is_file() and "沿用" in r.stderr
    # the blank forms, the monthly one pre-filled, and the prose reports drafted from the same filing
    assert sorted(p.name for p in out.iterdir()) == ["monthly-progress.xlsx", "quarterly-report.docx",
                                                     "quarterly-report.xlsx", "quarterly-report.草稿.docx",
                                                     "summary-report.docx", "summary-report.xlsx",
                                                     "summary-report.草稿.docx"]
    again = validate(made, project=project, previous=report)
    assert again.valid, _findings(again)
    assert again.report_date and again.report_date > report.report_date
    # only the pre-filled copy carries notes: a blank has none
    with zipfile.ZipFile(made) as z:
        assert any(n.startswith("xl/comments") for n in z.namelist())


def test_forms_cli_refuses_a_previous_filing_with_errors(project, may, tmp_path):
    form, _, report = may
    bad = json.loads(json.dumps(report.document))
    bad["tables"]["drug"]["rows"]["inspection"]["operation"] = "无"
    prev = tmp_path / "五月-有错.xlsx"
    prev.write_bytes(workbook_bytes(project, form, bad))
    out = tmp_path / "out"
    r = run_cli("forms", "--out", str(out), "--prefill", str(prev))
    assert r.returncode == 2
    assert "不能用来预填" in r.stderr and "现场检查（件）" in r.stdout
    assert not (out / "monthly-progress.xlsx").exists()
    missing = run_cli("forms", "--out", str(out), "--prefill", str(tmp_path / "没有.xlsx"))
    assert missing.returncode == 2 and "找不到上期报表" in missing.stderr
    junk = tmp_path / "不是表.xlsx"
    junk.write_bytes(b"not a workbook")
    unreadable = run_cli("forms", "--out", str(out), "--prefill", str(junk))
    assert unreadable.returncode == 2 and "无法读取" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr + missing.stderr + r.stderr


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is needed: scripts/install-test-deps.sh installs it")
def test_libreoffice_keeps_the_prefilled_workbook_valid_and_renders_it(project, may, tmp_path):
    form, _, report = may
    values, carried = prefill(form, report.document, unit="区公安局", report_date="2022-06-30")
    src = tmp_path / "prefilled.xlsx"
    src.write_bytes(to_bytes(write_values(form, project, values, carried)))
    resaved = lo_convert([src], "xlsx", tmp_path / "lo")[0]
    again = validate(resaved, project=project, previous=report)
    assert again.valid, _findings(again)
    def parts(doc):  # LibreOffice stores the 合计 it computed; the stage figures must be unchanged
        return {r: {c: v for c, v in cols.items() if c != "total"} for r, cols in doc["tables"]["drug"]["rows"].items()}

    before = validate(src, project=project).document
    assert parts(again.document) == parts(before)
    assert again.document["tables"]["drug"]["key_areas"] == before["tables"]["drug"]["key_areas"]
    assert again.document["tables"]["drug"]["rows"]["inspection"]["total"] is not None
    wb = openpyxl.load_workbook(resaved)
    sheet, r, col = position(form, ("drug", "rows", "inspection", "operation"))
    assert wb[sheet].cell(r, col).comment is not None and CARRIED_NOTE in wb[sheet].cell(r, col).comment.text
    # a picture of 表2 to look at
    if shutil.which("pdftoppm"):
        one = openpyxl.load_workbook(src)
        one.security = None
        for name in list(one.sheetnames):
            if name != sheet:
                one.remove(one[name])
        single = tmp_path / "prefilled-drug.xlsx"
        one.save(single)
        pdf = lo_convert([single], "pdf", tmp_path / "pdf")[0]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "prefilled-drug")],
                       check=True, timeout=120)
        assert any(ARTIFACTS.glob("prefilled-drug*.png"))
