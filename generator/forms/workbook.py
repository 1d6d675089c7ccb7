"""Blank workbooks: one `FORM_ID.xlsx` per form definition, rendered from its layout.

`layout(form)` says where every label, input and 合计 sits; this module only renders
those places with openpyxl: texts (from the definition, or verbatim from the clause a place
names), merges, fonts, borders, the input cells unlocked and everything else protected
(sheet protection without a password, so the office can still adjust a sheet; the
workbook structure is locked so sheets keep their names), a data validation with a
Chinese prompt and error on every input, 合计 as a formula that keeps the "/" rule,
frozen header rows and A4 landscape printing fitted to the page width.

The form id and version are stamped twice: in the cover's 表单编号 / 模板版本 cells and
as custom document properties of the same names.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection

from generator.forms.cells import put, put_formula
from generator.forms.inputs import Input, meanings
from generator.forms.keys import row_key
from generator.forms.layout import STAMP_FORM, STAMP_VERSION, FormLayout, Place, SheetLayout, cell_ref, layout
from generator.forms.model import Form
from generator.forms.texts import Texts

FONT_NAME = "宋体"  # SimSun: on every Chinese Windows; LibreOffice substitutes a CJK font
SIZES = {"title": 16, "subtitle": 12, "heading": 12, "body": 11, "small": 9}
FILL_INPUT = PatternFill("solid", fgColor="FFF8DC")  # pale yellow: where to type
FILL_TOTAL = PatternFill("solid", fgColor="EDEDED")  # grey: computed
FILL_HEAD = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# A fixed creation time: the workbook of a definition does not change from build to build.
CREATED = datetime(2022, 5, 6, 0, 0, 0)

LINE_HEIGHT = 15.0  # points per wrapped line at 11 pt

# Roles drawn as table cells (with a border).
_BOXED = {"label", "input", "total", "corner", "column", "group", "subitems", "row", "unit", "stamp-label", "stamp-value"}
_HEADER_ROLES = {"corner", "column", "group", "subitems", "unit"}



def total_formula(parts: list[str]) -> str:
    """合计 of some cells, keeping the "/" rule: any part blank (or not a number and not "/")
    → shows nothing; every part "/" → "/"; otherwise the sum of the numbers."""
    rng = _range_text(parts)
    n = len(parts)
    return f'=IF(COUNT({rng})+COUNTIF({rng},"/")<{n},"",IF(COUNT({rng})=0,"/",SUM({rng})))'


def _range_text(refs: list[str]) -> str:
    """"D3:G3" for cells side by side in one row, else "D3,F3" (Excel union)."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    coords = [coordinate_from_string(r) for r in refs]
    rows = {row for _, row in coords}
    cols = [column_index_from_string(c) for c, _ in coords]
    if len(rows) == 1 and cols == list(range(cols[0], cols[0] + len(cols))):
        return f"{refs[0]}:{refs[-1]}" if len(refs) > 1 else refs[0]
    return ",".join(refs)


