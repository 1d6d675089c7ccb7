"""What every page generator needs: the content, its names, links and cross-indexes.

`SiteContext` is built once per build.  Its central index, `extracts`, maps each clause
("doc#clause") to what was extracted from it (responsibilities, steps, phases, reports,
criteria, figures, organisations), so the document page can show it under the clause and
link to where it is presented.  Links are docs paths from the root ("/organisations/x.md#y").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from generator.content import Content, as_list
from generator.content import office as office_mod
from generator.content.office import Profile
from generator.project import Project
from generator.site import deadlines as dl
from generator.site.md import esc, link

# Where each kind of thing is presented (docs paths).
DOCUMENT_PAGE = "documents/{doc}.md"
ORG_PAGE = "organisations/{org}.md"
PROCEDURE_PAGE = "procedures/{proc}.md"
SCHEDULE_PAGE = "schedule/index.md"
CRITERIA_PAGE = "criteria/index.md"
FIGURES_PAGE = "documents/figures.md"
HOME_PAGE = "index.md"
FORM_PAGE = "forms/{form}.md"  # the forms provider's page per form, by contract


def step_anchor(step_id: str) -> str:
    return f"step-{step_id}"


@dataclass
class Extract:
    """One thing extracted from a clause, as shown under that clause."""

    kind: str  # Chinese label: 职责, 流程, 步骤, 阶段, 任务, 报送, 认定标准, 数字, 机构, 成员
    text: str  # plain text (escaped when rendered)
    target: str  # docs path with anchor, from the root, without the leading '/'
    target_text: str  # what the link says
    deadline: str = ""  # described deadline, if any


@dataclass
class SiteContext:
    project: Project
    content: Content
    today: date
    extracts: dict[str, list[Extract]] = field(default_factory=dict)
    # Docs paths made by the 报表 section (run first), e.g. "forms/monthly-progress.md".
    provided: set[str] = field(default_factory=set)
    _forms: dict | None = field(default=None, repr=False)
    # The content's views, computed once (Content recomputes them on every access).
    organisations: dict[str, dict] = field(default_factory=dict)
    responsibilities: list[dict] = field(default_factory=list)
    procedures: dict[str, dict] = field(default_factory=dict)
    campaigns: dict[str, dict] = field(default_factory=dict)
    criteria: dict[str, dict] = field(default_factory=dict)
    figures: dict[str, dict] = field(default_factory=dict)
    form_clauses: dict[str, str] = field(default_factory=dict)  # form id -> the clause prescribing it
    # The office this site belongs to: its campaign is "ours", every other document 参考.
    profile: Profile = field(default_factory=Profile)

    # -- names --------------------------------------------------------------------------
    def org(self, org_id: str) -> dict:
        return self.organisations.get(org_id, {})

    def org_name(self, org_id: str) -> str:
        o = self.organisations.get(org_id)
        return (o.get("name") if o else None) or org_id

    def org_link(self, org_id: str) -> str:
        if org_id in self.organisations:
            return link(self.org_name(org_id), "/" + ORG_PAGE.format(org=org_id))
        return esc(org_id)

    def orgs_links(self, refs) -> str:
        return "、".join(self.org_link(r) for r in as_list(refs))

    def orgs_names(self, refs) -> str:
        return "、".join(self.org_name(r) for r in as_list(refs))

    def doc_title(self, doc_id: str) -> str:
        d = self.content.documents.get(doc_id, {})
        return d.get("short_title") or d.get("title") or doc_id

    def doc_link(self, doc_id: str) -> str:
        return link(self.doc_title(doc_id), "/" + DOCUMENT_PAGE.format(doc=doc_id))

    def form_link(self, form_id: str, text: str | None = None) -> str:
        """Link to a form's page (forms/<FORM_ID>.md) if the forms provider made one, else to 报表."""
        return f"[{esc(text or self.form_title(form_id))}](/{self.form_target(form_id)})"

    def form_target(self, form_id: str) -> str:
        """The docs path of a form's page (forms/<FORM_ID>.md) if there is one, else of 报表."""
        page = FORM_PAGE.format(form=form_id)
        return page if page in self.provided else "forms/index.md"

    def forms(self) -> dict:
        """The form definitions (generator.forms.model.Form by id); {} without a forms/ folder."""
        if self._forms is None:
            from generator.forms.model import load_forms

            self._forms = load_forms(self.project.forms) if self.project.forms.is_dir() else {}
        return self._forms

    def form_title(self, form_id: str) -> str:
        """A form's title: from its definition, else as the documents give it (the 附件 clause)."""
        form = self.forms().get(form_id)
        if form is not None and getattr(form, "title", None):
            return form.title
        ref = self.form_clauses.get(form_id)
        if ref:
            return (self.content.clauses[ref].data.get("title") or form_id).strip()
        return form_id

    # -- place and year ------------------------------------------------------------------
    # Every item of a page that gathers several documents carries its document's place and
    # year ("东营区 · 2017"), and 参考 unless it is the office's own; the office's own first.
    def ours(self, doc_id: str | None) -> bool:
        return self.profile.ours(doc_id)

    def where(self, doc_id: str | None) -> str:
        """"永川区 · 2022" for the office's own document, "东营区 · 2017 · 参考" for the others."""
        return office_mod.label(self.content.documents.get(doc_id or ""), self.ours(doc_id))

    def tag(self, doc_id: str | None) -> str:
        """The place-and-year label as inline HTML (Markdown passes it through)."""
        from generator.site.portal import tag

        return tag(self.where(doc_id))

    def doc_rank(self, doc_id: str | None) -> tuple:
        """Sort key: the office's own document first, then the newest."""
        doc = self.content.documents.get(doc_id or "", {})
        return (not self.ours(doc_id), -int(str(doc.get("date") or "0000")[:4] or 0), doc_id or "")

    def org_docs(self, org_id: str) -> list[str]:
        """The documents an organisation is named in (its sources and its members'), in order."""
        org = self.organisations.get(org_id, {})
        refs = as_list(org.get("source")) + [r for m in org.get("members", []) or [] for r in as_list(m.get("source"))]
        return list(dict.fromkeys(r.partition("#")[0] for r in refs if isinstance(r, str)))

    def org_where(self, org_id: str) -> str:
        """An organisation's place and year(s); 参考 unless the office's document names it."""
        docs = [d for d in self.org_docs(org_id) if d in self.content.documents]
        if not docs:
            return ""
        place = self.org_place(org_id) or self.content.documents[docs[0]].get("place", "")
        years = sorted({str(self.content.documents[d].get("date") or "")[:4] for d in docs})
        text = office_mod.SEP.join(x for x in (place, "、".join(years)) if x)
        return text if any(self.ours(d) for d in docs) else text + office_mod.SEP + office_mod.REFERENCE

    def org_place(self, org_id: str) -> str:
        for _, data in self.content.items("organisations"):
            if any(isinstance(o, dict) and o.get("id") == org_id for o in data.get("organisations", []) or []):
                return data.get("place", "")
        return ""

    def org_tag(self, org_id: str) -> str:
        from generator.site.portal import tag

        return tag(self.org_where(org_id))

    def form_doc(self, form_id: str) -> str | None:
        """The document that prescribes a form (its 附件 clause)."""
        ref = self.form_clauses.get(form_id)
        return ref.partition("#")[0] if ref else None

    # -- clauses ------------------------------------------------------------------------
    def clause_label(self, ref: str) -> str:
        """How people cite a clause: its numbers down the tree (二、（二）; 附件 1 填表须知 3.),
        else its title or opening words."""
        clause = self.content.clause(ref)
        if clause is None:
            return ref
        parts: list[str] = []
        chain = [*clause.ancestors(), clause]
        if clause.data.get("num") and not any(c.data.get("num") for c in chain[:-1]):
            # 一是/二是 repeat in every section of an article: name the section too
            # ("紧盯案件不放松 · 一是"), its heading's first phrase.
            heading_ = next(((c.data.get("title") or "").strip() for c in reversed(chain[:-1])
                             if (c.data.get("title") or "").strip()), "")
            if heading_:
                return f"{heading_.split()[0]} · {clause.data['num'].strip()}"
        for c in chain:
            num, title = c.data.get("num", "").strip(), (c.data.get("title") or "").strip()
            if num:
                parts.append(num)
            elif parts and title and c is not clause:  # an unnumbered heading inside a numbered part
                parts.append(title.rstrip("：:"))
        if parts:
            label = parts[0]
            for part in parts[1:]:
                label += (" " if label[-1].isalnum() and part[0].isalnum() else "") + part
            if not clause.data.get("num"):
                label += "（" + _opening(clause) + "）"
            return label
        title = clause.data.get("title")
        return title.strip() if title else _opening(clause)

    def clause_target(self, ref: str) -> str:
        doc, _, clause = ref.partition("#")
        return DOCUMENT_PAGE.format(doc=doc) + "#" + clause

    def clause_link(self, ref: str, with_doc: bool = True) -> str:
        """Markdown link to a clause: 《文件》条款."""
        doc = ref.partition("#")[0]
        label = self.clause_label(ref)
        text = f"《{self.doc_title(doc)}》{label}" if with_doc else label
        return f"[{esc(text)}](/{self.clause_target(ref)})"

    def sources_links(self, sources, with_doc: bool = True) -> str:
        return "；".join(self.clause_link(r, with_doc) for r in as_list(sources))

    # -- extracts -----------------------------------------------------------------------
    def add_extract(self, sources, extract: Extract) -> None:
        for ref in as_list(sources):
            if isinstance(ref, str) and ref in self.content.clauses:
                self.extracts.setdefault(ref, []).append(extract)


