"""Checking values typed into a form (在线填报) without writing a file first.

    report = check_values(form, project, values, previous=previous_report)

`values` are what a filer typed, by layout key (the shape of `generator.forms.filled`).
The check builds, in memory, the workbook the reader would return for the file
`write_values` writes from the same values — the form's blank workbook as read once,
with each input cell as that file stores it (`generator.forms.filled.typed_value`) — and
runs the validator's own steps on it (identify, locate, read, schema, rules, and the
cumulative rule against `previous`).  So the findings are the ones `yaojian validate`
gives the submitted workbook, at a fraction of the cost of writing and reading a file
(tests/test_online.py holds the two equal).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from generator.forms.filled import blank_bytes, blank_key, cells_of, typed_value
from generator.forms.model import Form
from generator.memo import Memo
from generator.validate.report import Report
from generator.xlsx.book import Cell, Sheet, Workbook

_EPOCH = date(1899, 12, 30)
_TEMPLATES: Memo[Workbook] = Memo(8)


def template(form: Form, project) -> Workbook:
    """The form's blank workbook as the reader returns it (read once per definition)."""
    from generator.xlsx import read_workbook

    return _TEMPLATES.get(blank_key(form, project), lambda: read_workbook(blank_bytes(form, project)))


def stored_cell(value: Any) -> Cell | None:
    """The reader's cell for a value `write_values` stores (None: nothing stored)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Cell("b", "1" if value else "0")
    if isinstance(value, int):
        return Cell("n", str(value))
    if isinstance(value, Decimal):
        return Cell("n", format(value, "f"))
    if isinstance(value, date):
        return Cell("n", str((value - _EPOCH).days), is_date=True)
    return Cell("s", str(value))


def book_with(form: Form, project, values: dict[tuple, Any]) -> Workbook:
    """The blank workbook as read, with `values` typed into their cells."""
    base = template(form, project)
    book = Workbook()
    book.date1904 = base.date1904
    book.defined_names = base.defined_names
    book.custom_properties = base.custom_properties
    book.application = base.application
    book.app_version = base.app_version
    book.format = base.format
    sheets = {s.name: Sheet(s.name, s.state, s.kind, dict(s.cells), s.merged, s.dimension, s.protected, s.loaded,
                            s.part) for s in base.sheets}
    book.sheets = list(sheets.values())
    cells = cells_of(form)
    for key, text in values.items():
        where = cells.position(key)
        if where is None:
            continue
        cell = stored_cell(typed_value(cells.kind(key), text))
        sheet = sheets[where[0]]
        if cell is None:
            sheet.cells.pop((where[1], where[2]), None)
        else:
            sheet.cells[(where[1], where[2])] = cell
    return book


def check_values(form: Form, project, values: dict[tuple, Any], *, previous: Report | None = None,
                 name: str = "在线填报", forms: dict | None = None) -> Report:
    """The validator's report on the workbook these values make (no file written)."""
    from generator.forms.model import load_forms
    from generator.validate import _validate_book, with_previous

    if forms is None:
        forms = load_forms(project.forms)
    report = _validate_book(book_with(form, project, values), name, project, forms)
    if previous is not None and not report.stopped:
        with_previous(report, previous, forms)
    return report
