"""A form's own blank workbook with values typed into its input cells, through the layout.

    values = {("drug", "rows", "inspection", "operation"): "3", ("header", "unit"): "区公安局", …}
    wb = write_values(form, project, values, marks={…keys carried from the last filing…})
    data = to_bytes(wb)

Each value is what a filer would type into that cell (text), stored the way Excel stores
a typed entry (`typed_value`): a plain number becomes a number, a date in a date cell a
date, a tick "√", anything else text — and text is always text, never a formula, even
when it begins with "=", "+", "-" or "@".  The blank workbook is the one units download
(`generator.forms.workbook`), so the result is a filing like any unit's.

`marks`: keys shown as carried over from the unit's previous filing — a light tint and the
cell note "沿用上期数，请核对".  Styles and notes are not values: the validator reads a
marked workbook exactly as an unmarked one.
"""

from __future__ import annotations

import io
import re
from copy import copy
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.forms.cells import put as put_cell
from generator.forms.inputs import meanings
from generator.forms.layout import layout
from generator.forms.model import TICK, Form
from generator.memo import Memo

CARRIED_NOTE = "沿用上期数，请核对"
CARRIED_FILL = "DDEBF7"  # light blue: distinct from the pale yellow of an input still to fill
NOTE_AUTHOR = "yaojian"
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_BLANKS: Memo[bytes] = Memo(8)


_STAMPS: dict[str, tuple[float, tuple]] = {}
STAMP_SECONDS = 1.0  # how long a look at the content files stands (the online check asks per keystroke)


