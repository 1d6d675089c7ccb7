"""Validating filed report workbooks: `validate(path, project=...) -> Report`.

    from generator.validate import validate
    report = validate("月报.xlsx", project=project)        # no printing, no exit
    report.valid, report.errors, report.warnings, report.findings, report.document
    report.to_dict()                                        # the JSON report contract

The steps, each a module: read (`generator.xlsx`, bounded) → identify the form by its
stamp (`identify`) → find its sheets and rows (`locate`) → read every input into the
filed document (`document`, with `normalize`) → the form's JSON Schema (`schema_errors`) → the
rules (`rules`, and `previous` for the cumulative rule).  Reporters (`reporters`, `html`)
and the marked copy (`annotate`) render a Report; `batch` runs many files in worker
processes.

Bounds: every read goes through `generator.xlsx.read_workbook` and its `Limits` (20 MB on
disk, 32 MB per inflated part, 128 MB inflated in all, a compression ratio of 100, 4,096
zip entries, 64 sheets, 500,000 cells, no DTD/entities); the validation itself is linear
in the cells read.  tests/test_validate_hostile.py proves 10 s and 500 MB per file
(RLIMIT_AS) at the command line on a corpus of hostile files.
"""

from __future__ import annotations

import os
from typing import Any

from generator.findings import Finding
from generator.validate.report import Report, worst_exit

__all__ = ["Report", "validate", "worst_exit"]


def _limits():
    from generator.xlsx import Limits

    return Limits()


def validate(path: str | os.PathLike | bytes, *, project, previous: str | os.PathLike | Report | None = None,
             name: str | None = None, limits: Any = None, forms: dict | None = None) -> Report:
    """Validate one filed workbook (a path, or its bytes with `name`).

    `previous`: the unit's previous filing of the same form (a path or a Report), for the
    cumulative rule.  Never raises on a bad file: whatever the bytes, the report says
    what is wrong.
    """
    from generator.forms.model import load_forms
    from generator.xlsx import ReadError, read_workbook

    display = name if name is not None else (os.fspath(path) if not isinstance(path, (bytes, bytearray)) else "<bytes>")
    if forms is None:
        forms = load_forms(project.forms)
    try:
        book = read_workbook(path, limits=limits or _limits())
    except ReadError as exc:
        return Report.stop(display, Finding(exc.code, exc.params))
    try:
        report = _validate_book(book, display, project, forms)
    except Exception as exc:  # noqa: BLE001 - a file must never crash the tool
        if os.environ.get("YAOJIAN_DEBUG"):
            raise
        return Report.stop(display, Finding("unreadable-file", {"reason": f"文件内容异常，无法校验（{type(exc).__name__}）"}))
    if previous is not None and not report.stopped:
        prev = previous if isinstance(previous, Report) else validate(previous, project=project, limits=limits, forms=forms)
        from generator.validate.previous import compare
        from generator.validate.plan import plan_for

        report.findings.extend(compare(report, prev, plan_for(forms[report.form]), report.filed.bad))
        _sort(report)
    return report


def _validate_book(book, display: str, project, forms: dict) -> Report:
    from generator.validate import rules, schema_errors
    from generator.validate.campaigns import windows
    from generator.validate.document import build
    from generator.validate.identify import Stop, identify
    from generator.validate.locate import locate
    from generator.validate.plan import plan_for

    try:
        form, cover = identify(book, forms)
    except Stop as stop:
        return Report.stop(display, stop.finding, form=stop.form, version=stop.version)
    plan = plan_for(form)
    matches, findings = locate(book, plan, cover)
    filed = build(book, plan, matches)
    findings.extend(filed.findings)
    schema_findings, bad = schema_errors.check(filed, plan, project.schemas)
    findings.extend(schema_findings)
    filed.bad = bad
    findings.extend(rules.run(filed, plan, bad, windows(project.content)))
    header = filed.document["header"]
    date_read = filed.values.get(("header", "report_date"))
    unit = header.get("unit")
    report = Report(
        file=display, form=form.id, form_version=form.version,
        unit=unit if isinstance(unit, str) else None,
        report_date=date_read.value if date_read is not None and date_read.state == "num"
        and ("header", "report_date") not in bad else None,
        findings=findings, document=filed.document, form_title=form.title,
        sheets=[m.name for m in matches], filed=filed,
    )
    _sort(report)
    return report


def _sort(report: Report) -> None:
    order = {name: i for i, name in enumerate(report.sheets)}

    def key(f: Finding):
        row = col = 0
        if f.cell:
            from generator.xlsx.refs import parse_ref

            try:
                row, col = parse_ref(f.cell)
            except ValueError:
                pass
        return (f.sheet is not None, order.get(f.sheet, len(order)), row, col)

    report.findings.sort(key=key)
