"""The one way anything is written into a workbook cell (openpyxl).

Everything the forms, the upload service and the roll-up write goes through `put`:

- text is stored as text, whatever it begins with: a unit name "=HYPERLINK(…)" or a
  filer's "+86…" never becomes a formula (openpyxl would take any text starting with
  "=" for one);
- money as Decimal stays exact (whole amounts as integers);
- dates get a date format.

The only formulas in any workbook are the form's own 合计 formulas, written with
`put_formula` by the blank-form writer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def put(cell, value: Any, *, date_format: str = "yyyy-mm-dd") -> None:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=…"
    elif isinstance(value, date):
        cell.number_format = date_format


def put_formula(cell, formula: str) -> None:
    """A formula of the form itself (合计); never called with anything a person typed."""
    if not formula.startswith("="):
        raise ValueError("a formula begins with '='")
    cell.value = formula


def append_row(ws, values: list) -> int:
    """Write `values` as the sheet's next row, through `put`; returns the row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or any(c.value is not None for c in ws[1]) else 1
    for col, value in enumerate(values, start=1):
        put(ws.cell(row, col), value)
    return row


def text_width(value: Any) -> float:
    """A column width (Excel's units) that shows `value` whole: CJK characters count two."""
    text = "" if value is None else str(value)
    return sum(2.1 if ord(ch) > 0x2E7F else 1.1 for ch in text) + 2