def _opening(clause, n: int = 24) -> str:
    """An unnumbered clause by its opening phrase, whole (up to the first ，。；：), or by its
    place among its siblings (第3段) when that phrase is long: a label is never cut."""
    import re

    text = (clause.data.get("text") or clause.data.get("title") or "").strip()
    phrase = re.split(r"[，。；：,;:！？\s]", text, maxsplit=1)[0]
    if phrase and len(phrase) <= n:
        return phrase
    parent = clause.parent if hasattr(clause, "parent") else None
    siblings = list(getattr(parent, "children", []) or []) if parent is not None else []
    if clause in siblings:  # "通知第2段": the part it belongs to, by its role, where it has one
        return f"{(parent.data.get('role') or '').strip()}第{siblings.index(clause) + 1}段"
    return phrase


def build_context(project: Project, content: Content, today: date) -> SiteContext:
    ctx = SiteContext(
        project, content, today,
        organisations=content.organisations, responsibilities=content.responsibilities,
        procedures=content.procedures, campaigns=content.campaigns, criteria=content.criteria,
        figures=content.figures, profile=office_mod.from_content(content),
    )
    for ref, clause in content.clauses.items():
        form = clause.data.get("form")
        if isinstance(form, dict) and form.get("id") and not form.get("table"):
            ctx.form_clauses.setdefault(form["id"], ref)
    _index_extracts(ctx)
    return ctx


