"""Finding a form's sheets and rows in a filed workbook, wherever the filer left them.

Sheets are found by name, else by their title cell (a renamed sheet: a warning), else
they are missing (an error).  Rows of grid sheets and of the cover are found by their
label's text in the label columns: a row found elsewhere than in the template is read
from where it is (a warning, one per run of rows moved together); a label found nowhere
is a missing row (an error).  The header of 表1's case list is found by its first heading.
"""

from __future__ import annotations

from generator.findings import Finding
from generator.forms.layout import LABEL_COLUMNS
from generator.validate.plan import COVER, Plan, RowLabel, SheetPlan, fold_label
from generator.xlsx.book import Sheet, Workbook

_TEXT_KINDS = ("s", "str", "inlineStr")


class SheetMatch:
    """A sheet of the template and the filed sheet found for it (None: missing)."""

    __slots__ = ("plan", "sheet", "rows", "shift")

    def __init__(self, plan: SheetPlan, sheet: Sheet | None):
        self.plan = plan
        self.sheet = sheet
        self.rows: dict[int, int | None] = {}  # template row → actual row
        self.shift = 0  # cases: how far the header moved

    @property
    def name(self) -> str:
        return self.sheet.name if self.sheet is not None else self.plan.name

    def row(self, template_row: int) -> int | None:
        if template_row in self.rows:
            return self.rows[template_row]
        return template_row + self.shift


def locate(book: Workbook, plan: Plan, cover: Sheet | None) -> tuple[list[SheetMatch], list[Finding]]:
    findings: list[Finding] = []
    matches: list[SheetMatch] = []
    taken: set[str] = set()
    if cover is not None:
        taken.add(cover.name)
    by_name = {s.name: s for s in book.sheets if s.kind == "worksheet"}
    wanted = [sp for sp in plan.sheets if sp.name != COVER]
    found: dict[str, Sheet] = {}
    for sp in wanted:
        s = by_name.get(sp.name)
        if s is not None and s.name not in taken:
            found[sp.name] = s
            taken.add(s.name)
    for sp in wanted:
        if sp.name in found:
            continue
        s = _by_title(book, sp, taken)
        if s is not None:
            found[sp.name] = s
            taken.add(s.name)
            findings.append(Finding("renamed-sheet", {"expected": sp.name, "found": s.name, "title": sp.title or ""},
                                    value=s.name, expected=sp.name, sheet=s.name))
        else:
            findings.append(Finding("missing-sheet", {"sheet": sp.name, "title": _title(sp)}, sheet=sp.name))
    for sp in plan.sheets:
        if sp.name == COVER:
            sheet = cover
            if cover is None:
                findings.append(Finding("missing-sheet", {"sheet": COVER, "title": "填报单位、填报日期与表单编号"},
                                        sheet=COVER))
            elif cover.name != COVER:
                findings.append(Finding("renamed-sheet", {"expected": COVER, "found": cover.name, "title": "表单编号"},
                                        value=cover.name, expected=COVER, sheet=cover.name))
        else:
            sheet = found.get(sp.name)
        m = SheetMatch(sp, sheet)
        if sheet is not None:
            if sp.kind in ("grid", "cover"):
                findings.extend(_rows(m, sheet))
            elif sp.kind == "cases":
                m.shift = _cases_shift(sheet, sp)
                if m.shift:
                    top = sp.header_rows[0]
                    found_rows = f"{top + m.shift}–{top + m.shift + 1}"
                    findings.append(Finding("moved-row", {"label": f"表头（{sp.first_label}……）",
                                                          "expected_row": f"{top}–{top + 1}", "found_row": found_rows},
                                            value=found_rows, expected=f"{top}–{top + 1}", sheet=sheet.name,
                                            cell=f"A{top + m.shift}", row=sp.first_label))
        matches.append(m)
    return matches, findings


def _title(sp: SheetPlan) -> str:
    if sp.table is not None and sp.table.heading:
        return sp.table.heading
    return sp.title or sp.name


