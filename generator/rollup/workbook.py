"""Writing a filed document into the form's own blank workbook, through the layout.

The blank workbook is the one units download (`generator.forms.workbook`); every value
goes to the cell the layout gives its key, so the result is a filing like any unit's and
passes `yaojian validate`.  A roll-up adds the sheet 各单位明细 with the per-unit values
behind every figure.  Text is always written as text, never as a formula.
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from generator.forms.cells import append_row
from generator.forms.filled import blank, copy_style, put
from generator.forms.keys import KEY_AREAS, ROWS, CaseKey, GridKey, SectionKey, header_key
from generator.forms.layout import layout
from generator.forms.model import TICK, Form

BREAKDOWN_SHEET = "各单位明细"


def fill(form: Form, document: dict, project, wb=None):
    """An openpyxl workbook of `form` holding `document`, and the 合计 values to cache.

    合计 cells keep the template's formula (a hand-written number there is a warning);
    the values they compute are returned as {sheet: {cell: value}} for `cache_totals`.
    """
    wb = wb if wb is not None else blank(form, project)
    lay = layout(form)
    places: dict[tuple, tuple[str, Any]] = {}
    totals: dict[str, dict[str, Any]] = {}
    for sheet in lay.sheets:
        for key, place in sheet.inputs.items():
            places[key] = (sheet.name, place)
    header = document.get("header") or {}
    for f in form.header:
        sheet, place = places[header_key(f.id)]
        put(wb[sheet], place.row, place.col, header.get(f.id), kind=f.kind)
    tables = document.get("tables") or {}
    for t in form.tables:
        data = tables.get(t.id)
        if data is None:
            continue
        if t.kind == "grid":
            for block in (ROWS, KEY_AREAS):
                for row_id, cols in (data.get(block) or {}).items():
                    for col_id, value in (cols or {}).items():
                        hit = places.get(GridKey(t.id, block, row_id, col_id))
                        if hit is None:
                            continue
                        if hit[1].role == "total" and wb[hit[0]].cell(hit[1].row, hit[1].col).data_type == "f":
                            totals.setdefault(hit[0], {})[hit[1].ref] = value
                        else:
                            put(wb[hit[0]], hit[1].row, hit[1].col, value)
        elif t.kind == "cases":
            _cases(wb, t, data, places)
        elif t.kind == "sections":
            for section_id, text in (data or {}).items():
                hit = places.get(SectionKey(t.id, section_id))
                if hit is not None:
                    put(wb[hit[0]], hit[1].row, hit[1].col, text)
    return wb, totals


def _cases(wb, t, cases: list, places: dict) -> None:
    """One row per case: row i sits i rows below the template's first case row (the list
    may run past the template's capacity; those rows take the first row's style)."""
    for i, case in enumerate(cases):
        for f in t.fields:
            targets = [(o.id, places.get(CaseKey(t.id, 0, f.id, o.id))) for o in f.options] if f.is_choice else [(None, places.get(CaseKey(t.id, 0, f.id, None)))]
            value = case.get(f.id)
            for option_id, hit in targets:
                if hit is None:
                    continue
                ws = wb[hit[0]]
                row, col = hit[1].row + i, hit[1].col
                if i >= t.capacity:
                    copy_style(ws.cell(hit[1].row, col), ws.cell(row, col))
                if option_id is None:
                    put(ws, row, col, value, kind=f.kind)
                else:
                    chosen = value if isinstance(value, (list, tuple)) else ([value] if value else [])
                    put(ws, row, col, TICK if option_id in chosen else None)


def add_breakdown(wb, rollup) -> None:
    """The sheet 各单位明细: every figure of the roll-up and each unit's value behind it."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(BREAKDOWN_SHEET)
    head = ["表", "项目", "栏目", "汇总", *rollup.units]
    append_row(ws, head)  # unit names are text, even one beginning with "="
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    r = 2
    for line in rollup.lines:
        values = [line.table, line.row_label, line.column_label + ("（重新计算）" if line.total else ""), line.value, *line.parts]
        for c, v in enumerate(values, start=1):
            put(ws, r, c, v)
        r += 1
    for table_id, section_id, texts in rollup.texts:
        t = rollup.form.table(table_id)
        for c, v in enumerate([t.heading or t.sheet, section_id, "文字", "", *texts], start=1):
            put(ws, r, c, v)
        r += 1
    ws.freeze_panes = "E2"
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 18
    from openpyxl.utils import get_column_letter

    for col in range(5, len(head) + 1):  # unit columns: room for a name on up to three lines
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.row_dimensions[1].height = 48
    _print_setup(ws)


def _print_setup(ws) -> None:
    """Printed: landscape A4, as wide as one page, as many pages down as it needs, the
    header row on every page and the label columns (表, 项目, 栏目, 汇总) on every page
    across, so that no number is printed apart from its labels."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:D"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def save(wb, out: str | os.PathLike, totals: dict[str, dict[str, Any]] | None = None) -> Path:
    """Save atomically: a temp file beside the target, then renamed over it."""
    from generator.xlsx.atomicfile import write_bytes

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(out, to_bytes(wb, totals), prefix=".rollup-")  # mode from the umask


def to_bytes(wb, totals: dict[str, dict[str, Any]] | None = None) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    return cache_totals(data, totals) if totals else data


def _cached(value: Any) -> tuple[str, str]:
    """(type attribute, <v> text) of a formula's cached result."""
    if isinstance(value, str):
        return ' t="str"', escape(value)
    if isinstance(value, Decimal):
        return "", format(value, "f")
    if value is None:
        return ' t="str"', ""
    return "", str(value)


def cache_totals(data: bytes, totals: dict[str, dict[str, Any]]) -> bytes:
    """Write each 合计 formula's result as its cached value (`<v>`), as Excel would on save.

    openpyxl stores formulas without results; a reader that does not calculate (or a
    program that compares) then sees nothing.  The formula stays; only `<v>` is filled.
    """
    import re
    import zipfile
    from xml.etree import ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    src = zipfile.ZipFile(io.BytesIO(data))
    book = ET.fromstring(src.read("xl/workbook.xml"))
    rels = ET.fromstring(src.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    parts: dict[str, dict[str, Any]] = {}
    for sheet in book.find("m:sheets", ns):
        name = sheet.get("name")
        if name in totals:
            target = targets[sheet.get(f"{{{ns['r']}}}id")].lstrip("/")
            parts[target if target.startswith("xl/") else "xl/" + target] = totals[name]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            cells = parts.get(info.filename)
            if cells:
                text = body.decode("utf-8")

                def sub(m: "re.Match") -> str:
                    ref = m.group(1)
                    if ref not in cells:
                        return m.group(0)
                    kind, v = _cached(cells[ref])
                    attrs = re.sub(r'\s+t="[^"]*"', "", m.group(2))
                    return f'<c r="{ref}"{attrs}{kind}><f>{m.group(3)}</f><v>{v}</v></c>'

                text = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>', sub, text)
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()
