"""认定标准: criteria lists (重点查处案件, 大案要案情形, 重点领域 …), each item linked to its clause.

A criteria set may instead point into a form definition (`form: {id, table, field}`): the
list is then read from the form (`generator.site.forms.field_options`:
the options of a choice field, the columns of a 重点领域案件 grid), so a list the form
carries is written once, in the form.
"""

from __future__ import annotations

from generator.site.context import CRITERIA_PAGE, SiteContext
from generator.site.forms import field_options
from generator.site.md import esc, heading, table
from generator.site.page import Page


def pages(ctx: SiteContext) -> list[Page]:
    return [Page(CRITERIA_PAGE, "认定标准", page(ctx), "criteria")]


def page(ctx: SiteContext) -> str:
    sets = sorted(ctx.criteria.values(), key=lambda c: (ctx.doc_rank(c.get("document")), c["id"]))
    parts = ["# 认定标准\n\n案件认定和分类所依据的标准与清单，每一项都链接到原文条款。\n"]
    if sets:
        parts.append("\n".join(f"- [{esc(c.get('title', c['id']))}](#{c['id']}){ctx.tag(c.get('document'))}"
                               for c in sets) + "\n")
    else:
        parts.append("（尚无认定标准。）\n")
    for crit in sets:
        parts.append(_set(ctx, crit))
    return "\n".join(parts)


def _set(ctx: SiteContext, crit: dict) -> str:
    cid = crit["id"]
    parts = [heading(2, esc(crit.get("title", cid)) + ctx.tag(crit.get("document")), cid)]
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
    if isinstance(crit.get("form"), dict):
        parts.append(_from_form(ctx, cid, crit["form"]))
    return "\n".join(parts)


def _from_form(ctx: SiteContext, cid: str, ref: dict) -> str:
    """The list a criteria set takes from a form (`generator.site.forms.field_options`);
    a note where the form does not give it."""
    labels = list(field_options(ctx.project, ref))
    form_id = ref.get("id", "")
    where = _where_in_form(ctx, ref)
    where = f"“{esc(where)}”" if where else ""
    if not labels:
        return f"此清单取自报表 {ctx.form_link(form_id)} {where}的栏目，该报表尚未接入本站。\n"
    rows = [[f'<span id="{cid}-{n}"></span>{n}', esc(label)] for n, label in enumerate(labels, 1)]
    return f"以下各项取自报表 {ctx.form_link(form_id)} {where}：\n\n" + table(["序号", "项目"], rows)


def _where_in_form(ctx: SiteContext, ref: dict) -> str:
    """The table (and grid or field) a list comes from, in the form's own words."""
    form = ctx.forms().get(ref.get("id", ""))
    t = next((t for t in getattr(form, "tables", []) or [] if t.id == ref.get("table")), None)
    if t is None:
        return ""
    words = [t.heading or t.sheet]
    ka = getattr(t, "key_areas", None)
    if ref.get("field") == "key_areas" and ka is not None:
        words.append(ka.title)
    else:
        f = next((f for f in getattr(t, "fields", []) or [] if f.id == ref.get("field")), None)
        if f is not None:
            words.append(f.label)
    return " · ".join(w for w in words if w)
