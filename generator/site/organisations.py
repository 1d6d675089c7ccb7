"""机构与职责: a page per organisation — its duties across all documents, each linked to its
clause; the procedure steps and reports it carries out; the roster of a 工作小组/领导小组."""

from __future__ import annotations

from collections import defaultdict

from generator.content import as_list
from generator.site import deadlines as dl
from generator.site.context import ORG_PAGE, PROCEDURE_PAGE, SCHEDULE_PAGE, SiteContext, step_anchor
from generator.site.md import esc, heading, table
from generator.site.page import Page

ROLE_ORDER = {"组长": 0, "副组长": 1, "办公室主任": 2, "成员": 3, "联系人": 4}
GROUP_KINDS = {"议事协调机构"}


def pages(ctx: SiteContext) -> list[Page]:
    orgs = ctx.organisations
    duties = defaultdict(list)
    received = defaultdict(list)  # responsibilities whose recipient is the organisation
    for r in ctx.responsibilities:
        for actor in as_list(r.get("actor")):
            duties[actor].append(r)
        for rec in as_list(r.get("recipient")):
            received[rec].append(r)
    steps = defaultdict(list)  # org -> (procedure, n, step, as)
    for proc in ctx.procedures.values():
        for n, step in enumerate(proc.get("steps", []) or [], 1):
            for actor in as_list(step.get("actor")):
                steps[actor].append((proc, n, step, "执行"))
            for rec in as_list(step.get("recipient")):
                steps[rec].append((proc, n, step, "接收"))
    reports = defaultdict(list)
    for camp in ctx.campaigns.values():
        for rep in camp.get("reporting", []) or []:
            for actor in as_list(rep.get("actor")):
                reports[actor].append((camp, rep, "报送"))
            for rec in as_list(rep.get("recipient")):
                reports[rec].append((camp, rep, "接收"))
    places = _places(ctx)
    related = _related(ctx)
    documents = _documents(ctx)
    out = []
    ordered = sorted(orgs.items(), key=lambda kv: (not _ours(ctx, kv[0]), places.get(kv[0], ""), kv[1].get("kind") == "泛称",
                                                   kv[1].get("name", "")))
    for order, (org_id, org) in enumerate(ordered):
        title = _title(org, ctx.org_where(org_id))
        md = org_page(ctx, org, title, duties[org_id], steps[org_id], reports[org_id], received[org_id], related,
                      documents)
        out.append(Page(ORG_PAGE.format(org=org_id), title, md, "organisations", order))
    out.append(Page("organisations/index.md", "机构与职责", index_page(ctx, duties, steps, reports), "organisations"))
    return out


def _ours(ctx: SiteContext, org_id: str) -> bool:
    return any(ctx.ours(d) for d in ctx.org_docs(org_id))


def _places(ctx: SiteContext) -> dict[str, str]:
    return {
        org["id"]: data.get("place", "")
        for _, data in ctx.content.items("organisations")
        for org in data.get("organisations", []) or []
        if isinstance(org, dict) and "id" in org
    }


def _documents(ctx: SiteContext) -> dict[int, str]:
    """id(responsibility) -> the document its file is about."""
    return {
        id(r): data.get("document", "")
        for _, data in ctx.content.items("responsibilities")
        for r in data.get("responsibilities", []) or []
    }


