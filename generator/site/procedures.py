"""工作流程: a page per procedure — the steps as a table (actor, action, deadline, output,
source), a flow diagram drawn at build time, and the verbatim sentences they rest on."""

from __future__ import annotations

from generator.content import as_list
from generator.site import deadlines as dl
from generator.site import flow
from generator.site.context import PROCEDURE_PAGE, SiteContext, step_anchor
from generator.site.md import esc, heading, table
from generator.site.page import Page


def pages(ctx: SiteContext) -> list[Page]:
    procs = sorted(ctx.procedures.values(), key=lambda p: (ctx.doc_rank(p.get("document")), p.get("title", "")))
    out = [Page(PROCEDURE_PAGE.format(proc=p["id"]), title(ctx, p), procedure_page(ctx, p), "procedures", n)
           for n, p in enumerate(procs)]
    out.append(Page("procedures/index.md", "工作流程", index_page(ctx, procs), "procedures"))
    return out


def title(ctx: SiteContext, proc: dict) -> str:
    """A procedure's title with its place and year: the sidebar and search results show it."""
    where = ctx.where(proc.get("document"))
    return proc.get("title", proc["id"]) + (f"（{where}）" if where else "")


def index_page(ctx: SiteContext, procs: list[dict]) -> str:
    parts = ["# 工作流程\n\n每个流程：谁、做什么、何时之前、产出什么、依据哪一条。\n"]
    by_doc: dict[str, list[dict]] = {}
    for p in procs:
        by_doc.setdefault(p.get("document", ""), []).append(p)
    if not procs:
        parts.append("（尚无工作流程。）\n")
    referenced = False
    for doc, items in by_doc.items():
        level = 2
        if not ctx.ours(doc) and ctx.profile.document:
            if not referenced:
                parts.append(heading(2, "参考文件", "reference"))
                parts.append("以下流程来自其他地方的文件，供参考。\n")
                referenced = True
            level = 3
        parts.append(heading(level, f"《{esc(ctx.doc_title(doc))}》{ctx.tag(doc)}", f"doc-{doc}" if doc else None))
        parts.append(table(["流程", "启动条件", "步骤数", "概要"], [[
            f"[{esc(p.get('title', p['id']))}](/{PROCEDURE_PAGE.format(proc=p['id'])}){ctx.tag(doc)}",
            esc(p.get("trigger", "")),
            str(len(p.get("steps", []) or [])),
            esc(p.get("summary", "")),
        ] for p in items]))
    return "\n".join(parts)


