"""The report on one filed workbook: what `validate()` returns and every reporter renders."""

from __future__ import annotations

from typing import Any

from generator.findings import Finding

# Codes that stop a validation: the file gets one report with that single finding.
# (Every code of the catalogue's `file` area, plus these two of `template`.)
STOPPING_TEMPLATE = ("unknown-form", "template-outdated")

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class Report:
    """What was found in one filed workbook.

    `document` is the filed document in the agreed shape (None when the file could not be
    read or identified); `stopped` is True when the file could not be validated at all
    (its single finding says why: an unreadable file, an unknown form, an old template).
    """

    __slots__ = ("file", "form", "form_version", "unit", "report_date", "findings", "document", "stopped",
                 "form_title", "sheets", "filed", "medium")

    def __init__(self, file: str, form: str | None = None, form_version: str | None = None, unit: str | None = None,
                 report_date: str | None = None, findings: list[Finding] | None = None, document: dict | None = None,
                 stopped: bool = False, form_title: str | None = None, sheets: list[str] | None = None,
                 filed: Any = None):
        self.file = file
        self.form = form
        self.form_version = form_version
        self.unit = unit
        self.report_date = report_date
        self.findings: list[Finding] = findings if findings is not None else []
        self.document = document
        self.stopped = stopped
        self.form_title = form_title
        self.sheets: list[str] = sheets if sheets is not None else []  # sheet order, for grouping
        self.filed = filed  # the Filed (the cumulative rule compares two of them)
        self.medium = "workbook"  # "document": a prose report filed as a Word document (no cells)

    def __repr__(self) -> str:
        return f"Report({self.file!r}, form={self.form!r}, errors={self.errors}, warnings={self.warnings})"

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)

    @classmethod
    def stop(cls, file: str, finding: Finding, *, form=None, version: str | None = None) -> "Report":
        return cls(file=file, form=form.id if form is not None else None, form_version=version,
                   form_title=form.title if form is not None else None, findings=[finding], stopped=True)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if not f.is_error)

    @property
    def valid(self) -> bool:
        return not self.stopped and self.errors == 0

    @property
    def exit_code(self) -> int:
        """2 when the file could not be validated, 1 with errors, 0 otherwise."""
        if self.stopped:
            return EXIT_UNREADABLE
        return EXIT_ERRORS if self.errors else EXIT_OK

    def by_sheet(self) -> list[tuple[str | None, list[Finding]]]:
        """Findings grouped by sheet, in workbook order (file-level findings first)."""
        groups: dict[str | None, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.sheet, []).append(f)
        order = {name: i for i, name in enumerate(self.sheets)}
        return sorted(groups.items(), key=lambda kv: (kv[0] is not None, order.get(kv[0], len(order)), kv[0] or ""))

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON contract has it."""
        return {
            "file": self.file,
            "form": self.form,
            "form_version": self.form_version,
            "unit": self.unit,
            "report_date": self.report_date,
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }


def worst_exit(reports) -> int:
    return max((r.exit_code for r in reports), default=EXIT_OK)


def summary(report: Report) -> str:
    """One line: 通过 / 不通过 with the counts, in Chinese."""
    if report.stopped:
        return "无法校验"
    if report.errors:
        head = f"不通过：{report.errors} 个错误"
        return head + (f"，{report.warnings} 个警告" if report.warnings else "")
    if report.warnings:
        return f"通过（有 {report.warnings} 个警告）"
    return "通过"


def title_line(report: Report) -> str:
    """The form (title, id and version), unit and report date, as one line."""
    parts = []
    if report.form_title:
        parts.append(f"{report.form_title}（{report.form} {report.form_version or ''}）".replace(" ）", "）"))
    elif report.form:
        parts.append(report.form)
    if report.unit:
        parts.append(report.unit)
    if report.report_date:
        parts.append(report.report_date)
    return " · ".join(parts)
