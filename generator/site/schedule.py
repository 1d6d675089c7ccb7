"""时间安排: phases and every deadline, on month calendars, plus the .ics calendar files."""

from __future__ import annotations

import calendar as _cal
from datetime import date

from generator.site import deadlines as dl
from generator.site import ics, timeline
from generator.site.context import SCHEDULE_PAGE, SiteContext
from generator.site.md import esc, heading, html, table
from generator.site.page import File, Page, relative_url

ALL_ICS = "schedule/yaojian.ics"
CAMPAIGN_ICS = "schedule/{campaign}.ics"
_PHASE_COLOURS = 6  # CSS classes yj-phase-0..5


def pages(ctx: SiteContext) -> list[Page | File]:
    dues = timeline.dues(ctx)
    camps = sorted(ctx.campaigns.values(), key=lambda c: (timeline.period(c)[0] or date.min, c["id"]))
    camps.sort(key=lambda c: not ctx.ours(c.get("document")))  # the office's own campaign first
    all_phases = [p for c in camps for p in timeline.phases(c)]
    out: list[Page | File] = [
        Page(SCHEDULE_PAGE, "时间安排", page(ctx, camps, dues), "schedule"),
        File(ALL_ICS, ics.calendar_bytes("药品安全专项整治 期限", all_phases, dues, ctx.today, ctx)),
    ]
    for c in camps:
        out.append(File(CAMPAIGN_ICS.format(campaign=c["id"]),
                        ics.calendar_bytes(c.get("title", c["id"]), timeline.phases(c),
                                           [d for d in dues if d.campaign == c["id"]], ctx.today, ctx)))
    return out


def page(ctx: SiteContext, camps: list[dict], dues: list[timeline.Due]) -> str:
    parts = [
        "# 时间安排\n",
        "各专项行动的阶段和全部期限。日历文件可导入 Outlook、WPS 和手机日历"
        "（Outlook：“文件 → 打开和导出 → 导入/导出 → 导入 iCalendar (.ics)”；手机：用日历应用打开文件），"
        "每月的报送期限以重复日程导入，截止前一天 9:00 提醒。\n",
        '<p class="yj-download"><a href="yaojian.ics" download>下载全部日程（.ics）</a></p>\n',
        f"生成日期：{esc(dl.zh_date(ctx.today))}。\n",
    ]
    if not camps:
        parts.append("（尚无专项行动。）\n")
    for camp in camps:
        parts.append(_campaign(ctx, camp, [d for d in dues if d.campaign == camp["id"]]))
    parts.append(_by_event(ctx, [d for d in dues if not d.dated and not d.covered_by]))
    loose = [d for d in dues if d.dated and not d.campaign]
    if loose:
        parts.append(heading(2, "其他有日期的期限", "other"))
        parts.append(_dues_table(ctx, loose))
        parts.append(_months(SCHEDULE_PAGE, [], loose, ctx.today, "other", ctx=ctx))
    return "\n".join(parts)


def _campaign(ctx: SiteContext, camp: dict, dues: list[timeline.Due]) -> str:
    cid = camp["id"]
    start, end = timeline.period(camp)
    state, current = timeline.status(camp, ctx.today)
    phases = timeline.phases(camp)
    parts = [heading(2, esc(camp.get("title", cid)) + ctx.tag(camp.get("document")), cid)]
    facts = [
        f"地域：{esc(ctx.where(camp.get('document')))}",
        f"行动期间：{esc(dl.zh_date(start))}至{esc(dl.zh_date(end))}（原文：{esc((camp.get('period') or {}).get('text', ''))}）",
        f"状态：{esc(state)}" + (f"，当前阶段：{esc('、'.join(p.title for p in current))}" if current else ""),
        f"依据：{ctx.doc_link(camp.get('document', ''))}，{ctx.sources_links(camp.get('source'), with_doc=False)}",
    ]
    if camp.get("lead"):
        facts.insert(1, f"牵头：{ctx.org_link(camp['lead'])}")
    parts.append("<br>\n".join(facts) + "\n")
    ics_name = CAMPAIGN_ICS.format(campaign=cid).rpartition("/")[2]
    parts.append(f'<p class="yj-download"><a href="{ics_name}" download>下载本行动日程（.ics）</a></p>\n')

    parts.append(heading(3, "阶段", f"{cid}-phases"))
    rows = []
    for p in phases:
        mark = " **（当前）**" if p in current else ""
        rows.append([
            f'<span id="{p.anchor}"></span>{esc(p.title)}{mark}',
            f"{esc(dl.zh_date(p.start))}至{esc(dl.zh_date(p.end))}",
            esc(p.text),
            ctx.sources_links(p.sources, with_doc=False),
        ])
    parts.append(table(["阶段", "起止", "原文", "来源"], rows))

    dated = [d for d in dues if d.dated]
    if dated:
        parts.append(heading(3, "报送与期限", f"{cid}-deadlines"))
        parts.append(_dues_table(ctx, dated))
    parts.append(heading(3, "日历", f"{cid}-calendar"))
    parts.append(_months(SCHEDULE_PAGE, phases, [d for d in dues if d.dated], ctx.today, cid, start, end, ctx))
    return "\n".join(parts)


