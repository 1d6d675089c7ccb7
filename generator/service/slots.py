"""What is due when: the filing slots (form × period, with a due date) of a campaign.

Derived from the campaign's `reporting` entries in content/campaigns/, never written
down here:

- a `recurring` deadline (`freq: monthly`, `day: 1`, `start`, `end`) gives one due date
  per month from `start` to `end`; a monthly report due in a month covers the month
  before it (the filing for May is due by 2022-06-01, 填表须知 2: figures to the date);
  `freq: quarterly` likewise gives one per quarter, covering the quarter before;
- an `absolute` deadline gives one due date; its period is the month or quarter holding
  that date, or the whole campaign (`period: campaign`).

"……前" reads "no later than that day" (the campaign file says so): a filing received on
the due date, office time, is on time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from generator.site.deadlines import occurrences
from generator.yamlcache import read_folder

# Office time: China Standard Time has no daylight saving.
OFFICE_TZ = timezone(timedelta(hours=8), "北京时间")

_QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class ScheduleError(Exception):
    """The campaign data gives no usable reporting schedule; the message is Chinese."""


@dataclass(frozen=True)
class Slot:
    """One filing a unit owes: a form for a period, due on a date."""

    form: str
    period: str  # "2022-05", "2022-Q2", or the campaign id
    label: str  # 2022年5月
    kind: str  # month quarter campaign
    due: date
    start: date  # first day the period covers
    end: date  # last day the period covers
    reporting: str  # the reporting entry's id
    title: str  # the reporting entry's title
    deadline_text: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.form, self.period)

    @property
    def due_label(self) -> str:
        return f"{self.due.year}年{self.due.month}月{self.due.day}日前"

    def is_past_due(self, now: datetime) -> bool:
        return office_date(now) > self.due

    def on_time(self, received: datetime) -> bool:
        return office_date(received) <= self.due


def office_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(OFFICE_TZ).date()


@dataclass
class Schedule:
    campaign: str
    title: str
    place: str
    recipient: str | None  # organisation id the units report to
    recipient_name: str | None
    slots: list[Slot] = field(default_factory=list)
    form_titles: dict[str, str] = field(default_factory=dict)
    cumulative_forms: set[str] = field(default_factory=set)  # forms whose figures are running totals

    def forms(self) -> list[str]:
        seen: list[str] = []
        for s in self.slots:
            if s.form not in seen:
                seen.append(s.form)
        return seen

    def slots_of(self, form: str) -> list[Slot]:
        return [s for s in self.slots if s.form == form]

    def slot(self, form: str, period: str) -> Slot | None:
        return next((s for s in self.slots if s.form == form and s.period == period), None)

    def previous(self, slot: Slot) -> Slot | None:
        """The same form's slot for the period before (None for the first)."""
        same = self.slots_of(slot.form)
        i = same.index(slot)
        return same[i - 1] if i > 0 else None

    def periods(self) -> list[tuple[str, str]]:
        """(period, label) in due order, each once."""
        out: dict[str, str] = {}
        for s in self.slots:
            out.setdefault(s.period, s.label)
        return list(out.items())

    def current(self, form: str, today: date) -> Slot | None:
        """The slot a unit most likely files now: the first not yet past due, else the last."""
        same = self.slots_of(form)
        for s in same:
            if s.due >= today:
                return s
        return same[-1] if same else None

    def office_name(self) -> str:
        """The name the district's own roll-up is filed under."""
        name = self.recipient_name or "工作小组办公室"
        if self.place and not name.startswith(self.place):
            name = self.place + name
        return name


def _d(value) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _month_slot(entry: dict, due: date, month_start: date, text: str) -> Slot:
    end = _add_months(month_start, 1) - timedelta(days=1)
    return Slot(
        form=entry["form"], period=f"{month_start.year}-{month_start.month:02d}",
        label=f"{month_start.year}年{month_start.month}月", kind="month", due=due,
        start=month_start, end=end, reporting=entry["id"], title=entry["title"], deadline_text=text,
    )


def _quarter_slot(entry: dict, due: date, year: int, quarter: int, text: str) -> Slot:
    start = date(year, 3 * quarter - 2, 1)
    end = _add_months(start, 3) - timedelta(days=1)
    return Slot(
        form=entry["form"], period=f"{year}-Q{quarter}", label=f"{year}年{_QUARTER_ZH[quarter]}", kind="quarter",
        due=due, start=start, end=end, reporting=entry["id"], title=entry["title"], deadline_text=text,
    )