def text_width(text: str) -> float:
    """Display width in Excel column units: a CJK character is about two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.1 for ch in text)


# -- styles ----------------------------------------------------------------------------------


def _font(size: float = SIZES["body"], bold: bool = False, italic: bool = False, color: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


def _style(role: str, kind: str | None = None) -> dict:
    """font, alignment, fill for a role (kind: the input's cell kind, for alignment)."""
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if role == "title":
        return {"font": _font(SIZES["title"], bold=True), "alignment": centre}
    if role == "subtitle":
        return {"font": _font(SIZES["subtitle"]), "alignment": centre}
    if role == "heading":
        return {"font": _font(SIZES["heading"], bold=True), "alignment": wrap_left}
    if role == "guidance":
        return {"font": _font(SIZES["body"], color="404040"), "alignment": Alignment(horizontal="left", vertical="top", wrap_text=True)}
    if role == "note":
        return {"font": _font(SIZES["body"] - 1, italic=True, color="404040"), "alignment": wrap_left}
    if role in ("stamp-label", "stamp-value"):
        return {"font": _font(SIZES["small"], color="595959"), "alignment": wrap_left}
    if role == "label":
        return {"font": _font(bold=True), "alignment": centre, "fill": FILL_HEAD}
    if role in _HEADER_ROLES:
        return {"font": _font(bold=True), "alignment": centre, "fill": FILL_HEAD}
    if role == "row":
        return {"font": _font(), "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)}
    if role == "total":
        return {"font": _font(bold=True), "alignment": centre, "fill": FILL_TOTAL}
    if role == "input":
        if kind in ("text", "longtext", "section"):
            align = Alignment(horizontal="left", vertical="top", wrap_text=True)
        else:
            align = centre
        return {"font": _font(), "alignment": align, "fill": FILL_INPUT}
    return {"font": _font(), "alignment": wrap_left}


# -- rendering -------------------------------------------------------------------------------


def build_workbook(form: Form, content) -> Workbook:
    """The blank workbook of a form (not saved)."""
    texts = Texts(content)
    form_layout: FormLayout = layout(form)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in form_layout.sheets:
        _render_sheet(wb, form, sheet, texts)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = form.title
    wb.properties.subject = f"{form.id} {form.version}"
    wb.properties.creator = "yaojian"
    wb.properties.lastModifiedBy = "yaojian"
    wb.properties.created = CREATED
    wb.properties.modified = CREATED
    wb.properties.keywords = form.id
    wb.custom_doc_props.append(StringProperty(name=STAMP_FORM, value=form.id))
    wb.custom_doc_props.append(StringProperty(name=STAMP_VERSION, value=form.version))
    return wb


def write_workbook(form: Form, content, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build_workbook(form, content)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def write_workbooks(project, out_dir: Path, content=None) -> list[Path]:
    """Every form's blank workbook into `out_dir` (FORM_ID.xlsx); the paths written.

    Assumes definitions that `yaojian check` accepts (`yaojian forms` checks first)."""
    from generator import content as content_mod
    from generator.forms.model import load_forms

    if content is None:
        content = content_mod.load(project)
    forms = load_forms(project.forms)
    return [write_workbook(form, content, Path(out_dir) / f"{form_id}.xlsx") for form_id, form in sorted(forms.items())]


def _render_sheet(wb: Workbook, form: Form, sheet: SheetLayout, texts: Texts) -> None:
    ws = wb.create_sheet(sheet.name)
    meaning = meanings(form, sheet)
    inputs = sheet.inputs
    for place in sheet.places:
        if place.role == "instruction":
            _render_instructions(ws, sheet, place, texts)
            continue
        kind = meaning[place.key].kind if place.key in meaning else None
        style = _style(place.role, kind)
        if place.vertical:
            style["alignment"] = Alignment(horizontal="center", vertical="center", wrap_text=True, textRotation=255)
        _put(ws, place, texts.of(place) if place.role not in ("input", "total") else None, style,
             boxed=place.role in _BOXED, locked=place.role != "input")
        if place.role == "input" and kind == "date":
            ws.cell(place.row, place.col).number_format = "yyyy-mm-dd"
        elif place.role == "input" and kind in ("text", "longtext", "section"):
            ws.cell(place.row, place.col).number_format = "@"
        elif place.role == "total":
            t = sheet.table
            parts = [inputs[row_key(t.id, place.key.row, c.id)].ref for c in t.columns]
            put_formula(ws.cell(place.row, place.col), total_formula(parts))
    _validations(ws, sheet, meaning)
    _dimensions(ws, sheet, texts)
    _sheet_settings(ws, sheet, last_row=max(sheet.last_row, ws.max_row))


def _put(ws, place: Place, text: str | None, style: dict, boxed: bool, locked: bool) -> None:
    cell = ws.cell(place.row, place.col)
    if text is not None:
        put(cell, text)
    if place.merged:
        ws.merge_cells(place.range)
    protection = Protection(locked=locked)
    for r in range(place.row, place.row + place.rows):
        for c in range(place.col, place.col + place.cols):
            target = ws.cell(r, c)
            target.font = style["font"]
            target.alignment = style["alignment"]
            if "fill" in style:
                target.fill = style["fill"]
            if boxed:
                target.border = BOX
            target.protection = protection


def _render_instructions(ws, sheet: SheetLayout, place: Place, texts: Texts) -> None:
    """填表须知 verbatim, one merged row per item, from the place's row down (it sits last)."""
    width = sum(sheet.widths.get(c, 9.0) for c in range(place.col, place.col + place.cols))
    for i, (role, text) in enumerate(texts.instruction_lines(place.clause)):
        row = place.row + i
        item = Place(row, place.col, "heading" if role == "heading" else "body", text, cols=place.cols)
        _put(ws, item, text, _style("heading" if role == "heading" else "body"), boxed=False, locked=True)
        lines = max(1, math.ceil(text_width(text) / (width * 0.92)))
        ws.row_dimensions[row].height = max(18.0, lines * LINE_HEIGHT + 4)


def _rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cells (row, col) as few rectangles (r1, c1, r2, c2): runs in a row, then equal runs stacked."""
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, prev))
                start = c
            prev = c
        runs.append((r, start, prev))
    rects: list[list[int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r, c1, c2 in runs:
        rect = open_.get((c1, c2))
        if rect is not None and rect[2] == r - 1:
            rect[2] = r
        else:
            rect = [r, c1, r, c2]
            rects.append(rect)
            open_[(c1, c2)] = rect
    return [tuple(x) for x in sorted(rects)]  # type: ignore[misc]


def rect_ref(rect: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = rect
    a, b = cell_ref(r1, c1), cell_ref(r2, c2)
    return a if a == b else f"{a}:{b}"


def _validations(ws, sheet: SheetLayout, meaning: dict[tuple, Input]) -> None:
    """One validation per run of inputs that share their meaning (a grid row, a 表1 column)."""
    groups: dict[tuple, list[Place]] = {}
    for place in sheet.places:
        if place.role != "input":
            continue
        m = meaning[place.key]
        sig = (m.kind, m.title, m.prompt, m.error, m.limit)
        groups.setdefault(sig, []).append(place)
    for sig, places in groups.items():
        m = meaning[places[0].key]
        for rect in _rectangles((p.row, p.col) for p in places):
            dv = m.validation(cell_ref(rect[0], rect[1]))
            dv.add(rect_ref(rect))
            ws.add_data_validation(dv)


def _dimensions(ws, sheet: SheetLayout, texts: Texts) -> None:
    for col, width in sheet.widths.items():
        ws.column_dimensions[cell_ref(1, col)[:-1]].width = width
    heights: dict[int, float] = dict(sheet.heights)
    for place in sheet.places:
        if place.rows != 1 or place.role in ("input", "total", "instruction") or place.row in sheet.heights:
            continue
        text = texts.of(place) or ""
        if place.vertical:  # stacked: one character a line
            heights[place.row] = max(heights.get(place.row, 0.0), len(text.replace(" ", "")) * (LINE_HEIGHT - 1) + 8)
            continue
        width = sum(sheet.widths.get(c, 9.0) for c in range(place.col, place.col + place.cols))
        size = SIZES.get(place.role, SIZES["body"])
        lines = sum(max(1, math.ceil(text_width(part) * size / SIZES["body"] / (width * 0.92))) for part in text.split("\n"))
        need = max(18.0, lines * LINE_HEIGHT * size / SIZES["body"] + 5)
        heights[place.row] = max(heights.get(place.row, 0.0), need)
    for row, height in heights.items():
        ws.row_dimensions[row].height = height


def _sheet_settings(ws, sheet: SheetLayout, last_row: int) -> None:
    ws.sheet_view.showGridLines = False
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    ps = ws.page_setup
    ps.orientation = "landscape"
    ps.paperSize = ws.PAPERSIZE_A4
    ps.fitToWidth = 1
    ps.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if sheet.print_rows:
        ws.print_title_rows = f"{sheet.print_rows[0]}:{sheet.print_rows[1]}"
    ws.print_area = f"A1:{cell_ref(last_row, sheet.last_col)}"
    ws.oddFooter.center.text = "&A　第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # widths and heights may be adjusted (long text); nothing else
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