def _content_stamp(project) -> tuple:
    """(name, size, mtime) of every content file, looked at again after STAMP_SECONDS."""
    import time
    from pathlib import Path

    content = Path(project.content)
    now = time.monotonic()
    hit = _STAMPS.get(str(content))
    if hit is not None and now - hit[0] < STAMP_SECONDS:
        return hit[1]
    files = tuple((p.relative_to(content).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in sorted(content.rglob("*.yaml"))) if content.is_dir() else ()
    if len(_STAMPS) > 16:
        _STAMPS.clear()
    _STAMPS[str(content)] = (now, files)
    return files


def blank_key(form: Form, project) -> tuple:
    """What the blank workbook is made from: the definition and the content files (whose
    clauses it quotes), by content — an edit of either makes a new workbook."""
    return (str(project.root), form.content_key, _content_stamp(project))


def blank_bytes(form: Form, project) -> bytes:
    """The form's blank workbook as units download it."""

    def make() -> bytes:
        from generator import content as content_mod
        from generator.forms.workbook import build_workbook

        buf = io.BytesIO()
        build_workbook(form, content_mod.load(project)).save(buf)
        return buf.getvalue()

    return _BLANKS.get(blank_key(form, project), make)


def blank(form: Form, project):
    """The form's blank workbook, loaded by openpyxl (a fresh copy each call)."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(blank_bytes(form, project)))


def typed_value(kind: str | None, text: Any) -> Any:
    """What a cell holds after a filer types `text` into it: None (nothing typed), an int
    or Decimal (a plain number in a count/amount cell), a date (an ISO date in a date
    cell), or the text itself.  One function, so that a check of typed values and the
    workbook written from them can never disagree."""
    if text is None:
        return None
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if not stripped:
        return None
    if kind in ("count", "amount") and _NUMBER.fullmatch(stripped):
        try:
            d = Decimal(stripped)
        except InvalidOperation:  # pragma: no cover - the pattern admits only literals
            return text
        return _plain_decimal(d)
    if kind == "date" and _ISO_DATE.fullmatch(stripped):
        try:
            return date.fromisoformat(stripped)
        except ValueError:
            return text
    if kind == "tick":
        return TICK if stripped == TICK else text
    return text


def _plain_decimal(d: Decimal) -> Decimal | int:
    """1.50 → 1.5, 2.0 → 2: a number as Excel keeps it (no trailing zeros, no exponent)."""
    if d == d.to_integral_value():
        return int(d)
    return Decimal(format(d.normalize(), "f"))


def put(ws, row: int, col: int, value: Any, *, kind: str | None = None) -> None:
    """Store a value in a cell through the one cell writer (text stays text: a leading "="
    is no formula); an ISO date typed into a date cell becomes a date."""
    if kind == "date" and isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    put_cell(ws.cell(row, col), value)


def copy_style(src, dst) -> None:
    if src.has_style:
        dst._style = copy(src._style)


def input_kinds(form: Form) -> dict[tuple, str]:
    """The kind of every input key of the form (count amount tick date text longtext section)."""
    out: dict[tuple, str] = {}
    for sheet in layout(form).sheets:
        for key, m in meanings(form, sheet).items():
            out[key] = m.kind
    return out


_KINDS: Memo[dict] = Memo(8)


def kinds_of(form: Form) -> dict[tuple, str]:
    return _KINDS.get(form.content_key, lambda: input_kinds(form))


def kind_of(form: Form, key: tuple) -> str | None:
    """An input key's kind; a case row past the template's capacity is like the first."""
    return cells_of(form).kind(key)


def position(form: Form, key: tuple) -> tuple[str, int, int] | None:
    """(sheet, row, column) of an input key in the form's workbook; a case row i sits i
    rows below the first case row (also past the template's capacity)."""
    return cells_of(form).position(key)


class Cells:
    """Kind and place of every input key of a form (one lookup per form, then plain dicts:
    the online check asks for every value on every keystroke)."""

    def __init__(self, form: Form):
        self.kinds = kinds_of(form)
        self.places = _places(form)

    def kind(self, key: tuple) -> str | None:
        kind = self.kinds.get(key)
        if kind is None and len(key) == 4 and isinstance(key[1], int):
            kind = self.kinds.get((key[0], 0, key[2], key[3]))
        return kind

    def position(self, key: tuple) -> tuple[str, int, int] | None:
        hit = self.places.get(key)
        if hit is None and len(key) == 4 and isinstance(key[1], int):
            first = self.places.get((key[0], 0, key[2], key[3]))
            if first is not None:
                hit = (first[0], first[1] + key[1], first[2])
        return hit


_CELLS: Memo[Cells] = Memo(8)


def cells_of(form: Form) -> Cells:
    return _CELLS.get(form.content_key, lambda: Cells(form))


_PLACES: Memo[dict] = Memo(8)


def _places(form: Form) -> dict[tuple, tuple[str, int, int]]:
    return _PLACES.get(form.content_key, lambda: {key: (sheet.name, p.row, p.col) for sheet in layout(form).sheets
                                                  for key, p in sheet.inputs.items() if p.role == "input"})


def write_values(form: Form, project, values: dict[tuple, Any], marks: set[tuple] | None = None):
    """The form's blank workbook (openpyxl) with `values` typed into their cells."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = blank(form, project)
    tint = PatternFill("solid", fgColor=CARRIED_FILL)
    cells = cells_of(form)
    for key, text in values.items():
        where = cells.position(key)
        if where is None:
            continue
        kind = cells.kind(key)
        value = typed_value(kind, text)
        if value is None and not (marks and key in marks):
            continue
        sheet, row, col = where
        ws = wb[sheet]
        if len(key) == 4 and isinstance(key[1], int) and key[1] > 0:
            first = position(form, (key[0], 0, key[2], key[3]))
            if first is not None and row > first[1] + _capacity(form, key[0]) - 1:
                copy_style(ws.cell(first[1], col), ws.cell(row, col))
        put(ws, row, col, value, kind=kind)
        if marks and key in marks:
            cell = ws.cell(row, col)
            cell.fill = tint
            note = Comment(CARRIED_NOTE, NOTE_AUTHOR)
            note.width, note.height = 160, 40
            cell.comment = note
    return wb


def _capacity(form: Form, table_id: str) -> int:
    return form.table(table_id).capacity


def to_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