def procedure_page(ctx: SiteContext, proc: dict) -> str:
    doc = proc.get("document", "")
    parts = [f"# {esc(title(ctx, proc))}\n"]
    if proc.get("summary"):
        parts.append(esc(proc["summary"]) + "\n")
    facts = [f"依据：{ctx.doc_link(doc)}，{ctx.sources_links(proc.get('source'), with_doc=False)}"]
    if proc.get("trigger"):
        facts.append(f"启动条件：{esc(proc['trigger'])}")
    parts.append("<br>\n".join(facts) + "\n")

    steps = proc.get("steps", []) or []
    parts.append(heading(2, "步骤", "steps"))
    index = {s.get("id"): n for n, s in enumerate(steps, 1)}
    rows = []
    for n, step in enumerate(steps, 1):
        action = esc(step.get("action", ""))
        extra = []
        if step.get("discretionary"):
            action += '（<span title="原文用“可”“可以”：可选做法，不是必须">可选</span>）'
        if step.get("condition"):
            extra.append(f"适用：{esc(step['condition'])}")
        if step.get("recipient"):
            extra.append(f"对象：{ctx.orgs_links(step['recipient'])}")
        if step.get("form"):
            extra.append(f"报表：{ctx.form_link(step['form'])}")
        extra.extend(_follows(step, steps, index))
        deadline = ""
        if step.get("deadline"):
            deadline = esc(dl.describe(step["deadline"]))
            text = step["deadline"].get("text", "")
            if text and text not in deadline:
                deadline += f"<br><small>原文：{esc(text)}</small>"
        rows.append([
            f'<span id="{step_anchor(step.get("id", str(n)))}"></span>{n}',
            ctx.orgs_links(step.get("actor")),
            "<br>".join([action, *extra]),
            deadline,
            esc(step.get("output", "")),
            _sources(ctx, step.get("source"), doc),
        ])
    parts.append('<div class="yj-steps" markdown>\n\n' + table(["序号", "执行者", "动作", "期限", "产出", "来源"], rows)
                 + "\n</div>\n")

    if steps:
        labels = []
        for n, step in enumerate(steps, 1):
            footer = dl.describe(step.get("deadline"))
            labels.append((f"{n}. {ctx.orgs_names(step.get('actor'))}", step.get("action", ""),
                           f"期限：{footer}" if footer else ""))
        start = f"启动：{proc['trigger']}" if proc.get("trigger") else "开始"
        svg = flow.svg(steps, labels, [step_anchor(s.get("id", str(n))) for n, s in enumerate(steps, 1)],
                       proc.get("title", ""), start)
        # the heading inside the block: printed together, never a heading alone at a page foot
        parts.append('<div class="yj-flow-block" markdown>\n\n' + heading(2, "流程图", "flow") + "\n" + _legend(steps)
                     + f'<div class="yj-flow" data-search-exclude>{svg}</div>\n</div>\n')

    if steps:
        parts.append(heading(2, "原文摘句", "quotes"))
        parts.append("每一步所依据的原文。几步出自同一句话时，这句话只列一次。\n")
        for first, last, step in _quote_groups(steps):
            which = f"第{first}步" if first == last else f"第{first}—{last}步"
            parts.append(f"{which}：\n\n> {esc(step.get('quote', ''))}\n> \n> —— {_sources(ctx, step.get('source'), doc)}\n")
    return "\n".join(parts)


def _quote_groups(steps: list[dict]) -> list[tuple[int, int, dict]]:
    """(first, last step number, step) for runs of consecutive steps quoting the same words."""
    out: list[tuple[int, int, dict]] = []
    for n, step in enumerate(steps, 1):
        if out and out[-1][1] == n - 1 and step.get("quote") and step.get("quote") == out[-1][2].get("quote"):
            out[-1] = (out[-1][0], n, out[-1][2])
        elif step.get("quote"):
            out.append((n, n, step))
    return out


def _follows(step: dict, steps: list[dict], index: dict) -> list[str]:
    """What the step follows, in words: 接在第N步之后 / 与其他步骤同时开始 / 循环."""
    out = []
    if "after" in step:
        after = [a for a in step.get("after") or [] if a in index]
        if after:
            out.append("接在" + "、".join(f"[第{index[a]}步](#{step_anchor(a)})" for a in after)
                       + ("之后" if len(after) == 1 else "之后（汇合）"))
        elif index.get(step.get("id")) != 1:
            out.append("流程启动即可进行（与其他步骤并行）")
    if step.get("repeat"):
        out.append(f"循环：{esc(step['repeat'])}")
    return out


def _legend(steps: list[dict]) -> str:
    marks = []
    if any(s.get("condition") for s in steps):
        marks.append('<span class="yj-key yj-key-cond">黄色尖角框：条件（满足时才进行，虚线箭头）</span>')
    if any(s.get("discretionary") for s in steps):
        marks.append('<span class="yj-key yj-key-opt">虚线框：可选做法（原文用“可”）</span>')
    if any(s.get("repeat") for s in steps):
        marks.append('<span class="yj-key yj-key-loop">↻：循环进行</span>')
    return f'<p class="yj-flow-legend">{"".join(marks)}</p>\n' if marks else ""


def _sources(ctx: SiteContext, sources, doc: str) -> str:
    return "；".join(ctx.clause_link(r, with_doc=not r.startswith(doc + "#")) for r in as_list(sources))
