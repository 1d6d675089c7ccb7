"""Where every label, input and total of a form's workbook sits.

`layout(form)` places each part of a form definition on a sheet: the cover sheet
(填报说明: title, header fields with their input to the right, the form stamp, a note on
filling and protection, 填表须知 last), then one sheet per table.  The workbook writer renders these places; the validator uses
them as the expected template (and finds moved rows by label); the annotator and the
roll-up address cells through the same keys.  Positions never depend on content text, so
the validator can lay out a form without loading content/.

Each input and 合计 (role "total") carries its key (`generator.forms.keys`), which is also
its path in the filed document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.forms.keys import CaseKey, Key, SectionKey, header_key, key_area_key, row_key
from generator.forms.model import Form, Table
from generator.xlsx.refs import col_letters as column_letter

COVER_SHEET = "填报说明"
STAMP_FORM = "表单编号"
STAMP_VERSION = "模板版本"
LABEL_COLUMNS = 3  # grid sheets: A group, B 其中 / row label, C row label
CASES_HEADER_ROWS = (2, 3)
CASES_TICK_WIDTH = 4.5
CASES_WIDTHS = {"longtext": 40, "text": 16, "date": 12, "amount": 10, "count": 9}


def cover_note(form: Form) -> str:
    """The cover's note on filling and protection (the project's words, not the seed's)."""
    totals = any(t.total is not None for t in form.tables)
    return (
        "说明：请只在浅黄色单元格中填写" + ("；合计由公式自动计算" if totals else "") + "。"
        "各工作表已设保护以防误改（未设密码），请勿增删行列、改动标签文字或工作表名称，否则报表无法自动校验。"
    )


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True, slots=True)
class Place:
    """One cell the layout places (the top-left cell of a merged block)."""

    row: int
    col: int
    role: str  # title subtitle label input total corner column group subitems row heading guidance note stamp-label stamp-value instruction unit
    text: str | None = None  # fixed text; None where it comes from a clause or is an input
    rows: int = 1  # merged extent
    cols: int = 1
    key: Key | None = None  # inputs and totals
    clause: str | None = None  # "doc#clause" whose text this cell shows
    vertical: bool = False  # text stacked vertically (表1's checkbox headings, to keep the columns narrow)

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)

    @property
    def merged(self) -> bool:
        return self.rows > 1 or self.cols > 1

    @property
    def range(self) -> str:
        return f"{self.ref}:{cell_ref(self.row + self.rows - 1, self.col + self.cols - 1)}"


@dataclass
class SheetLayout:
    name: str
    kind: str  # cover grid cases sections
    table: Table | None
    places: list[Place] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    print_rows: tuple[int, int] | None = None  # rows repeated on each printed page
    last_col: int = 1

    def add(self, place: Place) -> Place:
        self.places.append(place)
        self.last_col = max(self.last_col, place.col + place.cols - 1)
        return place

    @property
    def inputs(self) -> dict[Key, Place]:
        return {p.key: p for p in self.places if p.key is not None}

    @property
    def last_row(self) -> int:
        return max((p.row + p.rows - 1 for p in self.places), default=1)


@dataclass
class FormLayout:
    form: Form
    sheets: list[SheetLayout]

    def sheet(self, name: str) -> SheetLayout:
        return next(s for s in self.sheets if s.name == name)

    def locate(self, key: Key) -> tuple[SheetLayout, Place]:
        for sheet in self.sheets:
            place = sheet.inputs.get(key)
            if place is not None:
                return sheet, place
        raise KeyError(key)

    def sheet_of_table(self, table_id: str) -> SheetLayout:
        return next(s for s in self.sheets if s.table is not None and s.table.id == table_id)


def layout(form: Form) -> FormLayout:
    sheets = [_cover(form)]
    for table in form.tables:
        if table.kind == "grid":
            sheets.append(_grid(table))
        elif table.kind == "cases":
            sheets.append(_cases(table))
        elif table.kind == "sections":
            sheets.append(_sections(form, table))
    return FormLayout(form, sheets)


# -- the cover sheet ---------------------------------------------------------------------

COVER_WIDTH = 8  # columns A..H


def _cover(form: Form) -> SheetLayout:
    s = SheetLayout(COVER_SHEET, "cover", None, widths={1: 14, **{c: 14 for c in range(2, COVER_WIDTH + 1)}})
    s.add(Place(1, 1, "title", form.title, cols=COVER_WIDTH))
    s.heights[1] = 30
    r = 3
    for f in form.header:
        s.add(Place(r, 1, "label", f.label))
        s.add(Place(r, 2, "input", cols=COVER_WIDTH - 1, key=header_key(f.id)))
        if f.kind == "longtext":
            s.heights[r] = 90
        r += 1
    r += 1
    s.add(Place(r, 1, "stamp-label", STAMP_FORM))
    s.add(Place(r, 2, "stamp-value", form.id, cols=3))
    s.add(Place(r + 1, 1, "stamp-label", STAMP_VERSION))
    s.add(Place(r + 1, 2, "stamp-value", form.version, cols=3))
    r += 3
    s.add(Place(r, 1, "note", cover_note(form), cols=COVER_WIDTH))
    s.heights[r] = 36
    r += 2
    if form.instructions:
        # The heading and items come from the 填表须知 clause and its children (the writer
        # resolves them); they sit last so that no position depends on their count.
        s.add(Place(r, 1, "instruction", clause=form.instructions, cols=COVER_WIDTH))
    s.print_rows = None
    return s


# -- grid sheets (表2–4) ------------------------------------------------------------------


