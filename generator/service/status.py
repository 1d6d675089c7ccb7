"""Who has filed: units × filing slots, with status, on-time figures and the units to chase.

A unit's status for a slot (a form for a period), as of a moment:

- 已报通过  its latest version has no errors;
- 已报有错  its latest version has errors (still to be fixed);
- 逾期      nothing filed and the due date has passed;
- 未报      nothing filed, not yet due;
- 未开通账号 a 报送单位 of the office profile that has no account (and no filing) yet.

On time: the unit's first accepted filing (no errors) arrived by the due date (office
time; the due date itself counts).  The units to chase are those with no accepted filing
for a slot whose due date has passed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from generator.service.ledger import Ledger, Submission, Unit
from generator.service.slots import Schedule, Slot, office_date

LABELS = {"passed": "已报通过", "errors": "已报有错", "overdue": "逾期", "missing": "未报", "noaccount": "未开通账号"}


@dataclass
class Cell:
    unit: Unit
    slot: Slot
    status: str
    versions: int = 0
    latest: Submission | None = None
    first_accepted: Submission | None = None
    days_late: int = 0  # past the due date: until accepted, or until now

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def accepted(self) -> bool:
        return self.first_accepted is not None

    @property
    def on_time(self) -> bool:
        return self.first_accepted is not None and self.slot.on_time(self.first_accepted.received_at)

    @property
    def to_chase(self) -> bool:
        return self.first_accepted is None and self.status in ("overdue", "errors") and self.days_late > 0


@dataclass
class Figures:
    slot: Slot
    expected: int = 0
    filed: int = 0
    passed: int = 0
    errors: int = 0
    overdue: int = 0
    missing: int = 0
    noaccount: int = 0
    on_time: int = 0
    accepted_late: int = 0

    @property
    def on_time_rate(self) -> str:
        return f"{self.on_time / self.expected:.0%}" if self.expected else "—"


@dataclass
class Board:
    now: datetime
    units: list[Unit]
    slots: list[Slot]
    cells: dict[tuple[int, tuple[str, str]], Cell] = field(default_factory=dict)
    figures: dict[tuple[str, str], Figures] = field(default_factory=dict)

    def cell(self, unit: Unit, slot: Slot) -> Cell:
        return self.cells[(unit.id, slot.key)]

    def to_chase(self) -> list[Cell]:
        out = [c for c in self.cells.values() if c.to_chase]
        out.sort(key=lambda c: (c.slot.due, c.slot.form, c.unit.name))
        return out


def board(ledger: Ledger, schedule: Schedule, now: datetime, slots: list[Slot] | None = None,
          expected: list[str] = ()) -> Board:
    """`expected`: the 报送单位 of the office profile, by name.  They come first, in that
    order; one without an account or filing is listed as 未开通账号 (with an id below 1)."""
    slots = list(slots if slots is not None else schedule.slots)
    units = _with_expected(ledger.active_units(), expected)
    by_cell: dict[tuple[int, tuple[str, str]], list[Submission]] = {}
    for sub in ledger.summaries():
        by_cell.setdefault((sub.unit_id, (sub.form, sub.period)), []).append(sub)
    today = office_date(now)
    out = Board(now, units, slots)
    for slot in slots:
        figures = Figures(slot, expected=len(units))
        for unit in units:
            versions = by_cell.get((unit.id, slot.key), [])
            latest = versions[-1] if versions else None
            first_ok = next((v for v in versions if v.valid), None)
            if unit.id < 1:
                status = "noaccount"
            elif latest is None:
                status = "overdue" if today > slot.due else "missing"
            else:
                status = "passed" if latest.valid else "errors"
            if first_ok is not None:
                days_late = max(0, (office_date(first_ok.received_at) - slot.due).days)
            else:
                days_late = max(0, (today - slot.due).days)
            cell = Cell(unit, slot, status, len(versions), latest, first_ok, days_late)
            out.cells[(unit.id, slot.key)] = cell
            figures.filed += bool(versions)
            figures.passed += status == "passed"
            figures.errors += status == "errors"
            figures.overdue += status == "overdue"
            figures.missing += status == "missing"
            figures.noaccount += status == "noaccount"
            figures.on_time += cell.on_time
            figures.accepted_late += cell.accepted and not cell.on_time
        out.figures[slot.key] = figures
    return out


def _with_expected(active: list[Unit], expected: list[str]) -> list[Unit]:
    by_name = {u.name: u for u in active}
    out = [by_name.get(name) or Unit(-n, name) for n, name in enumerate(dict.fromkeys(expected), 1)]
    listed = set(expected)
    return out + [u for u in active if u.name not in listed]


# -- exports ----------------------------------------------------------------------------

CHASE_HEADER = ["单位", "报表", "期间", "截止日期", "状态", "逾期天数", "已报版本数", "最近报送时间", "最近一版错误数"]


def chase_rows(b: Board, titles: dict[str, str]) -> list[list]:
    from generator.service.slots import OFFICE_TZ

    rows = []
    for c in b.to_chase():
        latest = c.latest
        rows.append([
            c.unit.name, titles.get(c.slot.form, c.slot.form), c.slot.label, c.slot.due.isoformat(), c.label,
            c.days_late, c.versions,
            latest.received_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M") if latest else "",
            latest.errors if latest else "",
        ])
    return rows


CHASE_TITLE = "催报名单"
# The chase list, split truthfully: units with nothing filed past the due date, and units
# whose filings all have errors (filed, but nothing accepted yet).
CHASE_PARTS = (("overdue", "逾期未报"), ("errors", "已报有错未改正"))


def _plain(value):
    """Text that a spreadsheet will not take for a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _chase_parts(b: Board, titles: dict[str, str]) -> list[tuple[str, list[list]]]:
    rows = chase_rows(b, titles)
    status_col = CHASE_HEADER.index("状态")
    return [(name, [r for r in rows if r[status_col] == LABELS[status]]) for status, name in CHASE_PARTS]


def chase_csv(b: Board, titles: dict[str, str]) -> bytes:
    """The chase list as CSV: the units with nothing filed first, then those with errors
    (the 状态 column says which)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CHASE_HEADER)
    for _name, rows in _chase_parts(b, titles):
        for row in rows:
            w.writerow([_plain(v) for v in row])
    # UTF-8 with a BOM: Excel and WPS then open the Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def chase_xlsx(b: Board, titles: dict[str, str]) -> bytes:
    """The chase list as a workbook: one sheet per kind (逾期未报, 已报有错未改正), columns
    wide enough for their texts, printed on A4 one page wide with the header on every page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from generator.forms.cells import append_row, put, text_width

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in _chase_parts(b, titles):
        ws = wb.create_sheet(name)
        append_row(ws, CHASE_HEADER)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            append_row(ws, row)
        if not rows:
            put(ws.cell(2, 1), "（无）")
        for col in range(1, len(CHASE_HEADER) + 1):
            texts = [CHASE_HEADER[col - 1], *(r[col - 1] for r in rows)]
            ws.column_dimensions[get_column_letter(col)].width = min(40, max(text_width(t) for t in texts))
        ws.freeze_panes = "A2"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        ws.oddHeader.center.text = f"{CHASE_TITLE} · {name}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
