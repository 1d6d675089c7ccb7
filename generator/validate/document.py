"""The filed document: every input of the form read from where the filer left it.

`build(book, plan, matches)` returns a `Filed`: the document in the agreed shape (what the
form's JSON Schema validates, and what the service and the roll-up keep), the `Read` of
every input by layout key (the rules work on these: exact Decimals and the three states),
where each key sits in the workbook, and the findings of reading itself
(normalized-value, invalid-tick, total-formula-overwritten).
"""

from __future__ import annotations

from generator.findings import Finding
from generator.validate import normalize as nz
from generator.validate.locate import SheetMatch
from generator.validate.plan import Plan, Slot
from generator.xlsx.book import Workbook
from generator.xlsx.refs import ref_name


class Where:
    """Where a key sits in the filed workbook, in Excel's terms and the form's words."""

    __slots__ = ("sheet", "row", "col", "row_label", "column_label")

    def __init__(self, sheet: str, row: int, col: int, row_label: str | None, column_label: str | None):
        self.sheet, self.row, self.col, self.row_label, self.column_label = sheet, row, col, row_label, column_label

    @property
    def cell(self) -> str:
        return ref_name(self.row, self.col)


class Filed:
    """The document, every input's Read by key, and where each key sits."""

    __slots__ = ("document", "values", "where", "absent", "findings", "cases", "formulas", "bad", "grids",
                 "case_rows")

    def __init__(self, document: dict):
        self.document = document
        self.values: dict[tuple, nz.Read] = {}
        self.where: dict[tuple, tuple] = {}  # key → (sheet, row, col, row label, column label)
        self.absent: set[tuple] = set()  # keys on a missing sheet or row
        self.findings: list[Finding] = []
        self.cases: dict[str, int] = {}  # cases table → number of cases
        self.formulas: set[tuple] = set()  # 合计 keys whose cell holds a formula
        self.bad: set[tuple] = set()  # keys the schema found wrong (rules skip them)
        # Grid and case places are computed when a finding asks, not stored per key.
        self.grids: dict[str, tuple] = {}  # table → (sheet name, row map, slots by key)
        self.case_rows: dict[str, tuple] = {}  # table → (sheet name, [(row, label)], (field, option) → (col, label))

    def place(self, key: tuple) -> Where | None:
        """Where `key` sits in the filed workbook (None: on a missing sheet or row)."""
        w = self.where.get(key)
        if w is not None:
            return Where(*w)
        if key in self.absent:
            return None
        grid = self.grids.get(key[0])
        if grid is not None and len(key) == 4 and not isinstance(key[1], int):
            name, rows, slots = grid
            slot = slots.get(key)
            row = rows.get(slot.label_row) if slot is not None else None
            return Where(name, row, slot.col, slot.row_label, slot.column_label) if row is not None else None
        cases = self.case_rows.get(key[0])
        if cases is not None and len(key) == 4 and isinstance(key[1], int) and key[1] < len(cases[1]):
            name, rows, by_field = cases
            row, label = rows[key[1]]
            hit = by_field.get((key[2], key[3]))
            if hit is None:
                return None
            col, column_label = hit
            return Where(name, row, col, label, column_label)
        return None

    def has_place(self, key: tuple) -> bool:
        return self.place(key) is not None

    def finding(self, code: str, key: tuple, params: dict | None = None, *, value=None, expected=None,
                variant: str | None = None) -> Finding:
        """A finding located at `key` (sheet, cell, row label × column label)."""
        w = self.place(key)
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
        filed.where[key] = (m.name, row, slot.col, slot.row_label, None)
        read = _read(slot, cells.get((row, slot.col)), date1904)
        filed.values[key] = read
        header[key[1]] = read.value
        _note(filed, key, read)


