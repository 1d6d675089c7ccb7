"""What the validator expects of a form's workbook, derived once per form from its layout.

A `Plan` lists, sheet by sheet, the row labels to look for (grid sheets: in the label
columns), and every input as a `Slot`: its layout key, its template cell, how to read it
(`reader`: figure / text / date / tick) and the form's own words for its place (row label ×
column label).  Plans are cached per form object: building one costs a few milliseconds
and a batch validates the same form a thousand times.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from generator.forms.keys import KEY_AREAS, ROWS, GridKey, Key
from generator.forms.layout import LABEL_COLUMNS, FormLayout, layout
from generator.forms.model import Form, Table
from generator.memo import Memo


@lru_cache(maxsize=8192)
def fold_label(text: str) -> str:
    """A label as compared: NFKC (（ → (), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# Plain classes, not dataclasses: `yaojian validate` pays for every class it creates at
# start-up (a dataclass costs ~1 ms to build).


class Slot:
    """One input of the template: its layout key, where the template has it, how to read it
    and the form's own words for its place."""

    __slots__ = ("key", "sheet", "row", "col", "reader", "kind", "row_label", "column_label", "unit", "total",
                 "label_row")

    def __init__(self, key: Key, sheet: str, row: int, col: int, reader: str, kind: str, row_label: str | None,
                 column_label: str | None, unit: str | None = None, total: bool = False, label_row: int | None = None):
        self.key = key
        self.sheet = sheet  # the template's sheet name
        self.row = row  # template row
        self.col = col
        self.reader = reader  # figure text date tick
        self.kind = kind  # count amount text longtext date choice multi
        self.row_label = row_label
        self.column_label = column_label
        self.unit = unit
        self.total = total
        self.label_row = label_row  # the template row whose label locates this slot


class RowLabel:
    """A row label of a grid sheet (or the cover), searched for by its text in the label columns."""

    __slots__ = ("row", "text", "folded", "block")

    def __init__(self, row: int, text: str, folded: str, block: str):
        self.row, self.text, self.folded, self.block = row, text, folded, block


class SheetPlan:
    __slots__ = ("name", "kind", "table", "title", "labels", "slots", "header_rows", "first_label", "by_key", "lines")

    def __init__(self, name: str, kind: str, table: Table | None, title: str | None):
        self.name = name
        self.kind = kind  # cover grid cases sections
        self.table = table
        self.title = title  # the title cell's text (A1), to find a renamed sheet
        self.labels: list[RowLabel] = []
        self.slots: list[Slot] = []
        self.header_rows = (0, 0)  # cases: the two header rows
        self.first_label: str | None = None  # cases: the first column heading, to find the header
        self.by_key: dict[Key, Slot] = {}
        # grids: (template row, block, row id, [(key, column id, column, is 合计)]) row by row
        self.lines: list[tuple] = []


class Plan:
    __slots__ = ("form", "layout", "sheets", "slots")

    def __init__(self, form: Form, layout: FormLayout, sheets: list[SheetPlan], slots: dict[tuple, Slot]):
        self.form, self.layout, self.sheets, self.slots = form, layout, sheets, slots

    def sheet(self, name: str) -> SheetPlan:
        return next(s for s in self.sheets if s.name == name)


_PLANS: Memo[Plan] = Memo(16)


def plan_for(form: Form) -> Plan:
    return _PLANS.get(form.content_key, lambda: _build(form))


def _one_case(form: Form) -> Form:
    """The form with room for one case: a case list's template row is all the plan needs
    (every case row is read the same way), and laying out 50 rows of 24 inputs costs
    ~6 ms at every start-up.  Nothing else moves with the capacity."""
    import dataclasses

    if not any(t.kind == "cases" and t.capacity > 1 for t in form.tables):
        return form
    tables = tuple(dataclasses.replace(t, capacity=1) if t.kind == "cases" else t for t in form.tables)
    return dataclasses.replace(form, tables=tables)


def _build(form: Form) -> Plan:
    lay = layout(_one_case(form))
    sheets: list[SheetPlan] = []
    slots: dict[tuple, Slot] = {}
    for sl in lay.sheets:
        title = next((p.text for p in sl.places if p.role == "title"), None)
        sp = SheetPlan(sl.name, sl.kind, sl.table, title)
        if sl.kind == "cover":
            _cover(form, sl, sp)
        elif sl.kind == "grid":
            _grid(sl.table, sl, sp)
        elif sl.kind == "cases":
            _cases(sl.table, sl, sp)
        elif sl.kind == "sections":
            _sections(sl.table, sl, sp)
        for s in sp.slots:
            slots[s.key] = s
            sp.by_key[s.key] = s
        if sp.kind == "grid":
            lines: dict[int, tuple] = {}
            for s in sp.slots:
                line = lines.get(s.label_row)
                if line is None:
                    line = lines[s.label_row] = (s.label_row, s.key.block, s.key.row, [])
                line[3].append((s.key, s.key.column, s.col, s.total))
            sp.lines = list(lines.values())
        sheets.append(sp)
    return Plan(form, lay, sheets, slots)


def _cover(form: Form, sl, sp: SheetPlan) -> None:
    for p in sl.places:
        if p.role == "label":
            sp.labels.append(RowLabel(p.row, p.text, fold_label(p.text), "header"))
        elif p.key is not None:
            f = form.header_field(p.key.field)
            reader = {"date": "date"}.get(f.kind, "text")
            sp.slots.append(Slot(p.key, sl.name, p.row, p.col, reader, f.kind, f.label, None, unit=f.unit,
                                 label_row=p.row))


def _grid(t: Table, sl, sp: SheetPlan) -> None:
    in_key_areas = False
    for p in sl.places:
        if p.role == "heading":
            in_key_areas = True
        if p.role == "row" and p.col <= LABEL_COLUMNS:
            block = KEY_AREAS if in_key_areas else ROWS
            sp.labels.append(RowLabel(p.row, p.text, fold_label(p.text), block))
    for p in sl.places:
        if p.key is None:
            continue
        key: GridKey = p.key
        if key.block == ROWS:
            row = t.row(key.row)
            col = t.column(key.column)
            column_label = col.label
        else:
            row = t.key_areas.row(key.row)
            col = t.key_areas.column(key.column)
            column_label = col.label
            if col.parent:
                column_label = f"{t.key_areas.column(col.parent).label} · {col.label}"
        sp.slots.append(Slot(p.key, sl.name, p.row, p.col, "figure", row.kind, row.label, column_label,
                             unit=row.unit, total=p.role == "total", label_row=p.row))


def _cases(t: Table, sl, sp: SheetPlan) -> None:
    heads = [p for p in sl.places if p.role == "column"]
    top = min(p.row for p in heads)
    sp.header_rows = (top, top + 1)
    first = min((p for p in heads if p.row == top), key=lambda p: p.col)
    sp.first_label = first.text
    for p in sl.places:
        if p.key is None or p.key.case != 0:
            continue  # one template row describes every case row
        field_id, option_id = p.key.field, p.key.option
        f = t.field(field_id)
        if option_id is not None:
            reader = "tick"
            column_label = f"{f.label} · {f.option(option_id).label}"
        else:
            reader = {"date": "date", "amount": "figure", "count": "figure"}.get(f.kind, "text")
            column_label = f.label
        sp.slots.append(Slot(p.key, sl.name, p.row, p.col, reader, f.kind, None, column_label, unit=f.unit))


def _sections(t: Table, sl, sp: SheetPlan) -> None:
    for p in sl.places:
        if p.key is not None:
            sp.slots.append(Slot(p.key, sl.name, p.row, p.col, "text", "longtext", None, None))