def _by_event(ctx: SiteContext, undated: list[timeline.Due]) -> str:
    """Deadlines counted from an event (立即, 随时, 及时, 环节结束后24小时内): no date, no calendar.
    Grouped by procedure in step order, then the duties no procedure states, by document;
    each obligation once, in the source's own words."""
    if not undated:
        return ""
    parts = [heading(2, "按事件计的期限", "relative"),
             "这些期限从某一事件起算（如“每个办案环节结束后的24小时内”），或要求“立即”“随时”“及时”办理，"
             "没有固定日期，因此不在上面的日历中。按工作流程的步骤顺序排列，期限用原文的说法。\n"]
    by_proc: dict[str, list[timeline.Due]] = {}
    duties: dict[str, list[timeline.Due]] = {}
    for d in undated:
        if d.procedure:
            by_proc.setdefault(d.procedure, []).append(d)
        else:
            duties.setdefault(d.document, []).append(d)
    procs = sorted(by_proc, key=lambda p: (ctx.doc_rank(ctx.procedures[p].get("document")), ctx.procedures[p].get("title", "")))
    for pid in procs:
        proc = ctx.procedures[pid]
        title = f"{proc.get('title', pid)}（《{ctx.doc_title(proc.get('document', ''))}》）"
        parts.append(heading(3, esc(title), f"relative-{pid}"))
        rows = []
        for d in sorted(by_proc[pid], key=lambda d: d.step):
            step = ctx.procedures[pid]["steps"][d.step - 1]
            rows.append([f"[第{d.step}步](/{d.target})" + ctx.tag(proc.get("document")), esc(step.get("action", "")),
                         esc(d.who), esc(_when(d.deadline)), ctx.sources_links(d.sources, with_doc=False)])
        parts.append(table(["步骤", "事项", "执行", "期限", "来源"], rows))
    for doc in sorted(duties, key=ctx.doc_rank):
        parts.append(heading(3, esc(f"其他职责（《{ctx.doc_title(doc)}》）"), f"relative-duties-{doc}"))
        rows = [[f"[{esc(d.title)}](/{d.target})" + ctx.tag(doc), esc(d.who), esc(_when(d.deadline)),
                 ctx.sources_links(d.sources, with_doc=False)] for d in duties[doc]]
        parts.append(table(["职责", "执行", "期限", "来源"], rows))
    return "\n".join(parts)


def _when(deadline: dict) -> str:
    """A deadline counted from an event, in the source's words where it has them."""
    said = dl.describe(deadline)
    text = str(deadline.get("text") or "").strip()
    if deadline.get("kind") == "relative" and text and text not in said:
        return f"{said}（原文：{text}）"
    return said


def _dues_table(ctx: SiteContext, dues: list[timeline.Due]) -> str:
    rows = []
    for d in sorted(dues, key=lambda d: (d.dates[0] if d.dates else date.max, d.uid)):
        anchor = d.target.partition("#")[2]
        own = d.target.startswith(SCHEDULE_PAGE + "#")
        title = esc(d.title)
        if own:
            title = f'<span id="{anchor}"></span>{title}'
        else:
            title = f"[{title}](/{d.target})"
        title += ctx.tag(d.document)
        if d.form:
            title += f"<br>报表：{ctx.form_link(d.form)}"
        when = esc(dl.describe(d.deadline))
        if d.dates and len(d.dates) > 1:
            when += "<br><small>" + esc("、".join(f"{x.month}月{x.day}日" for x in d.dates)) + "</small>"
        rows.append([title, esc(d.who), when, esc(d.deadline.get("text", "")),
                     ctx.sources_links(d.sources, with_doc=False)])
    return table(["事项", "执行", "期限", "原文", "来源"], rows)


