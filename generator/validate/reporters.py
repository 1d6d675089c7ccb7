"""Reporters: a list of Reports rendered as text, JSON or HTML (registered by name).

    from generator.validate.reporters import render
    render("text", reports) -> str

Formatting never raises; messages come from the catalogue (`Finding.message`).
"""

from __future__ import annotations

import json
from typing import Callable, Sequence

from generator.findings import SEVERITY_ZH
from generator.validate.report import Report, summary, title_line


# -- text ----------------------------------------------------------------------------------

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "ok": "\033[32m", "dim": "\033[2m", "bold": "\033[1m"}
_RESET = "\033[0m"


def text(reports: Sequence[Report], *, colour: bool = False) -> str:
    """Grouped by file, then by sheet; each finding: severity, cell, place, message, remedy."""

    def c(name: str, s: str) -> str:
        return f"{_COLOURS[name]}{s}{_RESET}" if colour else s

    out: list[str] = []
    for report in reports:
        state = "ok" if report.valid else "error"
        out.append(c("bold", report.file) + (f"  {title_line(report)}" if title_line(report) else ""))
        out.append("  " + c(state, summary(report)))
        for sheet, findings in report.by_sheet():
            out.append("")
            whole = "【正文】" if getattr(report, "medium", "") == "document" else "【文件】"  # a Word document
            out.append("  " + c("bold", f"【{sheet}】" if sheet else whole))
            for f in findings:
                sev = f.severity
                place = " × ".join(p for p in (f.row, f.column) if p)
                cell = f.cell or ""
                lead = f"    {c(sev, SEVERITY_ZH.get(sev, sev))} {cell:<6}"
                line = lead + (f"{place}：" if place else "") + f.message
                out.append(line)
                remedy = f.remedy
                if remedy:
                    out.append("           " + c("dim", f"→ {remedy}"))
                out.append("           " + c("dim", f"[{f.code}]"))
        out.append("")
    if len(reports) > 1:
        failed = sum(1 for r in reports if not r.valid)
        out.append(f"共 {len(reports)} 个文件：{len(reports) - failed} 个通过，{failed} 个未通过。")
    return "\n".join(out).rstrip("\n") + "\n"


# -- json ----------------------------------------------------------------------------------

def as_json(reports: Sequence[Report]) -> str:
    """The contract: a JSON array, one report per file."""
    return json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2) + "\n"


def _html(reports: Sequence[Report]) -> str:
    from generator.validate.html import page

    return page(reports)


REPORTERS: dict[str, Callable[..., str]] = {"text": text, "json": as_json, "html": _html}


def render(name: str, reports: Sequence[Report], **options) -> str:
    return REPORTERS[name](reports, **options)