def _grid(filed: Filed, m: SheetMatch) -> dict:
    t = m.plan.table
    rows: dict[str, dict] = {r.id: {} for r in t.rows}
    out: dict = {"rows": rows}
    if t.key_areas is not None:
        out["key_areas"] = {r.id: {} for r in t.key_areas.rows}
    values = filed.values
    figure = nz.figure
    if m.sheet is None:
        for slot in m.plan.slots:
            key = slot.key
            out[key[1]][key[2]][key[3]] = None
            values[key] = nz.BLANK
            filed.absent.add(key)
        return out
    filed.grids[t.id] = (m.name, m.rows, m.plan.by_key)
    cells = m.sheet.cells
    row_map = m.rows
    ints = nz._INTS
    slash = nz.SLASH
    blank = nz.BLANK
    for label_row, block, row_id, inputs in m.plan.lines:
        line = out[block][row_id]
        row = row_map.get(label_row)
        if row is None:
            for key, col_id, _col, _total in inputs:
                filed.absent.add(key)
                line[col_id] = None
                values[key] = blank
            continue
        for key, col_id, col, total in inputs:
            cell = cells.get((row, col))
            if cell is None:
                read = blank
            elif cell.formula is None and (read := ints.get(cell.text) if cell.kind == "n" else
                                           (slash if cell.text == "/" and cell.kind == "s" else None)) is not None:
                pass
            else:
                read = figure(cell)
                if read.how is not None:
                    _note(filed, key, read)
            values[key] = read
            line[col_id] = read.value
            if total:
                if cell is not None and cell.formula is not None:
                    filed.formulas.add(key)
                else:
                    shown = None if read.state == "blank" else str(read.text or read.value)
                    found = "空白" if shown is None else f"手填的“{shown}”"
                    filed.findings.append(filed.finding("total-formula-overwritten", key, {"found": found},
                                                        value=shown))
    return out


def _cases(filed: Filed, m: SheetMatch, date1904: bool) -> list:
    t = m.plan.table
    cases: list[dict] = []
    filed.cases[t.id] = 0
    if m.sheet is None:
        filed.absent.add((t.id,))
        return cases
    first = m.plan.header_rows[1] + 1 + m.shift
    slots = m.plan.slots
    by_col = {slot.col: (slot.key[2], slot.key[3], slot.reader) for slot in slots}
    # the case rows' cells, row by row (one pass over the sheet)
    lines: dict[int, list] = {}
    filled: set[int] = set()  # rows holding something typed (a formula alone does not make a case)
    for (r, c), cell in m.sheet.cells.items():
        if r >= first and c in by_col:
            line = lines.get(r)
            if line is None:
                lines[r] = [(c, cell)]
            else:
                line.append((c, cell))
            if r not in filled and _filled(cell):
                filled.add(r)
    by_field: dict[tuple, tuple] = {}
    for slot in slots:
        _t, _0, field_id, option_id = slot.key
        by_field[(field_id, option_id)] = (slot.col, slot.column_label)
        if option_id is not None and (field_id, None) not in by_field:
            by_field[(field_id, None)] = (slot.col, t.field(field_id).label)
    places: list[tuple[int, str]] = []
    filed.case_rows[t.id] = (m.name, places, by_field)
    fields = t.fields
    values = filed.values
    index = 0
    for row in sorted(filled):
        reads: dict[tuple, nz.Read] = {}
        for col, cell in lines[row]:
            field_id, option_id, reader = by_col[col]
            read = nz.date(cell, date1904) if reader == "date" else _READERS[reader](cell)
            if read.state != "blank":
                reads[(field_id, option_id)] = read
        if not reads:
            continue
        number = reads.get(("number", None))
        label = f"案件 {index + 1}"
        if number is not None and number.state == "text":
            label += f"（编号 {number.value}）"
        places.append((row, label))
        for (field_id, option_id), read in reads.items():
            key = (t.id, index, field_id, option_id)
            values[key] = read
            if read.how is not None:
                _note(filed, key, read)
            if option_id is not None and read.state == "text":
                filed.findings.append(filed.finding("invalid-tick", key, value=read.text))
        case: dict = {}
        for f in fields:
            if f.is_choice:
                case[f.id] = [o.id for o in f.options
                              if (hit := reads.get((f.id, o.id))) is not None and hit.value is True]
            else:
                read = reads.get((f.id, None))
                case[f.id] = read.value if read is not None else None
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
        filed.where[key] = (m.name, slot.row, slot.col, label or section_id, None)
        read = nz.text(cells.get((slot.row, slot.col)))
        filed.values[key] = read
        out[section_id] = read.value
    del t
    return out