def _months(page: str, phases, dues, today: date, key: str, start: date | None = None, end: date | None = None,
            ctx: SiteContext | None = None) -> str:
    """Month grids from the first to the last day that matters (raw HTML, kept out of search)."""
    days = [p.start for p in phases] + [p.end for p in phases] + [x for d in dues for x in d.dates]
    days += [x for x in (start, end) if x]
    if not days:
        return ""
    first, last = min(days), max(days)
    if (last.year - first.year) * 12 + last.month - first.month > 36:  # keep the page bounded
        last = date(first.year + 3, first.month, 1)
    marks: dict[date, list[timeline.Due]] = {}
    for d in dues:
        for x in d.dates:
            marks.setdefault(x, []).append(d)
    # Every phase has its own colour and its own bar: phases overlap (组织实施 runs beside
    # 动员部署, 专项检查 and 督导检查 inside it), so none may hide another.
    colour = {p.anchor: i % _PHASE_COLOURS for i, p in enumerate(phases)}
    legend = "".join(
        f'<span class="yj-legend yj-phase-{colour[p.anchor]}">{html(p.title)}</span>' for p in phases
    )
    out = [f'<div class="yj-calendar" data-search-exclude id="{key}-months">']
    if legend:
        out.append(f'<p class="yj-legend-row">{legend}<span class="yj-legend yj-due">期限</span></p>')
        out.append(_gantt(phases, colour, first, last))
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(_month(page, y, m, phases, colour, marks, today, ctx))
        m += 1
        if m > 12:
            y, m = y + 1, 1
    out.append("</div>\n")
    return "".join(out)


def _gantt(phases, colour, first: date, last: date) -> str:
    """One bar per phase over the campaign's months: overlapping phases side by side."""
    span = (last - first).days + 1
    rows = ['<div class="yj-gantt">']
    for p in phases:
        left = 100 * (p.start - first).days / span
        width = max(100 * ((p.end - p.start).days + 1) / span, 0.8)
        rows.append(
            f'<div class="yj-gantt-row"><span class="yj-gantt-label">{html(p.title)}</span>'
            f'<span class="yj-gantt-track"><span class="yj-gantt-bar yj-phase-{colour[p.anchor]}" '
            f'style="left:{left:.2f}%;width:{width:.2f}%" title="{html(dl.zh_date(p.start))}至{html(dl.zh_date(p.end))}">'
            f'</span></span><span class="yj-gantt-dates">{p.start.month}月{p.start.day}日—{p.end.month}月{p.end.day}日</span></div>')
    rows.append("</div>")
    return "".join(rows)


def _month(page, y, m, phases, colour, marks, today, ctx=None) -> str:
    rows = [f'<table class="yj-month"><caption>{y}年{m}月</caption><thead><tr>']
    rows += [f"<th>{w}</th>" for w in "一二三四五六日"]
    rows.append("</tr></thead><tbody>")
    for week in _cal.Calendar(firstweekday=0).monthdatescalendar(y, m):
        rows.append("<tr>")
        for d in week:
            if d.month != m:
                rows.append('<td class="yj-off"></td>')
                continue
            cls = []
            here = [p for p in phases if p.start <= d <= p.end]
            if d == today:
                cls.append("yj-today")
            items = marks.get(d, [])
            if items:
                cls.append("yj-due")
            inner = f'<span class="yj-day">{d.day}</span>'
            inner += "".join(f'<span class="yj-bar yj-phase-{colour[p.anchor]}"></span>' for p in here)
            if items:
                names = "、".join(due.title + (f"（{ctx.where(due.document)}）" if ctx is not None else "")
                                 for due in items)
                inner += f'<span class="yj-due-mark" title="{html(names)}">●</span>'
            title = "、".join(p.title for p in here)
            rows.append(f'<td class="{" ".join(cls)}" title="{html(title)}">{inner}</td>')
        rows.append("</tr>")
    rows.append("</tbody></table>")
    listed = sorted(((d, due) for d, items in marks.items() for due in items if (d.year, d.month) == (y, m)),
                    key=lambda t: (t[0], t[1].title))
    if listed:
        rows.append('<ul class="yj-month-dues">')
        for d, due in listed:
            href = relative_url(page, due.target.partition("#")[0], due.target.partition("#")[2] or None)
            where = ctx.tag(due.document) if ctx is not None else ""
            rows.append(f'<li>{d.day}日 <a href="{html(href)}">{html(due.title)}</a>{where}</li>')
        rows.append("</ul>")
    return '<div class="yj-month-box">' + "".join(rows) + "</div>"


