"""Campaign time: phases, every deadline (reports, duties, procedure steps), and where today
falls.  Shared by 首页, 时间安排 and the calendar file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from generator.content import as_list
from generator.site import deadlines as dl
from generator.site.context import ORG_PAGE, PROCEDURE_PAGE, SCHEDULE_PAGE, SiteContext, step_anchor


@dataclass
class Due:
    """A deadline somebody has to meet, wherever the content states it."""

    uid: str  # stable, unique: for anchors and calendar UIDs
    title: str  # what is due
    who: str  # actor names
    deadline: dict
    target: str  # docs path + anchor where it is described in full
    sources: list[str]
    document: str
    campaign: str | None = None
    form: str | None = None
    dates: list[date] = field(default_factory=list)
    procedure: str | None = None  # a procedure step's procedure id, and its step number
    step: int = 0
    covered_by: str | None = None  # a duty: the procedure whose steps state the same obligation

    @property
    def dated(self) -> bool:
        return bool(self.dates)


@dataclass
class Phase:
    campaign: str
    id: str
    title: str
    start: date
    end: date
    text: str
    sources: list[str]
    parent: str | None = None

    @property
    def anchor(self) -> str:
        return f"{self.campaign}-phase-{self.id}"


def phases(camp: dict) -> list[Phase]:
    out = []
    for p in camp.get("phases", []) or []:
        start, end = dl.parse_date(p.get("start")), dl.parse_date(p.get("end"))
        if start and end:
            out.append(Phase(camp["id"], p.get("id", ""), p.get("title", ""), start, end, p.get("text", ""),
                             as_list(p.get("source")), p.get("parent")))
    return sorted(out, key=lambda p: (p.start, p.parent is not None, p.end))


def period(camp: dict) -> tuple[date | None, date | None]:
    per = camp.get("period") or {}
    return dl.parse_date(per.get("start")), dl.parse_date(per.get("end"))


def status(camp: dict, today: date) -> tuple[str, list[Phase]]:
    """('未开始'|'进行中'|'已结束', the phases that contain today, innermost last)."""
    start, end = period(camp)
    current = [p for p in phases(camp) if p.start <= today <= p.end]
    if start and today < start:
        return "未开始", []
    if end and today > end:
        return "已结束", []
    return "进行中", current


def dues(ctx: SiteContext) -> list[Due]:
    """Every deadline in the content, each tied to the campaign of its document (if any)."""
    campaign_of_doc = {}
    for camp in ctx.campaigns.values():
        campaign_of_doc.setdefault(camp.get("document"), camp["id"])
    out: list[Due] = []
    for camp in ctx.campaigns.values():
        for rep in camp.get("reporting", []) or []:
            if not rep.get("deadline"):
                continue
            out.append(Due(
                f"{camp['id']}-report-{rep.get('id')}", rep.get("title", ""), ctx.orgs_names(rep.get("actor")),
                rep["deadline"], f"{SCHEDULE_PAGE}#{camp['id']}-report-{rep.get('id')}", as_list(rep.get("source")),
                camp.get("document", ""), camp["id"], rep.get("form"),
            ))
    for _, data in ctx.content.items("responsibilities"):
        doc = data.get("document", "")
        for r in data.get("responsibilities", []) or []:
            if not r.get("deadline") or "id" not in r:
                continue
            actors = as_list(r.get("actor"))
            out.append(Due(
                f"duty-{r['id']}", r.get("duty", ""), ctx.orgs_names(actors), r["deadline"],
                f"{ORG_PAGE.format(org=actors[0])}#{r['id']}" if actors else SCHEDULE_PAGE,
                as_list(r.get("source")), doc, campaign_of_doc.get(doc),
                covered_by=_covering_procedure(ctx, r),
            ))
    for proc in ctx.procedures.values():
        doc = proc.get("document", "")
        for n, step in enumerate(proc.get("steps", []) or [], 1):
            if not step.get("deadline") or "id" not in step:
                continue
            out.append(Due(
                f"step-{proc['id']}-{step['id']}", f"{proc.get('title', '')} 第{n}步：{step.get('action', '')}",
                ctx.orgs_names(step.get("actor")), step["deadline"],
                f"{PROCEDURE_PAGE.format(proc=proc['id'])}#{step_anchor(step['id'])}", as_list(step.get("source")),
                doc, campaign_of_doc.get(doc), step.get("form"), procedure=proc["id"], step=n,
            ))
    # A date range that is a phase's own span ("2022年3月10日至2022年10月31日") is the phase,
    # not a deadline: its end is no 截止 on the calendar.
    spans = {(camp.get("document"), str(p.get("text") or "").strip()) for camp in ctx.campaigns.values()
             for p in camp.get("phases", []) or []}
    out = [d for d in out if not (d.deadline.get("kind") == "absolute"
                                  and (d.document, str(d.deadline.get("text") or "").strip()) in spans)]
    unique: list[Due] = []
    seen: set[tuple] = set()
    for d in out:
        # The same deadline extracted twice from one clause (a campaign's report and a
        # unit's duty, say) is one deadline: keep the first, the campaign's.
        key = (tuple(sorted(d.sources)), tuple(sorted((k, str(v)) for k, v in d.deadline.items() if k != "text")))
        if d.deadline.get("kind") in ("absolute", "recurring") and key in seen:
            continue
        seen.add(key)
        d.dates = dl.occurrences(d.deadline)
        unique.append(d)
    return unique


def _covering_procedure(ctx: SiteContext, duty: dict) -> str | None:
    """The procedure (named by the duty, or any) with a step from the same clause and the same
    deadline words: the duty and the step are one obligation, listed once (as the step)."""
    words = (duty.get("deadline") or {}).get("text")
    sources = set(as_list(duty.get("source")))
    named = [ctx.procedures[duty["procedure"]]] if duty.get("procedure") in ctx.procedures else []
    for proc in named + [p for p in ctx.procedures.values() if p not in named]:
        for step in proc.get("steps", []) or []:
            if (step.get("deadline") or {}).get("text") == words and sources & set(as_list(step.get("source"))):
                return proc["id"]
    return None


def upcoming(all_dues: list[Due], today: date, campaign: str | None = None, limit: int = 6) -> list[tuple[date, Due]]:
    """The next dated deadlines on or after today."""
    items = [(d_, due) for due in all_dues if campaign is None or due.campaign == campaign
             for d_ in due.dates if d_ >= today]
    return sorted(items, key=lambda x: (x[0], x[1].title))[:limit]
