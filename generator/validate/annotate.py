"""A marked copy of a filed workbook: each cell with a finding filled red (errors) or
amber (warnings), with a Chinese comment giving the messages and what to do.

The marks are handed to the reader engineer's `generator.xlsx.annotate.annotate(src,
dest, marks)`, which changes nothing else in the file; the original is never touched.
Findings without a cell (a missing sheet, a mismatched previous filing) are not marked:
the report lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.findings import SEVERITY_ZH
from generator.validate.report import Report

RED = "FFC7CE"  # Excel's "bad" fill
AMBER = "FFEB9C"  # Excel's "neutral" fill
COMMENT_AUTHOR = "yaojian 校验"
MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class Mark:
    sheet: str
    cell: str
    severity: str  # "error" or "warning"
    comment: str

    @property
    def fill(self) -> str:
        return RED if self.severity == "error" else AMBER


def marks(report: Report) -> list[Mark]:
    """One mark per cell: the worst severity among its findings, every message in the comment."""
    by_cell: dict[tuple[str, str], list] = {}
    for f in report.findings:
        if f.sheet and f.cell:
            by_cell.setdefault((f.sheet, f.cell.split(":")[0]), []).append(f)
    out = []
    for (sheet, cell), findings in by_cell.items():
        severity = "error" if any(f.is_error for f in findings) else "warning"
        lines = []
        for f in findings:
            lines.append(f"【{SEVERITY_ZH.get(f.severity, f.severity)}】{f.message}")
            if f.remedy:
                lines.append(f"→ {f.remedy}")
        text = "\n".join(lines)
        if len(text) > MAX_COMMENT:
            text = text[: MAX_COMMENT - 1] + "…"
        out.append(Mark(sheet, cell, severity, text))
    return out


def annotated_name(source: str | os.PathLike) -> str:
    p = Path(source)
    return f"{p.stem}.校验标注.xlsx"


def annotate_report(report: Report, source: str | os.PathLike, dest_dir: Path) -> Path | None:
    """Write the marked copy of `source` into `dest_dir`; None when the file could not be
    read (nothing to mark in) or has no finding on a cell."""
    if report.stopped:
        return None
    dest = Path(dest_dir) / annotated_name(source)
    if Path(source).resolve() == dest.resolve():  # pragma: no cover - never overwrite the original
        return None
    from generator.xlsx.annotate import annotate

    annotate(source, dest, marks(report))
    return dest