def _index_extracts(ctx: SiteContext) -> None:
    c = ctx.content
    for org_id, org in c.organisations.items():
        page = ORG_PAGE.format(org=org_id)
        ctx.add_extract(org.get("source"), Extract("机构", org.get("name", org_id), page, org.get("name", org_id)))
        for member in org.get("members", []) or []:
            text = f"{member.get('role', '')}：{member.get('name', '')}"
            if member.get("title"):
                text += f"（{member['title']}）"
            ctx.add_extract(member.get("source"), Extract("成员", text, page + "#members", org.get("name", org_id)))
    for r in c.responsibilities:
        actors = as_list(r.get("actor"))
        if not actors or "id" not in r:
            continue
        target = ORG_PAGE.format(org=actors[0]) + "#" + r["id"]
        ctx.add_extract(
            r.get("source"),
            Extract("职责", f"{ctx.orgs_names(actors)}：{r.get('duty', '')}", target, ctx.org_name(actors[0]),
                    dl.describe(r.get("deadline"))),
        )
    for proc_id, proc in c.procedures.items():
        page = PROCEDURE_PAGE.format(proc=proc_id)
        ctx.add_extract(proc.get("source"), Extract("流程", proc.get("title", proc_id), page, proc.get("title", proc_id)))
        for n, step in enumerate(proc.get("steps", []) or [], 1):
            if "id" not in step:
                continue
            text = f"第{n}步 {ctx.orgs_names(step.get('actor'))}：{step.get('action', '')}"
            ctx.add_extract(
                step.get("source"),
                Extract("步骤", text, page + "#" + step_anchor(step["id"]), proc.get("title", proc_id),
                        dl.describe(step.get("deadline"))),
            )
    for camp_id, camp in c.campaigns.items():
        ctx.add_extract(camp.get("source"), Extract("专项行动", camp.get("title", camp_id), SCHEDULE_PAGE + "#" + camp_id,
                                                    "时间安排"))
        for phase in camp.get("phases", []) or []:
            text = f"{phase.get('title', '')}（{dl.zh_date(dl.parse_date(phase.get('start')))}至" \
                   f"{dl.zh_date(dl.parse_date(phase.get('end')))}）"
            ctx.add_extract(phase.get("source"), Extract("阶段", text, SCHEDULE_PAGE + f"#{camp_id}-phase-{phase.get('id')}",
                                                         "时间安排"))
        for task in camp.get("tasks", []) or []:
            ctx.add_extract(task.get("source"), Extract("任务", task.get("title", ""), HOME_PAGE + f"#{camp_id}-task-{task.get('id')}",
                                                        "首页"))
        for rep in camp.get("reporting", []) or []:
            text = f"{ctx.orgs_names(rep.get('actor'))}报送{rep.get('title', '')}"
            ctx.add_extract(rep.get("source"), Extract("报送", text, SCHEDULE_PAGE + f"#{camp_id}-report-{rep.get('id')}",
                                                       "时间安排", dl.describe(rep.get("deadline"))))
    for crit_id, crit in c.criteria.items():
        ctx.add_extract(crit.get("source"), Extract("认定标准", crit.get("title", crit_id), CRITERIA_PAGE + "#" + crit_id,
                                                    "认定标准"))
        for item in crit.get("items", []) or []:
            ctx.add_extract(item.get("source"), Extract("认定标准", item.get("text", ""),
                                                        CRITERIA_PAGE + f"#{crit_id}-{item.get('id')}", crit.get("title", crit_id)))
    for fig_id, figs in c.figures.items():
        for fig in figs.get("figures", []) or []:
            text = f"{fig.get('label', '')}：{_number(fig.get('value'))}{fig.get('unit', '')}"
            ctx.add_extract(fig.get("source"), Extract("数字", text, FIGURES_PAGE + f"#{fig_id}-{fig.get('id')}",
                                                       figs.get("title", fig_id)))


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
