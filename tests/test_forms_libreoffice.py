"""LibreOffice Calc, the stand-in for Excel and WPS, renders and round-trips the workbooks.

Two LibreOffice runs per session (start-up is slow): one converts every workbook, and a
one-sheet copy of every sheet, to PDF; the other re-saves every workbook (xlsx → xlsx)
together with a filled-in copy (to recalculate 合计) and a probe of the validation
formulas.  One PNG per sheet (first page, pdftoppm) is kept under
test-artifacts/forms/ to look at.

Known LibreOffice losses on a headless re-save, not ours and not asserted: freeze
panes and grid-line visibility (view settings), and the workbook-structure lock (it
writes an empty <workbookProtection/>).  Sheet protection, unlocked inputs,
validations, merges, labels, print settings and the stamp survive, and are asserted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from conftest import REPO
from generator.content import squash
from generator.forms.layout import STAMP_FORM, STAMP_VERSION, layout
from generator.forms.model import load_forms
from generator.forms.texts import Texts
from generator.forms.inputs import AMOUNT_FORMULA, COUNT_FORMULA
from generator.forms.workbook import write_workbooks
from workbook_dump import dump, validation_by_cell
from xlsx_corpus import SOFFICE, lo_convert

ARTIFACTS = REPO / "test-artifacts" / "forms"
TIMEOUT = 300


def _sheet_copies(book: Path, out: Path) -> list[tuple[str, Path]]:
    """One single-sheet copy per sheet (so each sheet's first page is its own PDF)."""
    names = openpyxl.load_workbook(book).sheetnames
    copies = []
    for i, name in enumerate(names):
        wb = openpyxl.load_workbook(book)
        wb.security = None
        for other in list(wb.sheetnames):
            if other != name:
                wb.remove(wb[other])
        path = out / f"{book.stem}--{i}.xlsx"
        wb.save(path)
        copies.append((name, path))
    return copies


# (value typed, count formula says, amount formula says)
PROBE = [(0, True, True), (3, True, True), ("/", True, True), (2.5, False, True), (-1, False, False),
         ("无", False, False), ("／", False, False), ("0 ", False, False), (1e6, True, True)]
# (stage values, the 合计 it should show: None = nothing)
TOTALS = [([1, "/", 2, 0], 3), (["/", "/", "/", "/"], "/"), ([1, None, None, None], None),
          ([1, "无", 2, 0], None), ([0, 0, 0, 0], 0), ([1.5, 2.25, 0, "/"], 3.75)]


@pytest.fixture(scope="session")
def lo(tmp_path_factory):
    from generator import content as content_mod
    from generator.project import Project

    if SOFFICE is None:
        pytest.fail("LibreOffice Calc is not installed (soffice); run: bash scripts/install-test-deps.sh")
    project = Project(REPO)
    content = content_mod.load(project)
    work = tmp_path_factory.mktemp("lo")
    profile = work / "profile"
    books = write_workbooks(project, work / "books", content)
    copies_dir = work / "sheets"
    copies_dir.mkdir()
    copies = {b.stem: _sheet_copies(b, copies_dir) for b in books}

    forms = load_forms(project.forms)
    drug = layout(forms["monthly-progress"]).sheet_of_table("drug")
    filled = openpyxl.load_workbook(books[0])
    ws = filled[drug.name]
    rows = [r.id for r in forms["monthly-progress"].table("drug").rows][: len(TOTALS)]
    for row_id, (values, _) in zip(rows, TOTALS):
        for col, value in zip(forms["monthly-progress"].table("drug").columns, values):
            ws[drug.inputs[("drug", "rows", row_id, col.id)].ref] = value
    filled_path = work / "filled.xlsx"
    filled.save(filled_path)
    probe = openpyxl.Workbook()
    pws = probe.active
    for i, (value, _, _) in enumerate(PROBE, 1):
        pws.cell(i, 1).value = value
        pws.cell(i, 2).value = "=" + COUNT_FORMULA.format(x=f"A{i}")
        pws.cell(i, 3).value = "=" + AMOUNT_FORMULA.format(x=f"A{i}")
    probe_path = work / "probe.xlsx"
    probe.save(probe_path)

    pdf = work / "pdf"
    lo_convert([*books, *(p for c in copies.values() for _, p in c)], "pdf", pdf, TIMEOUT, profile)
    rt = work / "rt"
    lo_convert([*books, filled_path, probe_path], "xlsx:Calc MS Excel 2007 XML", rt, TIMEOUT, profile)

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    pngs: dict[str, list[Path]] = {}
    for form_id, sheet_copies in copies.items():
        target = ARTIFACTS / form_id
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf / f"{form_id}.pdf", target / f"{form_id}.pdf")
        pngs[form_id] = []
        for i, (name, copy) in enumerate(sheet_copies):
            stem = target / f"{i}-{name.replace(' ', '_')}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf / f"{copy.stem}.pdf"), str(stem)], check=True, timeout=TIMEOUT)
            pngs[form_id].append(stem.with_suffix(".png"))
    return SimpleNamespace(project=project, content=content, forms=forms, books={b.stem: b for b in books},
                           pdf=pdf, rt=rt, pngs=pngs, filled=rt / "filled.xlsx", probe=rt / "probe.xlsx", drug=drug)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=TIMEOUT).stdout