def index_page(ctx: SiteContext, duties, steps, reports) -> str:
    orgs = ctx.organisations
    places = defaultdict(list)
    for source, data in ctx.content.items("organisations"):
        for org in data.get("organisations", []) or []:
            if org.get("id") in orgs:
                places[data.get("place", "")].append(org)
    parts = ["# 机构与职责\n\n各机构在各文件中的职责、承担的流程步骤和报送任务，每条都链接到原文条款。\n"]
    groups = sorted((o for o in orgs.values() if o.get("members")), key=lambda o: not _ours(ctx, o["id"]))
    if groups:
        parts.append(heading(2, "工作小组与领导小组", "groups"))
        rows = []
        for g in groups:
            lead = [m for m in g.get("members", []) if m.get("role") == "组长"]
            rows.append([
                f"[{esc(g.get('name', g['id']))}](/{ORG_PAGE.format(org=g['id'])}#members){ctx.org_tag(g['id'])}",
                esc("、".join(m.get("name", "") for m in lead)),
                str(len(g.get("members", []))),
                ctx.org_link(g["office"]) if g.get("office") else "",
            ])
        parts.append(table(["名称", "组长", "人数", "办公室"], rows))
    ranked = sorted(places.items(), key=lambda kv: not any(_ours(ctx, o["id"]) for o in kv[1]))
    for n, (place, members) in enumerate(ranked, 1):
        parts.append(heading(2, esc(place or "其他"), f"place-{n}"))
        rows = []
        for org in members:
            oid = org["id"]
            rows.append([
                ctx.org_link(oid) + ctx.org_tag(oid),
                esc(org.get("kind", "")),
                str(len(duties.get(oid, []))),
                str(len(steps.get(oid, []))),
                str(len(reports.get(oid, []))),
            ])
        parts.append(table(["机构", "类别", "职责", "流程步骤", "报送"], rows))
    return "\n".join(parts)


def _related(ctx: SiteContext) -> dict[str, dict[str, list[str]]]:
    """relation ("parent", "office", "hosted_by") -> target organisation -> the organisations pointing there."""
    out: dict[str, dict[str, list[str]]] = {"parent": defaultdict(list), "office": defaultdict(list),
                                            "hosted_by": defaultdict(list)}
    for oid, org in ctx.organisations.items():
        for key in out:
            if org.get(key):
                out[key][org[key]].append(oid)
    return out


def _title(org: dict, where: str) -> str:
    """An organisation's page title: its name with its place and year (区市场监管局 is a
    different office in 东营区 and in 永川区), and 参考 for other places' documents."""
    name = org.get("name", org["id"])
    return f"{name}（{where}）" if where else name


def org_page(ctx: SiteContext, org: dict, title: str, duties: list, steps: list, reports: list, received: list,
             related: dict[str, dict[str, list[str]]], documents: dict[int, str]) -> str:
    oid = org["id"]
    parts = [f"# {esc(title)}\n"]
    rows = []

    def row(label, value):
        if value:
            rows.append([label, value])

    row("简称", esc(org.get("short_name", "")))
    row("别称", esc("、".join(org.get("aliases", []) or [])))
    row("类别", esc(org.get("kind", "")))
    row("上级", ctx.org_link(org["parent"]) if org.get("parent") else "")
    row("办公室", ctx.org_link(org["office"]) if org.get("office") else "")
    row("设在", ctx.org_link(org["hosted_by"]) if org.get("hosted_by") else "")
    row("说明", esc(org.get("description", "")))
    row("依据", ctx.sources_links(org.get("source")) if org.get("source") else "")
    row("下属", "、".join(ctx.org_link(o) for o in related["parent"].get(oid, [])))
    row("所属议事协调机构", "、".join(ctx.org_link(o) for o in related["office"].get(oid, [])))
    row("设在本机构的办公室", "、".join(ctx.org_link(o) for o in related["hosted_by"].get(oid, [])))
    if rows:
        parts.append('<div class="yj-meta" markdown>\n\n' + table(["项目", "内容"], rows) + "\n</div>\n")

    if org.get("members"):
        parts.append(heading(2, "成员名单", "members"))
        members = sorted(org["members"], key=lambda m: ROLE_ORDER.get(m.get("role"), 9))
        parts.append(table(["职务", "姓名", "职务（原文）", "单位", "电话", "来源"], [[
            esc(m.get("role", "")),
            esc(m.get("name", "")),
            esc(m.get("title", "")),
            ctx.org_link(m["organisation"]) if m.get("organisation") else "",
            esc(m.get("phone", "")),
            ctx.sources_links(m.get("source"), with_doc=False) if m.get("source") else "",
        ] for m in members]))

    parts.append(heading(2, "职责", "duties"))
    if not duties:
        parts.append("文件中没有为本机构单列职责。\n")
    by_doc = defaultdict(list)
    for r in duties:
        by_doc[documents.get(id(r)) or _doc_of(r)].append(r)
    for doc, items in by_doc.items():
        parts.append(heading(3, f"《{esc(ctx.doc_title(doc))}》{ctx.tag(doc)}", f"duties-{doc}" if doc else None))
        for r in items:
            parts.append(_duty(ctx, r, oid))

    if received:
        parts.append(heading(2, "向本机构报告、通报或移送的事项", "received"))
        parts.append(table(["事项", "由谁", "期限", "来源"], [[
            (f"[{esc(r.get('duty', ''))}](/{ORG_PAGE.format(org=as_list(r.get('actor'))[0])}#{r['id']})"
             if as_list(r.get("actor")) else esc(r.get("duty", ""))) + ctx.tag(documents.get(id(r)) or _doc_of(r)),
            ctx.orgs_links(r.get("actor")),
            esc(dl.describe(r.get("deadline"))),
            ctx.sources_links(r.get("source"), with_doc=False),
        ] for r in received]))

    if steps:
        parts.append(heading(2, "参与的工作流程", "procedures"))
        rows = []
        for proc, n, step, how in steps:
            rows.append([
                f"[{esc(proc.get('title', proc['id']))}](/{PROCEDURE_PAGE.format(proc=proc['id'])}"
                f"#{step_anchor(step.get('id', ''))}) 第{n}步{ctx.tag(proc.get('document'))}",
                how,
                esc(step.get("action", "")),
                esc(dl.describe(step.get("deadline"))),
            ])
        parts.append(table(["流程", "角色", "动作", "期限"], rows))

    if reports:
        parts.append(heading(2, "报送任务", "reporting"))
        rows = []
        for camp, rep, how in reports:
            rows.append([
                f"[{esc(rep.get('title', ''))}](/{SCHEDULE_PAGE}#{camp['id']}-report-{rep.get('id')}){ctx.tag(camp.get('document'))}",
                how,
                esc(dl.describe(rep.get("deadline"))),
                ctx.form_link(rep["form"]) if rep.get("form") else "",
            ])
        parts.append(table(["报送", "角色", "期限", "报表"], rows))
    return "\n".join(parts)


