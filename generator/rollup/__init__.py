"""The roll-up: the latest accepted filing of each unit summed into one filing of the form.

    from generator.rollup import from_ledger, from_folder, write

    result = from_ledger(ledger, project, "monthly-progress", "2022-05", unit="永川区工作小组办公室")
    write(result.rollup, "汇总.xlsx")

`sums` does the arithmetic on documents; `workbook` writes a document into the form's
blank workbook through the layout.  The written workbook is a filing of the same form,
for the level above, and passes `yaojian validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.rollup.sums import Filing, RollUp, roll_up


class RollupError(Exception):
    """Nothing to roll up, or bad input; the message is Chinese."""


@dataclass
class Result:
    rollup: RollUp
    filings: list[Filing]
    skipped: list[str] = field(default_factory=list)  # files or filings left out, and why


def _forms(project):
    from generator.forms.model import load_forms

    return load_forms(project.forms)


def _report_date(filings: list[Filing], given: str | None) -> str:
    if given:
        return given
    dates = sorted(str((f.document.get("header") or {}).get("report_date") or "") for f in filings)
    dates = [d for d in dates if d]
    return dates[-1][:10] if dates else date.today().isoformat()


def from_ledger(ledger, project, form_id: str, period: str, *, unit: str, report_date: str | None = None) -> Result:
    forms = _forms(project)
    if form_id not in forms:
        raise RollupError(f"没有报表「{form_id}」；可选：{'、'.join(forms)}。")
    subs = ledger.latest_accepted_per_unit(form_id, period)
    filings = [Filing(s.unit, s.document, f"第 {s.version} 版（{s.filename}）") for s in subs if s.document is not None]
    if not filings:
        raise RollupError(f"报表「{form_id}」期间「{period}」还没有任何单位通过校验的报送，无可汇总。")
    rollup = roll_up(forms[form_id], filings, unit=unit, report_date=_report_date(filings, report_date))
    return Result(rollup, filings)


def from_folder(folder: Path, project, form_id: str | None, *, unit: str, report_date: str | None = None, workers: int = 0) -> Result:
    """Each unit's latest accepted workbook in a folder (by 填报日期, then file time)."""
    from generator.validate.pool import Checker, Failure

    forms = _forms(project)
    if form_id is not None and form_id not in forms:
        raise RollupError(f"没有报表「{form_id}」；可选：{'、'.join(forms)}。")
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et", ".ods"))
    if not files:
        raise RollupError(f"目录 {folder} 中没有报表文件（.xlsx）。")
    checker = Checker(project.root, workers)
    skipped: list[str] = []
    best: dict[str, tuple[tuple, Filing]] = {}
    seen_forms: set[str] = set()
    try:
        for path in files:
            checked = checker.check(path, None, path.name)
            if isinstance(checked, Failure):
                skipped.append(f"{path.name}：{checked.reason}")
                continue
            if not checked.valid or checked.document is None:
                skipped.append(f"{path.name}：未通过校验（{checked.errors} 个错误），不汇总")
                continue
            doc = checked.document
            fid = doc.get("form")
            if form_id is not None and fid != form_id:
                skipped.append(f"{path.name}：是报表「{fid}」，不是「{form_id}」")
                continue
            seen_forms.add(fid)
            name = str((doc.get("header") or {}).get("unit") or "").strip() or path.stem
            order = (str((doc.get("header") or {}).get("report_date") or ""), path.stat().st_mtime_ns, path.name)
            filing = Filing(name, doc, path.name)
            if name in best:
                kept_order, kept = max(best[name], (order, filing), key=lambda x: x[0])
                dropped = best[name][1] if kept is filing else filing
                skipped.append(f"{dropped.source}：{name} 有更晚填报的报送（{kept.source}），只汇总较晚的一份")
                best[name] = (kept_order, kept)
            else:
                best[name] = (order, filing)
    finally:
        checker.close()
    if len(seen_forms) > 1:
        raise RollupError(f"目录中有不同报表的文件（{'、'.join(sorted(seen_forms))}）；请用 --form 指定要汇总的报表。")
    filings = [f for _, f in best.values()]
    if not filings:
        raise RollupError("没有通过校验的报表文件，无可汇总。")
    fid = form_id or next(iter(seen_forms))
    rollup = roll_up(forms[fid], filings, unit=unit, report_date=_report_date(filings, report_date))
    return Result(rollup, filings, skipped)


def build_workbook(rollup: RollUp, project):
    """(openpyxl workbook, 合计 values to cache) of a roll-up."""
    from generator.rollup.workbook import add_breakdown, fill

    wb, totals = fill(rollup.form, rollup.document, project)
    add_breakdown(wb, rollup)
    return wb, totals


def write(rollup: RollUp, project, out: Path) -> Path:
    from generator.rollup.workbook import save

    wb, totals = build_workbook(rollup, project)
    return save(wb, out, totals)


def to_bytes(rollup: RollUp, project) -> bytes:
    from generator.rollup.workbook import to_bytes as _bytes

    wb, totals = build_workbook(rollup, project)
    return _bytes(wb, totals)