def _grid(t: Table) -> SheetLayout:
    s = SheetLayout(t.sheet, "grid", t)
    data_cols = [c for c in t.columns] + ([t.total] if t.total else [])
    first = LABEL_COLUMNS + 1
    width = max(len(data_cols), len(t.key_areas.columns) if t.key_areas else 0)
    # the title centres over the main grid (the 重点领域案件 grid below may be wider)
    s.add(Place(1, 1, "title", t.heading, cols=LABEL_COLUMNS + len(data_cols)))
    s.heights[1] = 26
    # header row: corner, stage columns, 合计
    s.add(Place(2, 1, "corner", t.corner_rows, cols=2))
    s.add(Place(2, 3, "corner", t.corner_columns))
    for i, c in enumerate(data_cols):
        s.add(Place(2, first + i, "column", c.label))
    r = 3
    for g in t.groups:
        start = r
        for row in g.rows:
            if g.label is None:
                s.add(Place(r, 1, "row", row.label, cols=LABEL_COLUMNS))
            elif row.parent is None:
                s.add(Place(r, 2, "row", row.label, cols=2))
            else:
                s.add(Place(r, 3, "row", row.label))
            for i, c in enumerate(data_cols):
                role = "total" if t.total is not None and c.id == t.total.id else "input"
                s.add(Place(r, first + i, role, key=row_key(t.id, row.id, c.id)))
            r += 1
        if g.label is not None:
            s.add(Place(start, 1, "group", g.label, rows=r - start))
        # "其中" blocks: one merged cell beside each run of sub-rows
        i = 0
        rows = list(g.rows)
        while i < len(rows):
            if rows[i].parent is not None:
                j = i
                while j < len(rows) and rows[j].parent == rows[i].parent:
                    j += 1
                s.add(Place(start + i, 2, "subitems", rows[i].subitems_label, rows=j - i))
                i = j
            else:
                i += 1
    if t.key_areas is not None:
        ka = t.key_areas
        r += 1
        s.add(Place(r, 1, "heading", ka.title, cols=LABEL_COLUMNS + len(ka.columns)))
        r += 1
        two_rows = any(c.parent for c in ka.columns)
        header_rows = 2 if two_rows else 1
        s.add(Place(r, 1, "corner", ka.corner, rows=header_rows, cols=LABEL_COLUMNS))
        for i, c in enumerate(ka.columns):
            col = first + i
            subs = [x for x in ka.columns if x.parent == c.id]
            if c.parent is not None:
                s.add(Place(r + 1, col, "column", c.label))
            elif subs:
                s.add(Place(r, col, "column", c.label, cols=1 + len(subs)))
            else:
                s.add(Place(r, col, "column", c.label, rows=header_rows))
        r += header_rows
        for row in ka.rows:
            s.add(Place(r, 1, "row", row.label, cols=LABEL_COLUMNS))
            for i, c in enumerate(ka.columns):
                s.add(Place(r, first + i, "input", key=key_area_key(t.id, row.id, c.id)))
            r += 1
    s.widths = {1: 10, 2: 6, 3: 34, **{first + i: 11 for i in range(width)}}
    s.freeze = cell_ref(3, first)
    s.print_rows = (1, 2)
    return s


# -- the cases sheet (表1) -----------------------------------------------------------------


def _cases(t: Table) -> SheetLayout:
    s = SheetLayout(t.sheet, "cases", t)
    top, sub = CASES_HEADER_ROWS
    first_input = sub + 1
    col = 1
    widths: dict[int, float] = {}
    for f in t.fields:
        if f.is_choice:
            s.add(Place(top, col, "column", f.label, cols=len(f.options)))
            for o in f.options:
                # one narrow column per checkbox, its label stacked vertically
                s.add(Place(sub, col, "column", o.label, vertical=True))
                widths[col] = CASES_TICK_WIDTH
                for i in range(t.capacity):
                    s.add(Place(first_input + i, col, "input", key=CaseKey(t.id, i, f.id, o.id)))
                col += 1
        else:
            if f.unit:
                s.add(Place(top, col, "column", f.label))
                s.add(Place(sub, col, "unit", f.unit))
            else:
                s.add(Place(top, col, "column", f.label, rows=2))
            widths[col] = CASES_WIDTHS.get(f.kind, 14)
            for i in range(t.capacity):
                s.add(Place(first_input + i, col, "input", key=CaseKey(t.id, i, f.id, None)))
            col += 1
    s.places.insert(0, Place(1, 1, "title", t.heading, cols=col - 1))
    s.last_col = max(s.last_col, col - 1)
    s.heights[1] = 26
    s.widths = widths
    s.freeze = cell_ref(first_input, 3)
    s.print_rows = (top, sub)
    return s


# -- free-text sections (附件2, 附件3) -------------------------------------------------------

SECTIONS_WIDTH = 8


def _sections(form: Form, t: Table) -> SheetLayout:
    s = SheetLayout(t.sheet, "sections", t, widths={c: 12 for c in range(1, SECTIONS_WIDTH + 1)})
    s.add(Place(1, 1, "title", form.title, cols=SECTIONS_WIDTH))
    s.add(Place(2, 1, "subtitle", clause=t.source, cols=SECTIONS_WIDTH))
    s.heights[1] = 28
    r = 4
    for section in t.all_sections():
        s.add(Place(r, 1, "heading", clause=section.clause, cols=SECTIONS_WIDTH))
        r += 1
        if section.fillable:
            s.add(Place(r, 1, "guidance", clause=section.clause, cols=SECTIONS_WIDTH))
            s.add(Place(r + 1, 1, "input", cols=SECTIONS_WIDTH, key=SectionKey(t.id, section.id)))
            s.heights[r + 1] = 120
            r += 3
    if t.none_note:
        s.add(Place(r, 1, "note", clause=t.none_note, cols=SECTIONS_WIDTH))
    s.print_rows = None
    return s
