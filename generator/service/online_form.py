"""在线填报: a form's web page model, derived from its definition and layout.

Nothing here names a row, column or rule of any form: the blocks of the page (header
fields, 表2–4 grids with their 重点领域案件 grids, 表1's case list, the prose forms'
sections) come from the layout (`generator.forms.layout`) that also places the workbook's
cells, and every input's name is its layout key written with dots:

    header.unit                       ("header", "unit")
    drug.rows.inspection.operation    ("drug", "rows", "inspection", "operation")
    drug.key_areas.cases.raw_materials
    major_cases.0.number              ("major_cases", 0, "number", None)
    major_cases.0.category.drug       ("major_cases", 0, "category", "drug")   a checkbox
    report.basic                      ("report", "basic")

`Entry.check(values)` runs the validator on the values (`generator.validate.typed_values`) and
returns the findings keyed by input name, the 合计 computed, and counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.forms.filled import blank_key, kind_of, position
from generator.forms.inputs import meanings
from generator.forms.layout import layout
from generator.forms.model import TICK, Form, Table
from generator.memo import Memo
from generator.xlsx.refs import parse_ref

MAX_CASES = 200  # case rows a page takes (the template has 50; the validator reads more)
MAX_TEXT = 32767  # an Excel cell's limit
_CASE_NAME = re.compile(r"^([a-z0-9_]+)\.(\d{1,4})\.([a-z0-9_]+)(?:\.([a-z0-9_]+))?$")


def name_of(key: tuple) -> str:
    return ".".join(str(p) for p in key if p is not None)


@dataclass
class Cell:
    name: str
    kind: str  # count amount tick date text longtext section
    label: str  # the form's words for the place, for screen readers and the summary
    required: bool = False
    limit: int | None = None
    hint: str = ""


@dataclass
class GridRow:
    label: str
    cells: list[Cell]
    total: str | None = None  # name of the 合计 output
    group: str | None = None  # group label, on the group's first row
    group_span: int = 0
    sub: str | None = None  # "其中" on the first sub-row of a run
    sub_span: int = 0
    indent: int = 0  # 0 group row, 1 其中 row; -1 a row without group (spans the label columns)


@dataclass
class Block:
    kind: str  # header grid key_areas cases sections
    title: str
    id: str
    columns: list[str] = field(default_factory=list)
    total_label: str | None = None
    corner: str = ""
    rows: list[GridRow] = field(default_factory=list)
    fields: list = field(default_factory=list)  # header: [Cell]; cases: [(Field, [(option, label)])]
    sections: list[tuple] = field(default_factory=list)  # (heading, guidance, Cell | None)
    table: Table | None = None
    cumulative: bool = False


class Entry:
    """The page model of one form (made once per form and process)."""

    def __init__(self, form: Form, texts=None):
        self.form = form
        self.layout = layout(form)
        self.names: dict[str, tuple] = {}
        self.labels: dict[tuple, str] = {}
        self.cases: dict[str, Table] = {t.id: t for t in form.tables if t.kind == "cases"}
        for sheet in self.layout.sheets:
            for key, place in sheet.inputs.items():
                if place.role == "input" and not (len(key) == 4 and isinstance(key[1], int)):
                    self.names[name_of(key)] = key
        self.blocks = self._blocks(texts)

    # -- names ------------------------------------------------------------------------

    def key(self, name: str) -> tuple | None:
        key = self.names.get(name)
        if key is not None:
            return key
        m = _CASE_NAME.match(name)
        if m is None or m.group(1) not in self.cases:
            return None
        t = self.cases[m.group(1)]
        index = int(m.group(2))
        if index >= MAX_CASES:
            return None
        try:
            f = t.field(m.group(3))
        except StopIteration:
            return None
        option = m.group(4)
        if f.is_choice != (option is not None):
            return None
        if option is not None and option not in {o.id for o in f.options}:
            return None
        return (t.id, index, f.id, option)

    def values(self, given: dict[str, Any], compact: bool = True) -> dict[tuple, str]:
        """The typed values by layout key: only the form's own input names, text only,
        each at most an Excel cell's length.  `compact`: case rows renumbered without
        gaps (an emptied or removed row leaves no hole), as the validator reads them;
        without it each case keeps its row, so findings point at the row on the page."""
        out: dict[tuple, str] = {}
        case_rows: dict[str, dict[int, dict]] = {}
        for name, value in given.items():
            if not isinstance(name, str) or not isinstance(value, str):
                continue
            key = self.key(name)
            if key is None:
                continue
            value = value[:MAX_TEXT]
            if len(key) == 4 and isinstance(key[1], int):
                if not value.strip():
                    continue
                if key[3] is not None:
                    value = TICK
                case_rows.setdefault(key[0], {}).setdefault(key[1], {})[(key[2], key[3])] = value
            else:
                out[key] = value
        for table_id, rows in case_rows.items():
            for new, old in enumerate(sorted(rows)):
                new = new if compact else old
                for (field_id, option), value in rows[old].items():
                    out[(table_id, new, field_id, option)] = value
        return out

    def case_count(self, values: dict[tuple, str], table_id: str) -> int:
        return 1 + max((k[1] for k in values if k[0] == table_id and len(k) == 4 and isinstance(k[1], int)), default=-1)

    def named(self, values: dict[tuple, str]) -> dict[str, str]:
        return {name_of(k): v for k, v in values.items()}

    # -- findings → inputs ------------------------------------------------------------

    def key_at(self, sheet: str | None, cell: str | None) -> tuple | None:
        """The input key at a finding's sheet and cell (None: not an input)."""
        if not sheet or not cell:
            return None
        try:
            row, col = parse_ref(cell)
        except ValueError:
            return None
        at = _by_place(self.form)
        hit = at.get((sheet, row, col))
        if hit is not None:
            return hit
        for (table_id, field_id, option), where in self._case_columns().items():
            if where[0] == sheet and where[2] == col and row >= where[1]:
                return (table_id, row - where[1], field_id, option)
        return None

    def _case_columns(self) -> dict[tuple, tuple]:
        """(table, field, option) → (sheet, first case row, column) of every case-list column."""
        if not hasattr(self, "_columns"):
            self._columns = {(k[0], k[2], k[3]): position(self.form, k) for k in _by_place(self.form).values()
                             if k[0] in self.cases and len(k) == 4 and k[1] == 0}
        return self._columns

    def check(self, project, values: dict[tuple, str], previous=None) -> dict:
        """The validator's findings on these values, by input name, and the 合计 shown."""
        from generator.validate.typed_values import check_values
        from generator.validate.normalize import plain
        from generator.validate.rules import NA, Values, _sum_keys, _total_keys

        report = check_values(self.form, project, values, previous=previous)
        findings = []
        for f in report.findings:
            d = f.to_dict()
            key = self.key_at(f.sheet, f.cell)
            where = " · ".join(p for p in (f.sheet, f.row, f.column) if p)
            findings.append({
                "name": name_of(key) if key is not None else None,
                "severity": f.severity, "code": f.code, "message": d.get("message", ""),
                "remedy": f.remedy, "where": where, "cell": f.cell,
            })
        totals: dict[str, str] = {}
        if report.filed is not None:
            vals = Values(report.filed, set())
            for t in self.form.tables:
                if t.kind == "grid" and t.total is not None:
                    for _row, keys, tkey in _total_keys(t):
                        status, value = _sum_keys(keys, vals)
                        totals[name_of(tkey)] = "" if status != "ok" else (NA if value == NA else plain(value))
        return {"findings": findings, "totals": totals, "errors": report.errors, "warnings": report.warnings,
                "valid": bool(report.valid), "report": report}

    # -- blocks -----------------------------------------------------------------------

    def _cell(self, key: tuple, meaning) -> Cell:
        return Cell(name_of(key), meaning.kind, meaning.title, limit=meaning.limit, hint=meaning.prompt)

    def _blocks(self, texts) -> list[Block]:
        form = self.form
        blocks: list[Block] = []
        for sheet in self.layout.sheets:
            meaning = meanings(form, sheet)
            if sheet.kind == "cover":
                cells = []
                for f in form.header:
                    key = ("header", f.id)
                    c = self._cell(key, meaning[key])
                    c.label, c.required = f.label, f.required
                    cells.append(c)
                blocks.append(Block("header", "填报说明", "header", fields=cells))
            elif sheet.kind == "grid":
                blocks.extend(self._grid(sheet.table, meaning))
            elif sheet.kind == "cases":
                t = sheet.table
                fields = [(f, [(o.id, o.label) for o in f.options]) for f in t.fields]
                blocks.append(Block("cases", t.heading, t.id, fields=fields, table=t))
            elif sheet.kind == "sections":
                t = sheet.table
                items = []
                for section in t.all_sections():
                    heading = texts.heading(section.clause) if texts else section.id
                    guidance = texts.guidance(section.clause) if texts and section.fillable else ""
                    cell = None
                    if section.fillable:
                        key = (t.id, section.id)
                        cell = self._cell(key, meaning[key])
                        cell.label = heading
                    items.append((heading, guidance, cell))
                blocks.append(Block("sections", t.heading or form.title, t.id, sections=items, table=t))
        return blocks

    def _grid(self, t: Table, meaning) -> list[Block]:
        b = Block("grid", t.heading, t.id, columns=[c.label for c in t.columns],
                  total_label=t.total.label if t.total else None, corner=" / ".join(x for x in (t.corner_rows, t.corner_columns) if x),
                  table=t, cumulative=t.cumulative)
        for g in t.groups:
            first = True
            rows = list(g.rows)
            for i, row in enumerate(rows):
                cells = [self._cell((t.id, "rows", row.id, c.id), meaning[(t.id, "rows", row.id, c.id)]) for c in t.columns]
                for c, col in zip(cells, t.columns):
                    c.label = f"{t.sheet} · {row.label} × {col.label}"
                gr = GridRow(row.label, cells, total=name_of((t.id, "rows", row.id, t.total.id)) if t.total else None)
                if g.label is None:
                    gr.indent = -1
                elif first:
                    gr.group, gr.group_span = g.label, len(rows)
                if row.parent is not None:
                    gr.indent = 1
                    if i == 0 or rows[i - 1].parent != row.parent:
                        run = 0
                        while i + run < len(rows) and rows[i + run].parent == row.parent:
                            run += 1
                        gr.sub, gr.sub_span = row.subitems_label, run
                first = False
                b.rows.append(gr)
        out = [b]
        ka = t.key_areas
        if ka is not None:
            labels = []
            for c in ka.columns:
                labels.append(f"{ka.column(c.parent).label} · {c.label}" if c.parent else c.label)
            k = Block("key_areas", f"{t.number or ''} {ka.title}".strip(), f"{t.id}-key-areas", columns=labels,
                      corner=ka.corner, table=t, cumulative=t.cumulative)
            for row in ka.rows:
                cells = [self._cell((t.id, "key_areas", row.id, c.id), meaning[(t.id, "key_areas", row.id, c.id)])
                         for c in ka.columns]
                for c, label in zip(cells, labels):
                    c.label = f"{t.sheet} · {ka.title} · {row.label} × {label}"
                k.rows.append(GridRow(row.label, cells, indent=-1))
            out.append(k)
        return out


_BY_PLACE: Memo[dict] = Memo(8)


def _by_place(form: Form) -> dict[tuple, tuple]:
    """(sheet, row, column) → the input or 合计 key there, for the template's places."""

    def make() -> dict:
        return {(sheet.name, p.row, p.col): key for sheet in layout(form).sheets
                for key, p in sheet.inputs.items() if p.role in ("input", "total")}

    return _BY_PLACE.get(form.content_key, make)


_ENTRIES: Memo[Entry] = Memo(8)


def entry_for(form: Form, project) -> Entry:
    """The page model of a form, made again when its definition or the content it quotes changes."""

    def make() -> Entry:
        from generator import content as content_mod
        from generator.forms.texts import Texts

        texts = Texts(content_mod.load(project)) if any(t.kind == "sections" for t in form.tables) else None
        return Entry(form, texts)

    return _ENTRIES.get(blank_key(form, project), make)


__all__ = ["Entry", "entry_for", "kind_of", "name_of"]