def slots_of_entry(entry: dict, campaign: dict) -> list[Slot]:
    """The slots one reporting entry gives (none for deadlines without a date)."""
    if not entry.get("form"):
        return []
    deadline = entry.get("deadline") or {}
    kind = deadline.get("kind")
    period = entry.get("period") or "month"
    text = deadline.get("text", "")
    out: list[Slot] = []
    if kind == "recurring":
        # Each due date (as the calendar has them) closes the month or quarter before it.
        freq = deadline.get("freq")
        if freq not in ("monthly", "quarterly"):
            return []
        for due in occurrences(deadline):
            month = date(due.year, due.month, 1)
            if freq == "monthly":
                out.append(_month_slot(entry, due, _add_months(month, -1), text))
            else:
                prev = _add_months(month, -3)
                out.append(_quarter_slot(entry, due, prev.year, (prev.month - 1) // 3 + 1, text))
    elif kind == "absolute":
        due = _d(deadline["date"])
        if period == "month":
            out.append(_month_slot(entry, due, date(due.year, due.month, 1), text))
        elif period == "quarter":
            out.append(_quarter_slot(entry, due, due.year, (due.month - 1) // 3 + 1, text))
        else:
            span = campaign.get("period") or {}
            out.append(Slot(
                form=entry["form"], period=campaign["id"], label="整个行动期间", kind="campaign", due=due,
                start=_d(span.get("start", due)), end=_d(span.get("end", due)), reporting=entry["id"],
                title=entry["title"], deadline_text=text,
            ))
    return out


def campaigns_with_reporting(content_dir: Path) -> list[dict]:
    out = []
    for _path, data in read_folder(content_dir / "campaigns", "campaigns"):
        if isinstance(data, dict) and any(e.get("form") for e in data.get("reporting") or ()):
            out.append(data)
    return out


def _organisation_names(content_dir: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for _path, data in read_folder(content_dir / "organisations", "organisations"):
        data = data or {}
        for org in data.get("organisations") or ():
            if isinstance(org, dict) and "id" in org:
                names[org["id"]] = org.get("name", org["id"])
    return names


def _forms_facts(forms_dir: Path) -> tuple[dict[str, str], set[str]]:
    """(title by form id, ids of forms with a cumulative table)."""
    from generator.forms.model import load_forms

    forms = load_forms(forms_dir)
    titles = {fid: f.title for fid, f in forms.items()}
    cumulative = {fid for fid, f in forms.items() if any(t.cumulative for t in f.tables)}
    return titles, cumulative


def load_schedule(project, campaign: str | None = None) -> Schedule:
    """The schedule of `campaign` (by id), or of the only campaign with form reporting."""
    found = campaigns_with_reporting(project.content)
    if campaign:
        found = [c for c in found if c.get("id") == campaign]
        if not found:
            raise ScheduleError(f"content/campaigns/ 中没有带报表报送安排的专项行动「{campaign}」。")
    if not found:
        raise ScheduleError("content/campaigns/ 中没有任何带报表报送安排（reporting 的 form）的专项行动。")
    if len(found) > 1:
        ids = "、".join(c["id"] for c in found)
        raise ScheduleError(f"有多个专项行动带报表报送安排（{ids}）；请用 --campaign 指定一个。")
    data = found[0]
    slots: list[Slot] = []
    for entry in data.get("reporting") or ():
        slots.extend(slots_of_entry(entry, data))
    forms_order = {f: i for i, f in enumerate(dict.fromkeys(s.form for s in slots))}
    slots.sort(key=lambda s: (s.due, forms_order[s.form]))
    recipients = [r for e in data.get("reporting") or () for r in _as_list(e.get("recipient"))]
    recipient = recipients[0] if recipients else None
    names = _organisation_names(project.content)
    titles, cumulative = _forms_facts(project.forms)
    return Schedule(
        campaign=data["id"], title=data.get("title", data["id"]), place=data.get("place", ""),
        recipient=recipient, recipient_name=names.get(recipient) if recipient else None,
        slots=slots, form_titles=titles, cumulative_forms=cumulative,
    )


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
