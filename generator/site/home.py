"""首页: each campaign at a glance — where today falls, the next deadlines, the main tasks —
and the way to forms, procedures, documents and the calendar."""

from __future__ import annotations

from datetime import date

from generator.site import deadlines as dl
from generator.site import timeline
from generator.site.context import HOME_PAGE, PROCEDURE_PAGE, SCHEDULE_PAGE, SiteContext
from generator.site.md import esc, heading, table
from generator.site.page import Page


def pages(ctx: SiteContext) -> list[Page]:
    return [Page(HOME_PAGE, "首页", page(ctx), "home")]


def page(ctx: SiteContext) -> str:
    dues = timeline.dues(ctx)
    camps = sorted(ctx.campaigns.values(), key=lambda c: (timeline.period(c)[0] or date.min, c["id"]),
                   reverse=True)
    parts = [
        "# 药品安全专项整治行动\n",
        "谁做什么、何时之前、用哪张报表、依据哪一条：本站由各来源文件生成，每项职责、步骤和期限都链接到原文条款。"
        f"按生成日期（{esc(dl.zh_date(ctx.today))}）计算当前阶段和近期期限。\n",
        _shortcuts(ctx),
    ]
    for camp in camps:
        parts.append(_campaign(ctx, camp, dues))
    if ctx.procedures:
        parts.append(heading(2, "工作流程", "procedures"))
        parts.append("\n".join(
            f"- [{esc(p.get('title', p['id']))}](/{PROCEDURE_PAGE.format(proc=p['id'])})"
            + (f"：{esc(p['summary'])}" if p.get("summary") else "")
            for p in sorted(ctx.procedures.values(), key=lambda p: (p.get("document", ""), p.get("title", "")))
        ) + "\n")
    return "\n".join(parts)


def _shortcuts(ctx: SiteContext) -> str:
    items = [
        ("报表", "/forms/index.md", "下载空白报表、查看填报说明"),
        ("工作流程", "/procedures/index.md", "每个流程的步骤、期限和流程图"),
        ("时间安排", "/schedule/index.md", "阶段、期限日历，可导入 Outlook、WPS 和手机日历"),
        ("机构与职责", "/organisations/index.md", "各单位职责与工作小组名单"),
        ("认定标准", "/criteria/index.md", "重点查处案件、大案要案情形、重点领域"),
        ("文件", "/documents/index.md", "来源文件全文"),
    ]
    return "\n".join(f"- **[{esc(t)}]({target})**：{esc(d)}" for t, target, d in items) + "\n"


def _campaign(ctx: SiteContext, camp: dict, dues: list[timeline.Due]) -> str:
    cid = camp["id"]
    start, end = timeline.period(camp)
    state, current = timeline.status(camp, ctx.today)
    parts = [heading(2, esc(camp.get("title", cid)), cid)]
    line = f"{esc(camp.get('place', ''))} · {esc(dl.zh_date(start))}至{esc(dl.zh_date(end))} · "
    if state == "进行中":
        now = "、".join(p.title for p in current) or "（不在任何阶段内）"
        line += f"**进行中**，当前阶段：**{esc(now)}**"
    elif state == "未开始":
        line += f"**未开始**，{esc(dl.zh_date(start))}开始"
    else:
        line += f"**已结束**（{esc(dl.zh_date(end))}）"
    parts.append(line + "\n")

    phases = timeline.phases(camp)
    if phases:
        rows = []
        for p in phases:
            mark = "▶ " if p in current else ""
            rows.append([f"{mark}[{esc(p.title)}](/{SCHEDULE_PAGE}#{p.anchor})",
                         f"{esc(dl.zh_date(p.start))}至{esc(dl.zh_date(p.end))}"])
        parts.append(table(["阶段", "起止"], rows))

    mine = [d for d in dues if d.campaign == cid]
    nxt = timeline.upcoming(mine, ctx.today)
    if nxt:
        parts.append(heading(3, "近期期限", f"{cid}-next"))
        parts.append(_due_rows(ctx, nxt))
    elif mine:
        dated = sorted(((x, d) for d in mine for x in d.dates), key=lambda t: t[0])
        if dated:
            parts.append(heading(3, "行动期间的期限", f"{cid}-next"))
            parts.append("本行动的期限均已过去，以下为最后几项：\n")
            parts.append(_due_rows(ctx, dated[-4:]))
    parts.append(f"全部期限见[时间安排](/{SCHEDULE_PAGE}#{cid})。\n")

    tasks = camp.get("tasks", []) or []
    if tasks:
        parts.append(heading(3, "主要任务", f"{cid}-tasks"))
        lines = []
        for t in tasks:
            text = f'<span id="{cid}-task-{t.get("id")}"></span>**{esc(t.get("title", ""))}**'
            if t.get("summary"):
                text += f"：{esc(t['summary'])}"
            text += f"（{ctx.sources_links(t.get('source'), with_doc=False)}）"
            lines.append(f"- {text}")
        parts.append("\n".join(lines) + "\n")

    forms = sorted({d.form for d in mine if d.form})
    if forms:
        parts.append("报表：" + "、".join(ctx.form_link(f) for f in forms) + "\n")
    return "\n".join(parts)


def _due_rows(ctx: SiteContext, items) -> str:
    rows = []
    for day, due in items:
        rows.append([esc(dl.zh_date(day)), f"[{esc(due.title)}](/{due.target})", esc(due.who),
                     ctx.form_link(due.form) if due.form else ""])
    return table(["日期", "事项", "执行", "报表"], rows)
