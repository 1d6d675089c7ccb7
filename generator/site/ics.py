"""The calendar file (.ics, RFC 5545) that Outlook, WPS and phone calendars import.

Phases are all-day events spanning their dates; a dated deadline is an all-day event on
its day with a reminder at 9:00 the day before; a recurring deadline (月报) is one event
with a recurrence rule (RRULE), not a pile of copies.  Relative deadlines ("24小时内")
have no date and are not in the calendar.  UIDs are stable, so importing a newer file
updates events instead of duplicating them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from generator.site import deadlines as dl
from generator.site.timeline import Due, Phase

_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def rrule(deadline: dict, first, last) -> dict | None:
    """The RRULE (as icalendar's dict) of a recurring deadline, or None."""
    if deadline.get("kind") != "recurring":
        return None
    freq, day = deadline.get("freq"), deadline.get("day")
    if freq == "monthly":
        return {"FREQ": "MONTHLY", "BYMONTHDAY": day, "UNTIL": last}
    if freq == "quarterly":
        return {"FREQ": "MONTHLY", "INTERVAL": 3, "BYMONTHDAY": day, "UNTIL": last}
    if freq == "yearly":
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYMONTHDAY": day, "UNTIL": last}
    if freq == "weekly":
        return {"FREQ": "WEEKLY", "BYDAY": _WEEKDAYS[(int(day) - 1) % 7], "UNTIL": last}
    return None


def _source_text(ctx, sources) -> str:
    """"依据：《文件》条款（东营区 · 2017 · 参考）" for a calendar description."""
    if ctx is None or not sources:
        return ""
    cited = "；".join(f"《{ctx.doc_title(r.partition('#')[0])}》{ctx.clause_label(r)}" for r in sources)
    return f"依据：{cited}"


def _where(ctx, doc_id) -> str:
    text = ctx.where(doc_id) if ctx is not None else ""
    return f"（{text}）" if text else ""


def calendar_bytes(name: str, phases: list[Phase], dues: list[Due], stamp_date, ctx=None) -> bytes:
    """The calendar; with the site's context, every event's summary and description say the
    place and year of its document (and 参考 for other places') and cite its clause."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//yaojian//药监 工作流程网站//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = datetime.combine(stamp_date, time(0, 0), tzinfo=timezone.utc)

    for p in phases:
        ev = Event()
        ev.add("uid", f"{p.anchor}@yaojian")
        ev.add("dtstamp", stamp)
        doc = (ctx.campaigns.get(p.campaign) or {}).get("document") if ctx is not None else None
        camp_title = (ctx.campaigns.get(p.campaign) or {}).get("title", "") if ctx is not None else ""
        ev.add("summary", f"{p.title}{_where(ctx, doc)}")
        ev.add("dtstart", p.start)
        ev.add("dtend", p.end + timedelta(days=1))  # all-day: DTEND is exclusive
        lines = [x for x in (f"{camp_title}{_where(ctx, doc)}" if camp_title else "", f"原文：{p.text}",
                             _source_text(ctx, p.sources)) if x]
        ev.add("description", "\n".join(lines))
        ev.add("transp", "TRANSPARENT")
        ev.add("categories", ["阶段"])
        cal.add_component(ev)

    for due in dues:
        if not due.dates:
            continue
        ev = Event()
        ev.add("uid", f"{due.uid}@yaojian")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"截止：{due.title}{_where(ctx, due.document)}")
        ev.add("dtstart", due.dates[0])
        ev.add("dtend", due.dates[0] + timedelta(days=1))
        rule = rrule(due.deadline, due.dates[0], due.dates[-1])
        if rule and len(due.dates) > 1:
            ev.add("rrule", rule)
        lines = [f"期限：{dl.describe(due.deadline)}", f"原文：{due.deadline.get('text', '')}"]
        if due.who:
            lines.insert(0, f"执行：{due.who}")
        if ctx is not None:
            lines.insert(0, f"地域：{ctx.where(due.document)}")
            if due.sources:
                lines.append(_source_text(ctx, due.sources))
        ev.add("description", "\n".join(lines))
        ev.add("transp", "TRANSPARENT")
        ev.add("categories", ["期限"])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"明天截止：{due.title}")
        alarm.add("trigger", timedelta(hours=-15))  # 9:00 the day before
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
