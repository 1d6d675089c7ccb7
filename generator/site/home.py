"""首页: each campaign at a glance — where today falls, the next deadlines, the main tasks —
and the way to forms, procedures, documents and the calendar."""

from __future__ import annotations

from datetime import date

from generator.site import deadlines as dl
from generator.site import timeline
from generator.site.context import HOME_PAGE, PROCEDURE_PAGE, SCHEDULE_PAGE, SiteContext
from generator.site.md import esc, heading, html
from generator.site.page import Page, relative_url


def pages(ctx: SiteContext) -> list[Page]:
    return [Page(HOME_PAGE, "首页", page(ctx), "home")]


def page(ctx: SiteContext) -> str:
    dues = timeline.dues(ctx)
    camps = sorted(ctx.campaigns.values(), key=lambda c: (timeline.period(c)[0] or date.min, c["id"]),
                   reverse=True)
    camps.sort(key=lambda c: not ctx.ours(c.get("document")))  # the office's own first
    ours = [c for c in camps if ctx.ours(c.get("document"))]
    others = [c for c in camps if c not in ours]
    procs = sorted(ctx.procedures.values(), key=lambda p: (ctx.doc_rank(p.get("document")), p.get("title", "")))
    own_procs = [p for p in procs if ctx.ours(p.get("document"))]
    ref_procs = [p for p in procs if p not in own_procs]
    office = ctx.profile.office
    parts = [
        f"# {esc(office) + ' · ' if office else ''}药品安全专项整治行动\n",
        "谁做什么、何时之前、用哪张报表、依据哪一条：本站由各来源文件生成，每项职责、步骤和期限都链接到原文条款。"
        f"当前阶段和近期期限按今天的日期计算（本站生成于 {esc(dl.zh_date(ctx.today))}）。"
        + ("其他地方的文件列在“参考文件”下，标有“参考”。" if others or ref_procs else "") + "\n",
        # 我的待报: filled in by theme/assets/javascripts/yaojian-portal.js for a logged-in unit
        # when the site is served by `yaojian serve`; hidden on a plain static copy.
        '<div class="yj-mine" data-yj-mine hidden></div>\n',
        _shortcuts(ctx),
    ]
    for camp in ours:
        parts.append(_campaign(ctx, camp, dues))
    if own_procs:
        parts.append(heading(2, "工作流程", "procedures"))
        parts.append(_procedure_list(ctx, own_procs))
    if others or ref_procs:
        parts.append(heading(2, "参考文件", "reference"))
        parts.append("以下内容来自其他地方的文件，供参考，不是本办的规定。\n")
        for camp in others:
            parts.append(_campaign(ctx, camp, dues, level=3))
        if ref_procs:
            parts.append(heading(3, "其他地方的工作流程", "reference-procedures"))
            parts.append(_procedure_list(ctx, ref_procs))
    return "\n".join(parts)


def _procedure_list(ctx: SiteContext, procs: list[dict]) -> str:
    return "\n".join(
        f"- [{esc(p.get('title', p['id']))}](/{PROCEDURE_PAGE.format(proc=p['id'])}){ctx.tag(p.get('document'))}"
        + (f"：{esc(p['summary'])}" if p.get("summary") else "")
        for p in procs
    ) + "\n"


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


NEXT = 6  # deadlines shown as "next"
LAST = 4  # deadlines shown once all have passed


def _campaign(ctx: SiteContext, camp: dict, dues: list[timeline.Due], level: int = 2) -> str:
    """The campaign at a glance.  Status, current phase and next deadlines are computed for
    the build date; on screen, theme/assets/javascripts/yaojian-home.js recomputes them for
    the reader's date from the data-* attributes (a site is not rebuilt every day)."""
    cid = camp["id"]
    start, end = timeline.period(camp)
    state, current = timeline.status(camp, ctx.today)
    parts = [heading(level, esc(camp.get("title", cid)) + ctx.tag(camp.get("document")), cid)]
    parts.append(
        f'<div class="yj-glance" data-yj-campaign data-start="{start or ""}" data-end="{end or ""}">'
        f'<p>{html(ctx.where(camp.get("document")))} · {html(dl.zh_date(start))}至{html(dl.zh_date(end))} · '
        f'<span data-yj="status">{_status_html(state, current, start, end)}</span></p>'
    )
    phases = timeline.phases(camp)
    if phases:
        rows = []
        for p in phases:
            cls = ' class="yj-current"' if p in current else ""
            href = relative_url(HOME_PAGE, SCHEDULE_PAGE, p.anchor)
            rows.append(f'<tr data-start="{p.start}" data-end="{p.end}" data-title="{html(p.title)}"{cls}>'
                        f'<td><span class="yj-now">▶ </span><a href="{html(href)}">{html(p.title)}</a>{ctx.tag(camp.get("document"))}</td>'
                        f"<td>{html(dl.zh_date(p.start))}至{html(dl.zh_date(p.end))}</td></tr>")
        parts.append('<table data-yj="phases"><thead><tr><th>阶段</th><th>起止</th></tr></thead><tbody>'
                     + "".join(rows) + "</tbody></table>")

    mine = [d for d in dues if d.campaign == cid]
    dated = sorted(((x, d) for d in mine for x in d.dates), key=lambda t: (t[0], t[1].title))
    if dated:
        upcoming = [i for i, (x, _) in enumerate(dated) if x >= ctx.today][:NEXT]
        shown = set(upcoming) if upcoming else set(range(max(0, len(dated) - LAST), len(dated)))
        parts.append(f'<h3 id="{cid}-next">近期期限</h3>')
        parts.append(f'<p data-yj="over"{" hidden" if upcoming else ""}>本行动的期限均已过去，以下为最后几项：</p>')
        rows = []
        for i, (x, due) in enumerate(dated):
            hidden = "" if i in shown else " hidden"
            href = relative_url(HOME_PAGE, due.target.partition("#")[0], due.target.partition("#")[2] or None)
            form = ""
            if due.form:
                form = (f'<a href="{html(relative_url(HOME_PAGE, ctx.form_target(due.form)))}">'
                        f"{html(ctx.form_title(due.form))}</a>")
            rows.append(f'<tr data-date="{x}"{hidden}><td>{html(dl.zh_date(x))}</td>'
                        f'<td><a href="{html(href)}">{html(due.title)}</a>{ctx.tag(due.document)}</td><td>{html(due.who)}</td>'
                        f"<td>{form}</td></tr>")
        parts.append('<table data-yj="next"><thead><tr><th>日期</th><th>事项</th><th>执行</th><th>报表</th></tr>'
                     "</thead><tbody>" + "".join(rows) + "</tbody></table>")
    parts.append("</div>\n")
    parts.append(f"全部期限见[时间安排](/{SCHEDULE_PAGE}#{cid})。\n")

    tasks = camp.get("tasks", []) or []
    if tasks:
        parts.append(heading(level + 1, "主要任务", f"{cid}-tasks"))
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


def _status_html(state: str, current, start, end) -> str:
    if state == "进行中":
        now = "、".join(p.title for p in current) or "（不在任何阶段内）"
        return f"<strong>进行中</strong>，当前阶段：<strong>{html(now)}</strong>"
    if state == "未开始":
        return f"<strong>未开始</strong>，{html(dl.zh_date(start))}开始"
    return f"<strong>已结束</strong>（{html(dl.zh_date(end))}）"
