"""Receiving one upload: store privately, check, keep by hash, record — in that order.

The unit is the login's, never the file's or the form's.  What a unit gets back:

- `recorded`  a new version (with or without errors: a filing with errors is kept, so
              the unit and the office see it, but it is not *accepted*);
- `duplicate` the same bytes were already filed for this form and period: the earlier
              record is returned and nothing new is written;
- `refused`   nothing is kept: the file is too large, cannot be read as a workbook
              (the validator's own code: unreadable-file, unsafe-xml, file-too-large, …),
              or is another form than the one picked.

For a form with running totals (表2–4 of the monthly form), the validator sees the
unit's latest accepted filing of the previous period as `previous`, for the rule that
cumulative figures never fall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from generator.findings import Finding
from generator.validate.pool import Checker, Failure
from generator.service.ledger import Ledger, Submission, utcnow
from generator.service.slots import Schedule, Slot, office_date
from generator.service.store import TooLarge


@dataclass
class Outcome:
    kind: str  # recorded duplicate refused
    submission: Submission | None = None
    findings: list[dict] = field(default_factory=list)  # why it was refused

    @property
    def refused(self) -> bool:
        return self.kind == "refused"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def too_large(size: int | None, limit: int) -> dict:
    shown = f"上传的文件大小 {_mib(size)}，" if size else "上传的文件"
    return Finding("file-too-large", {"reason": f"{shown}超过报送服务允许的 {_mib(limit)}", "limit": limit}).to_dict()


def service_notes(slot: Slot, unit: str, document: dict, now: datetime, form_title: str) -> list[dict]:
    """The service's own warnings about a readable filing (not the validator's)."""
    notes: list[dict] = []
    header = document.get("header") or {}
    found = str(header.get("unit") or "").strip()
    if found and "".join(found.split()) != "".join(unit.split()):
        notes.append(Finding("unit-name-differs", {"found": found, "unit": unit}, value=found, expected=unit).to_dict())
    raw = header.get("report_date")
    reported: date | None = None
    if isinstance(raw, str):
        try:
            reported = date.fromisoformat(raw[:10])
        except ValueError:
            reported = None
    if reported is not None:
        reason = None
        if reported < slot.start:
            reason = "早于所报期间的开始日"
        elif reported > office_date(now):
            reason = "晚于今天"
        if reason:
            notes.append(Finding("report-date-outside-period", {
                "reason": reason, "period": slot.label, "start": slot.start.isoformat(), "end": slot.end.isoformat(),
            }, value=reported.isoformat()).to_dict())
    return notes


def receive(
    ledger: Ledger, checker: Checker, schedule: Schedule, *, unit_id: int, unit: str, account_id: int | None,
    slot: Slot, stream: BinaryIO, filename: str | None, limit: int, now: datetime | None = None,
) -> Outcome:
    form_title = schedule.form_titles.get(slot.form, slot.form)
    try:
        with ledger.store.receive(stream, filename, limit) as incoming:
            if incoming.size == 0 and not (filename or "").strip():
                return Outcome("refused", findings=[Finding("no-file").to_dict()])
            existing = ledger.find(unit_id, slot.form, slot.period, incoming.sha256)
            if existing is not None:
                return Outcome("duplicate", existing)
            # Only forms with running totals compare with the previous period's filing.
            previous_slot = schedule.previous(slot) if slot.form in schedule.cumulative_forms else None
            previous = ledger.latest_accepted(unit_id, slot.form, previous_slot.period) if previous_slot else None
            checked = checker.check(incoming.path, ledger.file_path(previous) if previous else None, incoming.filename,
                                    previous_immutable=True)
            if isinstance(checked, Failure):
                return Outcome("refused", findings=[Finding("validation-failed", {"reason": checked.reason}).to_dict()])
            if not checked.readable:
                return Outcome("refused", findings=list(checked.report.get("findings") or []))
            found_form = checked.document.get("form")
            if found_form != slot.form:
                found = schedule.form_titles.get(found_form, found_form or "无法识别的报表")
                return Outcome("refused", findings=[Finding(
                    "form-mismatch", {"expected": form_title, "found": found}, value=found_form, expected=slot.form,
                ).to_dict()])
            checked.report["service"] = service_notes(slot, unit, checked.document, now or utcnow(), form_title)
            ledger.store.keep(incoming)
            sub, created = ledger.record(
                unit_id=unit_id, form=slot.form, period=slot.period, sha256=incoming.sha256, size=incoming.size,
                filename=incoming.filename, checked=checked, account_id=account_id,
                previous_id=previous.id if previous else None, received_at=now,
            )
            return Outcome("recorded" if created else "duplicate", sub)
    except TooLarge as exc:
        return Outcome("refused", findings=[too_large(exc.size, exc.limit)])
