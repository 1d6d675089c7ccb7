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
    # A prose form's roll-up: the units' monthly filings summed, for the district's figures
    # in the compiled report's drafted places (None when there are none).
    monthly: RollUp | None = None


def _monthly_form(forms: dict):
    """The form whose figures a prose report drafts from (the monthly form), if any."""
    from generator.forms.document import is_prose

    return next((f for f in forms.values() if not is_prose(f) and any(t.kind == "grid" for t in f.tables)), None)


def _monthly_rollup(forms: dict, form_id: str, filings: list[Filing], unit: str) -> RollUp | None:
    from generator.forms.document import is_prose

    monthly = _monthly_form(forms)
    if monthly is None or not is_prose(forms[form_id]) or not filings:
        return None
    return roll_up(monthly, filings, unit=unit, report_date=_report_date(filings, None))


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
    monthly = _monthly_form(forms)
    month_filings = []
    if monthly is not None:
        periods = sorted({s.period for s in ledger.summaries(form=monthly.id) if s.valid})
        if periods:
            month_filings = [Filing(s.unit, s.document, s.filename) for s in
                             ledger.latest_accepted_per_unit(monthly.id, periods[-1]) if s.document is not None]
    return Result(rollup, filings, monthly=_monthly_rollup(forms, form_id, month_filings, unit))


def from_folder(folder: Path, project, form_id: str | None, *, unit: str, report_date: str | None = None, workers: int = 0) -> Result:
    """Each unit's latest accepted workbook in a folder (by 填报日期, then file time)."""
    from generator.validate.pool import Checker, Failure

    forms = _forms(project)
    if form_id is not None and form_id not in forms:
        raise RollupError(f"没有报表「{form_id}」；可选：{'、'.join(forms)}。")
    entries = sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    files = [p for p in entries if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".docx", ".docm", ".doc", ".wps")]
    if not files:
        raise RollupError(f"目录 {folder} 中没有报表文件（.xlsx，文字报告也可以是 .docx）。")
    checker = Checker(project.root, workers)
    skipped: list[str] = [f"{p.name}：不是报表文件（.xlsx 或 .docx），不汇总" for p in entries if p not in files]
    checked_files: list[tuple[Path, object]] = []
    try:
        for path in files:
            checked = checker.check(path, None, path.name)
            if isinstance(checked, Failure):
                skipped.append(f"{path.name}：{checked.reason}")
            elif not checked.readable:
                # Not a filing at all (a text file, an old .xls, another form's stamp missing…):
                # say what the file is, not how many errors it has.
                skipped.append(f"{path.name}：无法作为报表读取（{_first_message(checked.report)}），不汇总")
            else:
                checked_files.append((path, checked))
    finally:
        checker.close()
    from generator.forms.document import is_prose

    target = form_id or _main_form(checked_files, forms)
    monthly = _monthly_form(forms)
    months: dict[str, tuple[tuple, Filing]] = {}  # a prose roll-up: monthly filings for the district's figures
    best: dict[str, tuple[tuple, Filing]] = {}
    for path, checked in checked_files:
        doc = checked.document
        fid = doc.get("form")
        name = str((doc.get("header") or {}).get("unit") or "").strip() or path.stem
        order = (str((doc.get("header") or {}).get("report_date") or ""), path.stat().st_mtime_ns, path.name)
        if is_prose(forms[target]) and monthly is not None and fid == monthly.id:
            if checked.valid and (name not in months or months[name][0] < order):
                months[name] = (order, Filing(name, doc, path.name))
            continue
        if fid != target:
            skipped.append(f"{path.name}：是{_title(forms, fid)}，不是本次汇总的{_title(forms, target)}，不汇总")
            continue
        if not checked.valid:
            skipped.append(f"{path.name}：未通过校验（{checked.errors} 个错误），不汇总")
            continue
        filing = Filing(name, doc, path.name)
        if name in best:
            kept_order, kept = max(best[name], (order, filing), key=lambda x: x[0])
            dropped = best[name][1] if kept is filing else filing
            skipped.append(f"{dropped.source}：{name} 有更晚填报的报送（{kept.source}），只汇总较晚的一份")
            best[name] = (kept_order, kept)
        else:
            best[name] = (order, filing)
    filings = [f for _, f in best.values()]
    if not filings:
        raise RollupError("没有通过校验的报表文件，无可汇总。")
    rollup = roll_up(forms[target], filings, unit=unit, report_date=_report_date(filings, report_date))
    return Result(rollup, filings, skipped, monthly=_monthly_rollup(forms, target, [f for _, f in months.values()], unit))


def _title(forms: dict, form_id) -> str:
    form = forms.get(form_id)
    return f"“{form.title}”" if form is not None else "另一张报表"


def _first_message(report: dict) -> str:
    findings = report.get("findings") or []
    message = str(findings[0].get("message") or "") if findings else ""
    return message.rstrip("。") or "无法识别"


def _main_form(checked_files: list, forms: dict) -> str:
    """The form most files are filings of; a tie needs --form."""
    counts: dict[str, int] = {}
    for _path, checked in checked_files:
        fid = checked.document.get("form")
        if fid in forms:
            counts[fid] = counts.get(fid, 0) + 1
    if not counts:
        raise RollupError("目录中没有能读取的报表文件，无可汇总。")
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        tied = "、".join(f"{_title(forms, fid)}（--form {fid}）" for fid, n in ranked if n == ranked[0][1])
        raise RollupError(f"目录中不同报表的文件一样多：{tied}；请用 --form 指定要汇总的报表。")
    return ranked[0][0]


def build_workbook(rollup: RollUp, project):
    """(openpyxl workbook, 合计 values to cache) of a roll-up."""
    from generator.rollup.workbook import add_breakdown, fill

    wb, totals = fill(rollup.form, rollup.document, project)
    add_breakdown(wb, rollup)
    return wb, totals


def is_document(rollup: RollUp, out: Path | None = None) -> bool:
    """A prose form's roll-up is compiled as a Word document (unless .xlsx is asked for)."""
    from generator.forms.document import is_prose

    return is_prose(rollup.form) and (out is None or Path(out).suffix.lower() != ".xlsx")


def write(rollup: RollUp, project, out: Path, monthly: RollUp | None = None) -> Path:
    """The roll-up as a workbook, or — a prose form's, unless `out` is .xlsx — as the
    compiled Word report (generator.rollup.document), with the district's figures from
    `monthly` (the units' monthly filings summed) where the template asks for figures."""
    from generator.rollup.workbook import save

    if is_document(rollup, out):
        from generator.rollup.document import write as write_document

        return write_document(rollup, project, out, monthly)
    wb, totals = build_workbook(rollup, project)
    return save(wb, out, totals)


def to_bytes(rollup: RollUp, project) -> bytes:
    from generator.rollup.workbook import to_bytes as _bytes

    wb, totals = build_workbook(rollup, project)
    return _bytes(wb, totals)