def _by_title(book: Workbook, sp: SheetPlan, taken: set[str]) -> Sheet | None:
    want = fold_label(sp.title) if sp.title else None
    name = fold_label(sp.name)
    for s in book.sheets:
        if s.name in taken or s.kind != "worksheet":
            continue
        if fold_label(s.name) == name:
            return s
        if want:
            for (r, _c), cell in s.cells.items():
                if r <= 3 and cell.kind in _TEXT_KINDS and fold_label(cell.text) == want:
                    return s
    return None


def _label_index(sheet: Sheet, cols: int) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if c <= cols and cell.kind in _TEXT_KINDS and cell.text:
            index.setdefault(fold_label(cell.text), []).append(r)
    return index


def _rows(m: SheetMatch, sheet: Sheet) -> list[Finding]:
    sp = m.plan
    cols = LABEL_COLUMNS if sp.kind == "grid" else 2
    cells = sheet.cells
    # Fast path: every label where the template has it.
    if all(_label_at(cells, lab, cols) for lab in sp.labels):
        for lab in sp.labels:
            m.rows[lab.row] = lab.row
        return []
    index = _label_index(sheet, cols)
    used: set[int] = set()
    shift = 0
    placed: list[tuple[RowLabel, int | None]] = []
    for lab in sp.labels:
        candidates = [r for r in index.get(lab.folded, ()) if r not in used]
        if not candidates:
            placed.append((lab, None))
            m.rows[lab.row] = None
            continue
        target = lab.row + shift
        best = min(candidates, key=lambda r: (abs(r - target), r))
        if lab.row in candidates and abs(lab.row - target) <= abs(best - target):
            best = lab.row
        used.add(best)
        shift = best - lab.row
        m.rows[lab.row] = best
        placed.append((lab, best))
    return _row_findings(sheet.name, placed)


def _label_at(cells, lab: RowLabel, cols: int) -> bool:
    for c in range(1, cols + 1):
        cell = cells.get((lab.row, c))
        if cell is not None and cell.kind in _TEXT_KINDS and fold_label(cell.text) == lab.folded:
            return True
    return False


def _row_findings(sheet_name: str, placed: list[tuple[RowLabel, int | None]]) -> list[Finding]:
    findings: list[Finding] = []
    run: list[tuple[RowLabel, int]] = []

    def flush():
        if not run:
            return
        first, last = run[0], run[-1]
        params = {"label": first[0].text}
        variant = None
        if len(run) == 1:
            expected_row, found_row = str(first[0].row), str(first[1])
        else:
            expected_row = f"{first[0].row}–{last[0].row}"
            found_row = f"{first[1]}–{last[1]}"
            params.update(last=last[0].text, count=len(run))
            variant = "run"
        params.update(expected_row=expected_row, found_row=found_row)
        findings.append(Finding("moved-row", params, value=found_row, expected=expected_row, variant=variant,
                                sheet=sheet_name, cell=f"A{first[1]}", row=first[0].text))
        run.clear()

    for lab, actual in placed:
        if actual is None:
            flush()
            findings.append(Finding("missing-row", {"label": lab.text, "expected_row": lab.row},
                                    expected=str(lab.row), sheet=sheet_name, row=lab.text))
            continue
        if actual == lab.row:
            flush()
            continue
        if run and (actual - lab.row) != (run[-1][1] - run[-1][0].row):
            flush()
        run.append((lab, actual))
    flush()
    return findings


def _cases_shift(sheet: Sheet, sp: SheetPlan) -> int:
    top = sp.header_rows[0]
    want = fold_label(sp.first_label or "")
    cell = sheet.cells.get((top, 1))
    if cell is not None and cell.kind in _TEXT_KINDS and fold_label(cell.text) == want:
        return 0
    for (r, c), cell in sorted(sheet.cells.items()):
        if r > 50:
            break
        if c <= 3 and cell.kind in _TEXT_KINDS and fold_label(cell.text) == want:
            return r - top
    return 0
