"""Placeholder pages for sections whose provider has not landed yet (see `registry`)."""

from __future__ import annotations

from generator.site.context import SiteContext
from generator.site.md import esc, table
from generator.site.page import Page


def forms_pages(ctx: SiteContext) -> list[Page]:
    """报表 until `generator.site.forms` exists: the forms that are defined or that the
    documents name, each with its tables and the clause that prescribes it."""
    forms = ctx.forms()
    clause_of: dict[str, str] = {}
    for ref, clause in ctx.content.clauses.items():
        form = clause.data.get("form")
        if isinstance(form, dict) and form.get("id") and not form.get("table"):
            clause_of.setdefault(form["id"], ref)
    rows = []
    for form_id in sorted(set(forms) | set(clause_of)):
        form = forms.get(form_id)
        tables = "、".join(esc(t.heading or t.id) for t in form.tables) if form is not None else ""
        source = clause_of.get(form_id) or (form.source if form is not None else None)
        rows.append([
            esc(ctx.form_title(form_id)),
            f"`{form_id}`",
            esc(getattr(form, "version", "") or ""),
            tables,
            ctx.clause_link(source) if source and source in ctx.content.clauses else "",
        ])
    md = (
        "# 报表\n\n"
        "各报表的页面和空白报表（Excel）由报表定义生成，尚未接入本站；暂列出已定义或文件中规定的报表及其原文。\n\n"
        + (table(["报表", "编号", "版本", "表格", "原文"], rows) if rows else "（尚无报表。）\n")
    )
    return [Page("forms/index.md", "报表", md, "forms")]
