"""The filed document: every input of the form read from where the filer left it.

`build(book, plan, matches)` returns a `Filed`: the document in the agreed shape (what the
form's JSON Schema validates, and what the service and the roll-up keep), the `Read` of
every input by layout key (the rules work on these: exact Decimals and the three states),
where each key sits in the workbook, and the findings of reading itself
(normalized-value, invalid-tick, total-formula-overwritten).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.findings import Finding
from generator.validate import normalize as nz
from generator.validate.locate import SheetMatch
from generator.validate.plan import Plan, Slot
from generator.xlsx.model import Workbook
from generator.xlsx.refs import ref_name


@dataclass(slots=True)
class Where:
    sheet: str
    row: int
    col: int
    row_label: str | None
    column_label: str | None

    @property
    def cell(self) -> str:
        return ref_name(self.row, self.col)


@dataclass(slots=True)
class Filed:
    document: dict
    values: dict[tuple, nz.Read] = field(default_factory=dict)
    where: dict[tuple, Where] = field(default_factory=dict)
    absent: set[tuple] = field(default_factory=set)  # keys on a missing sheet or row
    findings: list[Finding] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)  # cases table → number of cases
    formulas: set[tuple] = field(default_factory=set)  # 合计 keys whose cell holds a formula
    bad: set[tuple] = field(default_factory=set)  # keys the schema found wrong (rules skip them)

    def finding(self, code: str, key: tuple, params: dict | None = None, *, value=None, expected=None,
                variant: str | None = None) -> Finding:
        """A finding located at `key` (sheet, cell, row label × column label)."""
        w = self.where.get(key)
        if w is None:
            return Finding(code, params or {}, value=value, expected=expected, variant=variant)
        return Finding(code, params or {}, value=value, expected=expected, variant=variant, sheet=w.sheet,
                       cell=w.cell, row=w.row_label, column=w.column_label)


_READERS = {"figure": nz.figure, "text": nz.text, "tick": nz.tick}


def build(book: Workbook, plan: Plan, matches: list[SheetMatch]) -> Filed:
    form = plan.form
    header: dict = {}
    tables: dict = {}
    doc = {"form": form.id, "form_version": form.version, "header": header, "tables": tables}
    filed = Filed(doc)
    for m in matches:
        kind = m.plan.kind
        if kind == "cover":
            _cover(filed, m, header, book.date1904)
        elif kind == "grid":
            tables[m.plan.table.id] = _grid(filed, m)
        elif kind == "cases":
            tables[m.plan.table.id] = _cases(filed, m, book.date1904)
        elif kind == "sections":
            tables[m.plan.table.id] = _sections(filed, m)
    return filed


def _read(slot: Slot, cell, date1904: bool) -> nz.Read:
    if slot.reader == "date":
        return nz.date(cell, date1904)
    return _READERS[slot.reader](cell)


def _note(filed: Filed, key: tuple, read: nz.Read) -> None:
    if read.how is not None:
        filed.findings.append(filed.finding("normalized-value", key, {"how": read.how},
                                            value=read.text, expected=read.expected))


def _cover(filed: Filed, m: SheetMatch, header: dict, date1904: bool) -> None:
    cells = m.sheet.cells if m.sheet is not None else None
    for slot in m.plan.slots:
        key = slot.key
        row = m.row(slot.label_row) if cells is not None else None
        if row is None:
            filed.absent.add(key)
            header[key[1]] = None
            filed.values[key] = nz.BLANK
            continue
        filed.where[key] = Where(m.name, row, slot.col, slot.row_label, None)
        read = _read(slot, cells.get((row, slot.col)), date1904)
        filed.values[key] = read
        header[key[1]] = read.value
        _note(filed, key, read)


def _grid(filed: Filed, m: SheetMatch) -> dict:
    t = m.plan.table
    rows: dict[str, dict] = {}
    key_areas: dict[str, dict] = {}
    out = {"rows": rows}
    if t.key_areas is not None:
        out["key_areas"] = key_areas
    cells = m.sheet.cells if m.sheet is not None else None
    values = filed.values
    where = filed.where
    for slot in m.plan.slots:
        key = slot.key
        _t, block, row_id, col_id = key
        target = rows if block == "rows" else key_areas
        line = target.get(row_id)
        if line is None:
            line = target[row_id] = {}
        row = m.rows.get(slot.label_row) if cells is not None else None
        if row is None:
            filed.absent.add(key)
            line[col_id] = None
            values[key] = nz.BLANK
            continue
        where[key] = Where(m.name, row, slot.col, slot.row_label, slot.column_label)
        cell = cells.get((row, slot.col))
        read = nz.figure(cell)
        values[key] = read
        line[col_id] = read.value
        if read.how is not None:
            _note(filed, key, read)
        if not slot.total:
            continue
        if cell is not None and cell.formula is not None:
            filed.formulas.add(key)
        else:
            found = "空白" if read.state == "blank" else f"手填的“{read.text or read.value}”"
            filed.findings.append(filed.finding("total-formula-overwritten", key, {"found": found},
                                                value=None if read.state == "blank" else str(read.text or read.value)))
    return out


def _cases(filed: Filed, m: SheetMatch, date1904: bool) -> list:
    t = m.plan.table
    cases: list[dict] = []
    filed.cases[t.id] = 0
    if m.sheet is None:
        filed.absent.add((t.id,))
        return cases
    cells = m.sheet.cells
    first = m.plan.header_rows[1] + 1 + m.shift
    slots = m.plan.slots
    cols = {s.col for s in slots}
    last = max((r for (r, c) in cells if c in cols and r >= first), default=first - 1)
    fields = t.fields
    index = 0
    for row in range(first, last + 1):
        if not any(_filled(cells.get((row, c))) for c in cols):
            continue
        case: dict = {}
        reads: dict[tuple, nz.Read] = {}
        for slot in slots:
            _t, _0, field_id, option_id = slot.key
            reads[(field_id, option_id)] = _read(slot, cells.get((row, slot.col)), date1904)
        number = reads.get(("number", None))
        label = f"案件 {index + 1}"
        if number is not None and number.state == "text":
            label += f"（编号 {number.value}）"
        for slot in slots:
            _t, _0, field_id, option_id = slot.key
            key = (t.id, index, field_id, option_id)
            read = reads[(field_id, option_id)]
            filed.values[key] = read
            filed.where[key] = Where(m.name, row, slot.col, label, slot.column_label)
            _note(filed, key, read)
            if option_id is not None and read.state == "text":
                filed.findings.append(filed.finding("invalid-tick", key, value=read.text))
        for f in fields:
            if f.is_choice:
                ticked = [o.id for o in f.options if reads[(f.id, o.id)].value is True]
                case[f.id] = ticked
                first_slot = next(s for s in slots if s.key[2] == f.id)
                filed.where[(t.id, index, f.id, None)] = Where(m.name, row, first_slot.col, label, f.label)
            else:
                case[f.id] = reads[(f.id, None)].value
        cases.append(case)
        index += 1
    filed.cases[t.id] = index
    return cases


def _filled(cell) -> bool:
    if cell is None:
        return False
    if cell.kind in ("s", "str", "inlineStr"):
        return bool(cell.text.strip())
    return cell.formula is None and bool(cell.text)


def _sections(filed: Filed, m: SheetMatch) -> dict:
    t = m.plan.table
    out: dict = {}
    cells = m.sheet.cells if m.sheet is not None else None
    for slot in m.plan.slots:
        key = slot.key
        section_id = key[1]
        if cells is None:
            filed.absent.add(key)
            out[section_id] = None
            filed.values[key] = nz.BLANK
            continue
        heading = cells.get((slot.row - 2, 1))
        label = nz.cell_text(heading).strip() if heading is not None else section_id
        filed.where[key] = Where(m.name, slot.row, slot.col, label or section_id, None)
        read = nz.text(cells.get((slot.row, slot.col)))
        filed.values[key] = read
        out[section_id] = read.value
    del t
    return out
