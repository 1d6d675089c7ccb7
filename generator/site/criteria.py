"""认定标准: criteria lists (重点查处案件, 大案要案情形, 重点领域 …), each item linked to its clause.

A criteria set may instead point into a form definition (`field: form/table/field`): the
list then comes from the forms provider (`generator.forms.site.field_options`), so a
list that the form carries is written once, in the form.
"""

from __future__ import annotations

from generator.site import registry
from generator.site.context import CRITERIA_PAGE, SiteContext
from generator.site.md import esc, heading, table
from generator.site.page import Page

FIELD_KEYS = ("field", "form_field")


def pages(ctx: SiteContext) -> list[Page]:
    return [Page(CRITERIA_PAGE, "认定标准", page(ctx), "criteria")]


def page(ctx: SiteContext) -> str:
    sets = sorted(ctx.content.criteria.values(), key=lambda c: (c.get("document", ""), c["id"]))
    parts = ["# 认定标准\n\n案件认定和分类所依据的标准与清单，每一项都链接到原文条款。\n"]
    if sets:
        parts.append("\n".join(f"- [{esc(c.get('title', c['id']))}](#{c['id']})" for c in sets) + "\n")
    else:
        parts.append("（尚无认定标准。）\n")
    for crit in sets:
        parts.append(_set(ctx, crit))
    return "\n".join(parts)


def _set(ctx: SiteContext, crit: dict) -> str:
    cid = crit["id"]
    parts = [heading(2, esc(crit.get("title", cid)), cid)]
    facts = [f"依据：{ctx.doc_link(crit.get('document', ''))}，{ctx.sources_links(crit.get('source'), with_doc=False)}"]
    if crit.get("applies_to"):
        facts.append(f"适用：{esc(crit['applies_to'])}")
    parts.append("<br>\n".join(facts) + "\n")
    if crit.get("intro"):
        parts.append(f"> {esc(crit['intro'])}\n")
    rows = []
    for n, item in enumerate(crit.get("items", []) or [], 1):
        rows.append([
            f'<span id="{cid}-{item.get("id")}"></span>{n}',
            esc(item.get("text", "")),
            esc(item.get("explanation", "")),
            ctx.sources_links(item.get("source"), with_doc=False) if item.get("source") else "",
        ])
    if rows:
        parts.append(table(["序号", "情形", "说明", "来源"], rows))
    ref = next((crit[k] for k in FIELD_KEYS if crit.get(k)), None)
    if ref:
        parts.append(_from_form(ctx, cid, ref))
    return "\n".join(parts)


def _from_form(ctx: SiteContext, cid: str, ref: str) -> str:
    fn = registry.optional("generator.forms.site", "field_options")
    options = list(fn(ctx.project, ref)) if fn else []
    form_id = ref.split("/")[0]
    if not options:
        return f"此清单取自报表定义 {ctx.form_link(form_id)}（{esc(ref)}），报表定义尚未提供。\n"
    rows = [[f'<span id="{cid}-option-{n}"></span>{n}', esc(o)] for n, o in enumerate(options, 1)]
    return f"以下各项取自报表 {ctx.form_link(form_id)}（{esc(ref)}）：\n\n" + table(["序号", "项目"], rows)
