"""`--annotate DIR`: a marked copy of each filed workbook, the original untouched."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from conftest import REPO, run_cli
from validate_support import complete_values, filed_workbook

FORMULA_LIKE = ["=1+1", "@SUM(1+1)", "-1+2", "+3"]


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    import openpyxl

    from generator.forms.model import load_forms

    form = load_forms(REPO / "forms")["monthly-progress"]
    values = complete_values(form)
    values[("drug", "rows", "inspection", "use")] = None  # blank-cell (an error)
    values[("drug", "rows", "rectify", "research")] = "０"  # normalized-value (a warning)
    values[("header", "unit")] = "永川区<script>alert(1)</script>"
    path = tmp_path_factory.mktemp("annotate") / "月报 6月.xlsx"
    filed_workbook(form, path, values)
    wb = openpyxl.load_workbook(path)
    ws = wb["表2 药品"]
    for cell, text in zip(("D5", "E6", "F7", "G8"), FORMULA_LIKE):
        ws[cell].value = text
        ws[cell].data_type = "s"  # typed as text: Excel shows it, never evaluates it
    wb.save(path)
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotated_copy(filed, tmp_path):
    import openpyxl

    before = _sha(filed)
    out = tmp_path / "marked"
    proc = run_cli("validate", str(filed), "--annotate", str(out), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert _sha(filed) == before, "the original is never touched"
    copies = list(out.glob("*.xlsx"))
    assert [p.name for p in copies] == ["月报 6月.校验标注.xlsx"]
    wb = openpyxl.load_workbook(copies[0])
    ws = wb["表2 药品"]
    blank = ws["G4"]
    assert blank.fill.fgColor.rgb.upper().endswith("FFC7CE"), blank.fill.fgColor.rgb
    assert blank.comment is not None and "未填写" in blank.comment.text and "不涉及请填" in blank.comment.text
    warn = ws["D19"]
    assert warn.comment is not None and "０" in warn.comment.text
    assert not warn.fill.fgColor.rgb.upper().endswith("FFC7CE")
    for cell, text in zip(("D5", "E6", "F7", "G8"), FORMULA_LIKE):
        assert ws[cell].value == text and ws[cell].data_type == "s", (cell, ws[cell].value, ws[cell].data_type)
        assert ws[cell].comment is not None  # each is an invalid value
    # everything else as it was
    orig = openpyxl.load_workbook(filed)
    for name in orig.sheetnames:
        a, b = orig[name], wb[name]
        for row in a.iter_rows():
            for c in row:
                assert b[c.coordinate].value == c.value, (name, c.coordinate)
    assert wb["填报说明"]["B3"].value == "永川区<script>alert(1)</script>"


def test_libreoffice_opens_the_annotated_copy(filed, tmp_path):
    from generator.xlsx import read_workbook
    from xlsx_corpus import SOFFICE, lo_convert

    assert SOFFICE
    out = tmp_path / "marked"
    run_cli("validate", str(filed), "--annotate", str(out))
    copy = next(out.glob("*.xlsx"))
    simple = tmp_path / "copy.xlsx"
    shutil.copy(copy, simple)  # LibreOffice's output is named after its input
    converted = lo_convert([simple], "xlsx", tmp_path / "lo")[0]
    book = read_workbook(converted)
    sheet = book["表2 药品"]
    assert sheet.cell("D5").text == "=1+1" and sheet.cell("D5").formula is None


def test_unreadable_files_get_no_copy(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("单位,日期\n", encoding="utf-8")
    out = tmp_path / "marked"
    proc = run_cli("validate", str(bad), "--annotate", str(out))
    assert proc.returncode == 2 and list(out.glob("*")) == []


def test_marks_come_from_the_findings(filed):
    from generator.project import Project
    from generator.validate import validate
    from generator.validate.marked_copy import marks

    report = validate(filed, project=Project(REPO))
    m = marks(report)
    assert len(m) == sum(1 for f in report.findings if f.cell)
    assert all(sev in ("error", "warning") for _s, _c, sev, _t in m)


def test_same_names_from_two_folders_get_two_copies(filed, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for d in (a, b):
        (d / "月报.xlsx").write_bytes(filed.read_bytes())
    out = tmp_path / "marked"
    proc = run_cli("validate", str(a / "月报.xlsx"), str(b / "月报.xlsx"), "--annotate", str(out))
    assert proc.returncode == 1
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["月报.校验标注-2.xlsx", "月报.校验标注.xlsx"]
