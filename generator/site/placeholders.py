"""Placeholder pages for sections whose provider has not landed yet (see `registry`)."""

from __future__ import annotations

from generator.site.context import SiteContext
from generator.site.md import esc, table
from generator.site.page import Page


def forms_pages(ctx: SiteContext) -> list[Page]:
    """报表 until `generator.forms.site` exists: the forms the documents name, with their clauses."""
    rows = []
    for ref, clause in ctx.content.clauses.items():
        form = clause.data.get("form")
        if isinstance(form, dict) and form.get("id") and not form.get("table"):
            rows.append([esc(ctx.form_title(form["id"])), f"`{form['id']}`", ctx.clause_link(ref)])
    md = (
        "# 报表\n\n"
        "各报表的页面和空白报表（Excel）由报表定义生成，报表定义尚未提供，暂列出文件中规定的报表及其原文。\n\n"
        + (table(["报表", "编号", "原文"], rows) if rows else "（文件中没有规定报表。）\n")
    )
    return [Page("forms/index.md", "报表", md, "forms")]
