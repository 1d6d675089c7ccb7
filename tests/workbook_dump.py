"""A semantic dump of a workbook: the stable parts a golden file and a round trip compare.

Per sheet: every non-empty cell's value (formulas as their text), merged ranges, the
unlocked cells as rectangles, each data validation (cells, type, formula with its anchor
cell written as X, prompt and error texts), the protection flags, freeze panes, print
settings, column widths and the fonts used.  Per workbook: sheet order, structure lock
and the custom document properties.  No timestamps, nothing openpyxl or LibreOffice
reorders.
"""

from __future__ import annotations

import re

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.cell import range_boundaries

from generator.forms.workbook import _rectangles, rect_ref

PROTECTION_FLAGS = ("sheet", "formatCells", "formatColumns", "formatRows", "insertColumns", "insertRows",
                    "deleteColumns", "deleteRows", "selectLockedCells", "selectUnlockedCells", "sort", "autoFilter")


def cells_of(sqref: str) -> list[tuple[int, int]]:
    out = []
    for part in str(sqref).split():
        c1, r1, c2, r2 = range_boundaries(part)
        out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


def anchored(formula: str | None, sqref: str) -> str | None:
    """A validation formula with its anchor (the top-left cell of its range) written as X."""
    if formula is None:
        return None
    first = str(sqref).split()[0].split(":")[0]
    return re.sub(rf"(?<![A-Z$]){first}(?!\d)", "X", formula)


def validations(ws) -> list[dict]:
    out = []
    for dv in ws.data_validations.dataValidation:
        out.append({
            "cells": str(dv.sqref),
            "type": dv.type,
            "operator": dv.operator if dv.type not in ("custom", "list") else None,
            "formula1": anchored(dv.formula1, dv.sqref),
            "formula2": dv.formula2 if dv.type not in ("custom", "list") else None,
            "allow_blank": bool(dv.allow_blank),
            "prompt_title": dv.promptTitle,
            "prompt": dv.prompt,
            "error_title": dv.errorTitle,
            "error": dv.error,
        })
    return sorted(out, key=lambda v: (v["cells"], v["type"]))


def validation_by_cell(ws) -> dict[tuple[int, int], tuple]:
    """What validates each cell: (type, formula with X, prompt title, prompt, error)."""
    out: dict[tuple[int, int], tuple] = {}
    for v in validations(ws):
        for cell in cells_of(v["cells"]):
            out[cell] = (v["type"], v["formula1"], v["prompt_title"], v["prompt"], v["error"])
    return out


def sheet_dump(ws) -> dict:
    cells = {}
    unlocked = []
    fonts = set()
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.value != "":
                cells[cell.coordinate] = cell.value if isinstance(cell.value, str) else repr(cell.value)
            if cell.has_style:
                if not cell.protection.locked:
                    unlocked.append((cell.row, cell.column))
                if cell.font is not None and cell.font.name and not isinstance(cell, MergedCell):
                    fonts.add(cell.font.name)
    ps = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None
    return {
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "unlocked": [rect_ref(r) for r in _rectangles(unlocked)],
        "validations": validations(ws),
        "protection": {k: bool(getattr(ws.protection, k)) for k in PROTECTION_FLAGS},
        "password": ws.protection.password,
        "freeze": ws.freeze_panes,
        "print": {
            "orientation": ps.orientation,
            "paper": str(ps.paperSize),
            "fit_to_page": bool(fit),
            "fit_width": ps.fitToWidth,
            "fit_height": ps.fitToHeight,
            "title_rows": ws.print_title_rows,
            "area": ws.print_area,
        },
        "widths": {k: round(v.width, 2) for k, v in sorted(ws.column_dimensions.items()) if v.width},
        "fonts": sorted(fonts),
    }


def dump(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {
        "sheets": wb.sheetnames,
        "lock_structure": bool(wb.security and wb.security.lockStructure),
        "custom_properties": {p.name: p.value for p in sorted(wb.custom_doc_props.props, key=lambda p: p.name)},
        "detail": {ws.title: sheet_dump(ws) for ws in wb.worksheets},
    }
