"""Deadlines as data (schemas/content/common.schema.json#/$defs/deadline), for people and calendars.

`describe` says a deadline in Chinese; `occurrences` lists the dates a dated deadline falls
on (an absolute date once, a recurring one each period from start to end); relative and
immediate deadlines have no date of their own and are listed, not put on a calendar.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def zh_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def zh_duration(within: dict | None) -> str:
    if not within:
        return ""
    parts = []
    if within.get("days"):
        parts.append(f"{within['days']}日")
    if within.get("working_days"):
        parts.append(f"{within['working_days']}个工作日")
    if within.get("hours"):
        parts.append(f"{within['hours']}小时")
    return "".join(parts)


_FREQ_ZH = {"monthly": "每月", "quarterly": "每季度", "yearly": "每年", "weekly": "每周"}
_WEEKDAY_ZH = "一二三四五六日"


def describe(deadline: dict | None) -> str:
    """The deadline in plain Chinese, e.g. 每月1日前（2022年6月1日至2022年12月1日）."""
    if not deadline:
        return ""
    kind = deadline.get("kind")
    if kind == "absolute":
        return f"{zh_date(parse_date(deadline.get('date')))}前"
    if kind == "recurring":
        freq = deadline.get("freq")
        day = deadline.get("day")
        if freq == "weekly":
            what = f"每周{_WEEKDAY_ZH[(int(day) - 1) % 7]}前" if day else "每周"
        elif freq == "yearly" and deadline.get("month"):
            what = f"每年{deadline['month']}月{day}日前"
        else:
            what = f"{_FREQ_ZH.get(freq, '')}{day}日前"
        dates = occurrences(deadline)
        span = f"（{zh_date(dates[0])}至{zh_date(dates[-1])}，共{len(dates)}次）" if dates else ""
        return what + span
    if kind == "relative":
        within = zh_duration(deadline.get("within"))
        after = deadline.get("after", "")
        return f"{after}后{within}内" if within else f"{after}后及时"
    if kind == "immediate":  # the source's own word: 立即, 随时, 及时, 随到随检 …
        return str(deadline.get("text") or "及时").strip()
    return ""


def occurrences(deadline: dict | None) -> list[date]:
    """Every date a dated deadline falls on; [] for relative and immediate ones."""
    if not deadline:
        return []
    kind = deadline.get("kind")
    if kind == "absolute":
        d = parse_date(deadline.get("date"))
        return [d] if d else []
    if kind != "recurring":
        return []
    start, end = parse_date(deadline.get("start")), parse_date(deadline.get("end"))
    day = deadline.get("day")
    if not (start and end and isinstance(day, int)) or end < start:
        return []
    freq = deadline.get("freq")
    out: list[date] = []
    if freq == "weekly":
        # day 1..7 is Monday..Sunday
        d = start + timedelta(days=((day - 1) % 7 - start.weekday()) % 7)
        while d <= end:
            out.append(d)
            d += timedelta(days=7)
        return out
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}.get(freq)
    if not step:
        return []
    year, month = start.year, start.month
    if freq == "yearly" and deadline.get("month"):
        month = int(deadline["month"])
    for _ in range(2000):  # bounded, whatever the data says
        last = calendar.monthrange(year, month)[1]
        d = date(year, month, min(day, last))
        if d > end:
            break
        if d >= start:
            out.append(d)
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return out

