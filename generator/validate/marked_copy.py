"""A marked copy of a filed workbook: each cell with a finding filled red (errors) or
amber (warnings), with a Chinese comment giving the messages and what to do.

The marks are handed to the reader engineer's `generator.xlsx.annotate.annotate(src,
dest, marks)`, which changes nothing else in the file; the original is never touched.
Findings without a cell (a missing sheet, a mismatched previous filing) are not marked:
the report lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.validate.report import Report

MAX_NOTE = 2000  # characters of one finding's text in a note


def marks(report: Report) -> list[tuple[str, str, str, str]]:
    """(sheet, cell, severity, text) for every finding that sits on a cell: the message
    and what to do.  Marks on one cell share its note; the cell takes the worst colour."""
    out = []
    for f in report.findings:
        if not (f.sheet and f.cell):
            continue
        text = f.message
        if f.remedy:
            text += f"\n→ {f.remedy}"
        if len(text) > MAX_NOTE:
            text = text[: MAX_NOTE - 1] + "…"
        out.append((f.sheet, f.cell.split(":")[0], f.severity, text))
    return out


def annotated_name(source: str | os.PathLike) -> str:
    p = Path(source)
    return f"{p.stem}.校验标注.xlsx"


def annotated_names(sources) -> dict[str, str]:
    """A distinct copy name for every source: 月报.校验标注.xlsx, and 月报.校验标注-2.xlsx for
    a second 月报.xlsx from another folder."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for src in sources:
        name = annotated_name(src)
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{Path(src).stem}.校验标注-{n}.xlsx"
        taken.add(name.lower())
        out[str(src)] = name
    return out


def annotate_report(report: Report, source: str | os.PathLike, dest_dir: Path, name: str | None = None) -> Path | None:
    """Write the marked copy of `source` into `dest_dir` (as `name`); None when the file
    could not be read (nothing to mark in)."""
    if report.stopped:
        return None
    dest = Path(dest_dir) / (name or annotated_name(source))
    if Path(source).resolve() == dest.resolve():  # pragma: no cover - never overwrite the original
        return None
    from generator.xlsx import ReadError
    from generator.xlsx.annotate import annotate

    try:
        annotate(source, dest, marks(report))
    except (ReadError, ValueError, OSError) as exc:
        import sys

        reason = exc.params.get("reason", exc.code) if isinstance(exc, ReadError) else str(exc)
        sys.stderr.write(f"yaojian validate: 无法为 {source} 写标注副本（{reason}）\n")
        return None
    return dest
