"""Who has filed: units × filing slots, with status, on-time figures and the units to chase.

A unit's status for a slot (a form for a period), as of a moment:

- 已报通过  its latest version has no errors;
- 已报有错  its latest version has errors (still to be fixed);
- 逾期      nothing filed and the due date has passed;
- 未报      nothing filed, not yet due.

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

LABELS = {"passed": "已报通过", "errors": "已报有错", "overdue": "逾期", "missing": "未报"}


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


def board(ledger: Ledger, schedule: Schedule, now: datetime, slots: list[Slot] | None = None) -> Board:
    slots = list(slots if slots is not None else schedule.slots)
    units = ledger.active_units()
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
            if latest is None:
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
            figures.on_time += cell.on_time
            figures.accepted_late += cell.accepted and not cell.on_time
        out.figures[slot.key] = figures
    return out


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


def _plain(value):
    """Text that a spreadsheet will not take for a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def chase_csv(b: Board, titles: dict[str, str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CHASE_HEADER)
    for row in chase_rows(b, titles):
        w.writerow([_plain(v) for v in row])
    # UTF-8 with a BOM: Excel and WPS then open the Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def chase_xlsx(b: Board, titles: dict[str, str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "逾期未报"
    ws.append(CHASE_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in chase_rows(b, titles):
        ws.append([None] * len(row))
        for col, value in enumerate(row, start=1):
            cell = ws.cell(ws.max_row, col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for col, width in zip("ABCDEFGHI", (24, 22, 14, 12, 10, 10, 12, 18, 14)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
