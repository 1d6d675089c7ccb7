"""The HTML report: one self-contained page (no external resource of any kind), or a
fragment for embedding (the upload service shows the same).  Every text is escaped."""

from __future__ import annotations

from html import escape
from typing import Sequence

from generator.findings import SEVERITY_ZH
from generator.validate.report import Report, summary

CSS = """
.yj-report{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Zen Hei",SimSun,sans-serif;color:#222;line-height:1.5}
.yj-report h2{font-size:1.2em;margin:1.2em 0 .2em}
.yj-report .yj-meta{color:#555;margin:0 0 .4em}
.yj-report .yj-summary{font-weight:bold;margin:.2em 0 .8em}
.yj-report .yj-ok{color:#1a7f37}.yj-report .yj-bad{color:#b42318}
.yj-report h3{font-size:1.05em;margin:1em 0 .3em;border-bottom:1px solid #ccc}
.yj-report table{border-collapse:collapse;width:100%;margin-bottom:1em}
.yj-report th,.yj-report td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.yj-report th{background:#f3f3f3;white-space:nowrap}
.yj-report tr.yj-error td:first-child{background:#fde2e1;color:#b42318;font-weight:bold}
.yj-report tr.yj-warning td:first-child{background:#fff1cc;color:#8a5a00;font-weight:bold}
.yj-report .yj-remedy{color:#555}
.yj-report .yj-kind{font-size:.85em;color:#777;white-space:nowrap}
@media print{.yj-report tr{page-break-inside:avoid}}
"""


def fragment(reports: Sequence[Report]) -> str:
    """The reports as one <section> with its own scoped style (for embedding)."""
    out = [f'<section class="yj-report"><style>{CSS}</style>']
    for report in reports:
        out.append(_report(report))
    out.append("</section>")
    return "\n".join(out)


def page(reports: Sequence[Report], title: str = "报表校验结果") -> str:
    """A whole HTML page: UTF-8, no scripts, no external references."""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title></head><body>\n"
        f"<h1 style=\"font-size:1.4em\">{escape(title)}</h1>\n{fragment(reports)}\n</body></html>\n"
    )


def _report(report: Report) -> str:
    e = escape
    ok = report.valid
    parts = [f"<article><h2>{e(report.file)}</h2>"]
    meta = _meta(report)
    if meta:
        parts.append(f'<p class="yj-meta">{e(meta)}</p>')
    parts.append(f'<p class="yj-summary {"yj-ok" if ok else "yj-bad"}">{e(summary(report))}</p>')
    document = getattr(report, "medium", "") == "document"  # a Word document: no cells
    for sheet, findings in report.by_sheet():
        parts.append(f"<h3>{e(sheet or ('正文' if document else '文件'))}</h3>")
        cell_head = "" if document else "<th>单元格</th>"
        parts.append(f"<table><thead><tr><th>级别</th>{cell_head}<th>位置</th><th>问题</th><th>怎么改</th></tr></thead><tbody>")
        for f in findings:
            place = " × ".join(p for p in (f.row, f.column) if p)
            cell = "" if document else f"<td>{e(f.cell or '')}</td>"
            parts.append(
                f'<tr class="yj-{e(f.severity)}"><td>{e(SEVERITY_ZH.get(f.severity, f.severity))}</td>'
                f"{cell}<td>{e(place)}</td>"
                f"<td>{e(f.message)} {kind_tag(f.code)}</td>"
                f'<td class="yj-remedy">{e(f.remedy)}</td></tr>')
        parts.append("</tbody></table>")
    parts.append("</article>")
    return "\n".join(parts)


def _meta(report: Report) -> str:
    """The form's Chinese title, the unit and the date (form ids and versions are for the
    JSON and the text report, not for the people reading this page)."""
    return " · ".join(p for p in (report.form_title, report.unit, report.report_date) if p)


def kind_tag(code: str) -> str:
    """A finding's kind as people read it: the catalogue's Chinese title, muted, with the
    code only in the tooltip and a data attribute (for a technician, and for tests)."""
    from generator.findings import catalogue

    kind = catalogue().get(code or "")
    title = kind.title if kind else "其他问题"
    return f'<span class="yj-kind" title="代码：{escape(code or "")}" data-code="{escape(code or "")}">〔{escape(title)}〕</span>'
