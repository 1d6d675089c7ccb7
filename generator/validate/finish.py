"""The last steps of validating a filed document, whatever it was read from (a workbook
or a Word document): the form's JSON Schema, the rules, and the Report."""

from __future__ import annotations

from generator.findings import Finding
from generator.validate.report import Report


def finish_report(filed, plan, findings: list[Finding], project, display: str, sheets: list[str],
                  keep=None, with_filed: bool = False) -> Report:
    """The form's JSON Schema and rules over a filed document (read from a workbook or a
    Word document), and the Report; `keep` filters the schema's findings.  `with_filed`
    adds the reading's own findings after the rules have run (a wrong typed-over 合计
    merges two findings into one there)."""
    from generator.forms.keys import header_key
    from generator.validate import rules, schema_errors
    from generator.validate.campaigns import windows

    form = plan.form
    schema_findings, bad = schema_errors.check(filed, plan, project.schemas)
    filed.bad = bad
    ruled = rules.run(filed, plan, bad, windows(project.content))
    if with_filed:
        findings.extend(filed.findings)
    findings.extend(f for f in schema_findings if keep is None or keep(f))
    findings.extend(ruled)
    date_read = filed.values.get(header_key("report_date"))
    unit = filed.document["header"].get("unit")
    return Report(
        file=display, form=form.id, form_version=form.version,
        unit=unit if isinstance(unit, str) else None,
        report_date=date_read.value if date_read is not None and date_read.state == "num"
        and header_key("report_date") not in bad else None,
        findings=findings, document=filed.document, form_title=form.title, sheets=sheets, filed=filed,
    )