@pytest.mark.parametrize("form_id", ["monthly-progress", "quarterly-report", "summary-report"])
def test_renders_to_pdf_with_every_label_in_cjk_glyphs(lo, form_id):
    pdf = lo.pdf / f"{form_id}.pdf"
    text = squash(_pdf_text(pdf))
    texts = Texts(lo.content)
    for sheet in layout(lo.forms[form_id]).sheets:
        for place in sheet.places:
            if place.role in ("input", "total"):
                continue
            shown = texts.of(place) if place.role != "instruction" else None
            if shown:
                assert squash(shown) in text, (sheet.name, place.ref, shown)
        for role, line in texts.instruction_lines(lo.forms[form_id].instructions) if lo.forms[form_id].instructions else []:
            assert squash(line) in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"WenQuanYi|Noto\S*CJK|SimSun|Song", fonts), f"no CJK font embedded:\n{fonts}"


def test_one_png_per_sheet(lo):
    for form_id, pngs in lo.pngs.items():
        assert len(pngs) == len(layout(lo.forms[form_id]).sheets)
        for png in pngs:
            assert png.exists() and png.stat().st_size > 5000, png


@pytest.mark.parametrize("form_id", ["monthly-progress", "quarterly-report", "summary-report"])
def test_round_trip_keeps_labels_merges_validations_protection_and_stamp(lo, form_id):
    before = dump(lo.books[form_id])
    after = dump(lo.rt / f"{form_id}.xlsx")
    assert after["sheets"] == before["sheets"]
    assert after["custom_properties"] == before["custom_properties"] == {
        STAMP_FORM: form_id, STAMP_VERSION: lo.forms[form_id].version}
    original = openpyxl.load_workbook(lo.books[form_id])
    saved = openpyxl.load_workbook(lo.rt / f"{form_id}.xlsx")
    for name in before["sheets"]:
        a, b = before["detail"][name], after["detail"][name]
        assert b["cells"] == a["cells"], name  # labels, stamp and 合计 formulas, cell for cell
        assert b["merged"] == a["merged"], name
        assert b["unlocked"] == a["unlocked"], name
        assert b["protection"]["sheet"] and b["password"] is None
        assert validation_by_cell(saved[name]) == validation_by_cell(original[name]), name
        for key in ("orientation", "paper", "fit_to_page", "fit_width", "fit_height", "title_rows", "area"):
            assert b["print"][key] == a["print"][key], (name, key)


def test_totals_recalculate_with_the_slash_rule(lo):
    wb = openpyxl.load_workbook(lo.filled, data_only=True)
    ws = wb[lo.drug.name]
    table = lo.forms["monthly-progress"].table("drug")
    for row, (values, expected) in zip(table.rows, TOTALS):
        got = ws[lo.drug.inputs[("drug", "rows", row.id, table.total.id)].ref].value
        assert (got if got != "" else None) == expected, (values, got)


def test_validation_formulas_accept_slash_and_reject_bad_values(lo):
    ws = openpyxl.load_workbook(lo.probe, data_only=True).active
    for i, (value, count_ok, amount_ok) in enumerate(PROBE, 1):
        assert (ws.cell(i, 2).value, ws.cell(i, 3).value) == (count_ok, amount_ok), value
