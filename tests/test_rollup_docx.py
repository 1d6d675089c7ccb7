"""`yaojian rollup` for a prose form: the units' reports (Word documents, and a boxed
workbook — both are filings of the form) compiled into one Word report whose sections
hold every unit's text verbatim under the unit's name, itself a valid filing."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import REPO, run_cli
from docx_support import clerk_fill

ARTIFACTS = REPO / "test-artifacts" / "docx" / "compiled"
UNITS = ("区公安局", "区卫生健康委员会", "区市场监管局")


def _texts(form, unit: str) -> dict[str, str]:
    out = {}
    for s in form.table("report").all_sections():
        if s.fillable:
            out[s.id] = (f"{unit}关于{s.id}的第一段：检查 3 家，立案 1 件。\n"
                         f"第二段 <b>原样</b> & “引号” =SUM(A1) 不是公式。")
    out["suggestions"] = "无"
    return out


@pytest.fixture(scope="module")
def compiled(tmp_path_factory, project, content):
    from generator.forms.document import write_documents
    from generator.forms.model import load_forms

    base = tmp_path_factory.mktemp("rollup-docx")
    form = load_forms(project.forms)["quarterly-report"]
    template = next(p for p in write_documents(project, base / "blank", content) if p.stem == form.id)
    folder = base / "filed"
    texts = {}
    for i, unit in enumerate(UNITS):
        texts[unit] = _texts(form, unit)
        clerk_fill(template, folder / f"{i}-{unit}.docx", form, content,
                   header={"unit": unit, "report_date": f"2022-06-1{i}"}, sections=texts[unit])
    # Two units' monthly filings in the same folder: the district's figures in the drafted places.
    from validate_support import complete_values, filed_workbook

    monthly = load_forms(project.forms)["monthly-progress"]
    for unit in UNITS[:2]:
        values = complete_values(monthly)
        values[("header", "unit")] = unit
        filed_workbook(monthly, folder / f"月报-{unit}.xlsx", values)
    out = base / "汇总.docx"
    proc = run_cli("rollup", "--from", str(folder), "--form", form.id, "--out", str(out),
                   "--unit-name", "永川区工作小组办公室")
    return form, texts, out, proc, folder, base


def test_rollup_writes_a_compiled_report_that_validates(compiled):
    _form, _texts_, out, proc, _folder, _base = compiled
    assert proc.returncode == 0, proc.stderr
    assert "已汇总 3 个单位" in proc.stdout and "汇总表已通过校验" in proc.stdout
    check = run_cli("validate", str(out), "--format", "json")
    (report,) = json.loads(check.stdout)
    assert check.returncode == 0 and report["valid"] and report["form"] == "quarterly-report"
    assert report["unit"] == "永川区工作小组办公室" and report["report_date"] == "2022-06-12"


def test_every_units_text_is_there_verbatim_under_its_name_in_order(compiled, project):
    from generator.validate import validate

    form, texts, out, _proc, _folder, _base = compiled
    doc = validate(out, project=project).document["tables"]["report"]
    for s in form.table("report").all_sections():
        if not s.fillable:
            continue
        expected = "\n".join(f"{unit}\n{texts[unit][s.id]}" for unit in sorted(UNITS))
        if s.id in ("referrals", "case_handling"):  # the district's figures first, then the units
            assert doc[s.id].startswith("全区合计\n截至") and doc[s.id].endswith("\n" + expected), s.id
        else:
            assert doc[s.id] == expected, s.id


def test_the_district_figures_are_the_units_monthly_filings_summed(compiled, project):
    from generator.rollup.sums import to_decimal
    from generator.validate import validate

    _form, _t, out, _proc, folder, _base = compiled
    doc = validate(out, project=project).document["tables"]["report"]
    months = [validate(p, project=project).document for p in sorted(folder.glob("月报-*.xlsx"))]
    total = sum(to_decimal(v) for m in months for k, v in m["tables"]["drug"]["rows"]["fine_amount"].items()
                if k != "total" and v not in (None, "/"))
    assert f"2 个单位的月报汇总" in doc["case_handling"]
    assert f"药品案件数" in doc["case_handling"] and f"罚款金额 {format(total.normalize(), 'f')}万元" in doc["case_handling"]


def test_compiled_report_renders_and_the_default_name_is_docx(compiled, tmp_path):
    from xlsx_corpus import lo_convert

    _form, _texts_, out, _proc, folder, base = compiled
    (pdf,) = lo_convert([out], "pdf", base / "pdf", timeout=300)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    shutil.copy(pdf, ARTIFACTS / "汇总.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(ARTIFACTS / "page")], check=True, timeout=120)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(unit in text for unit in UNITS) and "<b>原样</b>" in text and "=SUM(A1)" in text
    proc = run_cli("rollup", "--from", str(folder), "--form", "quarterly-report", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (written,) = tmp_path.glob("汇总-quarterly-report-*.docx")  # named by the period, not the folder
    assert "filed" not in written.name
    xlsx = run_cli("rollup", "--from", str(folder), "--form", "quarterly-report", "--out", str(tmp_path / "汇总.xlsx"))
    assert xlsx.returncode == 0 and (tmp_path / "汇总.xlsx").read_bytes()[:2] == b"PK", xlsx.stderr