def _doc_of(r: dict) -> str:
    src = as_list(r.get("source"))
    return src[0].partition("#")[0] if src else ""


def _duty(ctx: SiteContext, r: dict, page_org: str) -> str:
    lines = [f"**{esc(r.get('duty', ''))}**"]
    if r.get("topic"):
        lines[0] += f" <span class=\"yj-topic\">{esc(r['topic'])}</span>"
    if r.get("discretionary"):
        lines[0] += ' <span class="yj-topic" title="原文用“可”“可以”：可选做法（职权），不是必须">可选</span>'
    block = [f'<div class="yj-duty" id="{r["id"]}" markdown>\n', lines[0] + "\n"]
    if r.get("quote"):
        block.append(f"> {esc(r['quote'])}\n")
    facts = []
    if r.get("condition"):
        facts.append(f"适用：{esc(r['condition'])}")
    if r.get("recipient"):
        facts.append(f"对象：{ctx.orgs_links(r['recipient'])}")
    if r.get("deadline"):
        said, text = dl.describe(r["deadline"]), r["deadline"].get("text", "")
        facts.append(f"期限：{esc(said)}" + (f"（原文：{esc(text)}）" if text and text != said else ""))
    others = [a for a in as_list(r.get("actor")) if a != page_org]
    if len(as_list(r.get("actor"))) > 1:
        facts.append("共同承担：" + ctx.orgs_links(others))
    if r.get("procedure") and r["procedure"] in ctx.procedures:
        proc = ctx.procedures[r["procedure"]]
        facts.append(f"流程：[{esc(proc.get('title', r['procedure']))}](/{PROCEDURE_PAGE.format(proc=r['procedure'])})")
    facts.append("来源：" + ctx.sources_links(r.get("source"), with_doc=False))
    block.append("<br>\n".join(facts) + "\n")
    block.append("</div>\n")
    return "\n".join(block)
