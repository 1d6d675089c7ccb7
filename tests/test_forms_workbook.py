"""The blank workbooks, read back with openpyxl: every place of the layout rendered as the
definition and the clauses say, inputs unlocked and validated, the rest protected."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from conftest import run_cli
from generator.content import squash
from generator.forms.layout import COVER_SHEET, STAMP_FORM, STAMP_VERSION, layout
from generator.forms.model import load_forms
from generator.forms.inputs import AMOUNT_FORMULA, COUNT_FORMULA, ERROR_MAX, PROMPT_MAX, PROMPT_TITLE_MAX
from generator.forms.workbook import FONT_NAME, total_formula, write_workbooks
from workbook_dump import validation_by_cell

FORM_IDS = ["monthly-progress", "quarterly-report", "summary-report"]


@pytest.fixture(scope="module")
def books(project, content, tmp_path_factory):
    out = tmp_path_factory.mktemp("books")
    paths = write_workbooks(project, out, content)
    assert [p.name for p in paths] == [f"{f}.xlsx" for f in FORM_IDS]
    return {p.stem: openpyxl.load_workbook(p) for p in paths}


@pytest.fixture(scope="module")
def forms(project):
    return load_forms(project.forms)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_fixed_label_is_in_its_cell(books, forms, form_id):
    wb = books[form_id]
    form_layout = layout(forms[form_id])
    assert wb.sheetnames == [s.name for s in form_layout.sheets]
    for sheet in form_layout.sheets:
        ws = wb[sheet.name]
        merged = {str(r) for r in ws.merged_cells.ranges}
        for place in sheet.places:
            if place.text is not None:
                assert ws.cell(place.row, place.col).value == place.text, (sheet.name, place.ref)
            if place.merged and place.role != "instruction":
                assert place.range in merged, (sheet.name, place.range)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_header_labels_have_their_input_to_the_right(books, forms, form_id):
    ws = books[form_id][COVER_SHEET]
    for f in forms[form_id].header:
        label = next(c for row in ws.iter_rows() for c in row if c.value == f.label)
        right = ws.cell(label.row, label.column + 1)
        assert right.value is None and right.protection.locked is False, f.label
    stamp = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert stamp[STAMP_FORM] == form_id and stamp[STAMP_VERSION] == forms[form_id].version
    props = {p.name: p.value for p in books[form_id].custom_doc_props.props}
    assert props == {STAMP_FORM: form_id, STAMP_VERSION: forms[form_id].version}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_inputs_unlocked_and_validated_everything_else_locked(books, forms, form_id):
    wb = books[form_id]
    assert wb.security.lockStructure
    for sheet in layout(forms[form_id]).sheets:
        ws = wb[sheet.name]
        assert ws.protection.sheet and ws.protection.password is None
        assert not ws.protection.formatColumns and not ws.protection.formatRows  # widths/heights adjustable
        checks = validation_by_cell(ws)
        inputs = {(p.row, p.col) for p in sheet.places if p.role == "input"}
        assert set(checks) == inputs, sheet.name  # a validation on every input, none elsewhere
        for place in sheet.places:
            cell = ws.cell(place.row, place.col)
            assert cell.protection.locked is (place.role != "input"), (sheet.name, place.ref, place.role)
        for kind, formula, title, prompt, error in checks.values():
            assert title and prompt and error
            assert len(title) <= PROMPT_TITLE_MAX and len(prompt) <= PROMPT_MAX and len(error) <= ERROR_MAX


def test_validations_say_what_a_cell_takes(books, forms):
    wb = books["monthly-progress"]
    form_layout = layout(forms["monthly-progress"])
    drug = form_layout.sheet_of_table("drug")
    checks = validation_by_cell(wb[drug.name])
    count = drug.inputs[("drug", "rows", "inspection", "operation")]
    amount = drug.inputs[("drug", "rows", "amount", "use")]
    assert checks[(count.row, count.col)][:2] == ("custom", COUNT_FORMULA.format(x="X"))
    assert checks[(amount.row, amount.col)][:2] == ("custom", AMOUNT_FORMULA.format(x="X"))
    assert "整数" in checks[(count.row, count.col)][3] and "“/”" in checks[(count.row, count.col)][3]
    banned = drug.inputs[("drug", "rows", "banned", "use")]
    assert "「处罚到人数（人次）」的一部分" in checks[(banned.row, banned.col)][3]
    cases = form_layout.sheet_of_table("major_cases")
    checks = validation_by_cell(wb[cases.name])
    tick = cases.inputs[("major_cases", 0, "category", "drug")]
    assert checks[(tick.row, tick.col)][:2] == ("list", '"√"')
    assert "只能勾选一项" in checks[(tick.row, tick.col)][3]
    date = cases.inputs[("major_cases", 49, "planned_close", None)]
    assert checks[(date.row, date.col)][0] == "date"
    assert wb[cases.name].cell(date.row, date.col).number_format == "yyyy-mm-dd"
    text = cases.inputs[("major_cases", 0, "number", None)]
    assert checks[(text.row, text.col)][0] == "textLength"
    assert wb[cases.name].cell(text.row, text.col).number_format == "@"


def test_totals_are_locked_formulas_over_the_stage_columns(books, forms):
    wb = books["monthly-progress"]
    form = forms["monthly-progress"]
    for t in (t for t in form.tables if t.kind == "grid"):
        sheet = layout(form).sheet_of_table(t.id)
        ws = wb[sheet.name]
        for row in t.rows:
            place = sheet.inputs[(t.id, "rows", row.id, t.total.id)]
            parts = [sheet.inputs[(t.id, "rows", row.id, c.id)].ref for c in t.columns]
            cell = ws.cell(place.row, place.col)
            assert place.role == "total" and cell.value == total_formula(parts) and cell.protection.locked
    assert total_formula(["D3", "E3", "F3", "G3"]) == (
        '=IF(COUNT(D3:G3)+COUNTIF(D3:G3,"/")<4,"",IF(COUNT(D3:G3)=0,"/",SUM(D3:G3)))')


def test_print_settings_frozen_headers_and_fonts(books, forms):
    for form_id, wb in books.items():
        for sheet in layout(forms[form_id]).sheets:
            ws = wb[sheet.name]
            assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.freeze_panes == sheet.freeze
            if sheet.print_rows:
                assert ws.print_title_rows == f"${sheet.print_rows[0]}:${sheet.print_rows[1]}"
            # (the covered cells of a merged range keep no font of their own; the top-left's shows)
            fonts = {c.font.name for row in ws.iter_rows() for c in row if c.has_style and not isinstance(c, MergedCell)}
            assert fonts == {FONT_NAME}


def test_clause_texts_are_verbatim(books, content):
    cover = books["monthly-progress"][COVER_SHEET]
    texts = [c.value for row in cover.iter_rows() for c in row if isinstance(c.value, str)]
    notes = content.clauses["yongchuan-2022#a1-notes"]
    assert notes.data["title"] in texts
    for child in notes.children:
        assert child.own_text in texts
    sheet = books["quarterly-report"]["季度进展报告"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "一、基本情况" in texts and "(一)风险隐患排查情况" in texts and "(参考模板)" in texts
    assert content.clauses["yongchuan-2022#a2-s1-p1"].own_text in texts
    assert content.clauses["yongchuan-2022#a2-note"].own_text in texts
    summary = books["summary-report"]["工作总结报告"]
    texts = " ".join(c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str))
    assert "无更新" not in texts  # 附件3 has no note allowing "无"


def test_cli_writes_one_workbook_per_form(project_copy, tmp_path):
    """One FORM_ID.xlsx per form, and FORM_ID.docx beside it for the prose forms (附件2/附件3)."""
    out = tmp_path / "out"
    proc = run_cli("forms", "--root", str(project_copy), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    prose = [f for f in FORM_IDS if f != "monthly-progress"]
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{f}.xlsx" for f in FORM_IDS] + [f"{f}.docx" for f in prose])
    assert proc.stdout.split() == [str(out / f"{f}.xlsx") for f in FORM_IDS] + [str(out / f"{f}.docx") for f in prose]


def test_cli_checks_first_and_writes_nothing_on_errors(project_copy, tmp_path):
    path = project_copy / "forms" / "monthly-progress.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("part_of: fine_amount", "part_of: nothing"), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("forms", "--root", str(project_copy), "--out", str(out))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "forms/monthly-progress.yaml:" in proc.stdout and "未生成空白报表" in proc.stderr
    assert not out.exists()


def test_cli_unwritable_out_is_a_message_not_a_traceback(project_copy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("forms", "--root", str(project_copy), "--out", str(blocker / "sub"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "无法写入" in proc.stderr


def test_labels_are_the_definitions_words(books, forms):
    """Contract: people and programs find a cell by its label, as on paper."""
    wb = books["monthly-progress"]
    for t in forms["monthly-progress"].tables:
        values = {squash(c.value) for row in wb[t.sheet].iter_rows() for c in row if isinstance(c.value, str)}
        for label in [r.label for r in t.rows] + [c.label for c in t.columns] + [f.label for f in t.fields]:
            assert squash(label) in values, (t.id, label)
