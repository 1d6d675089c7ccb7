"""文件: each document verbatim, an anchor per clause (the clause id), and under each
clause what was extracted from it, linked to where it is presented."""

from __future__ import annotations

from generator.content import Clause
from generator.site import deadlines as dl
from generator.site.context import DOCUMENT_PAGE, FIGURES_PAGE, SiteContext, _number
from generator.site.md import esc, heading, html, table
from generator.site.page import Page

# The documents' own words come first in search results; the other pages quote them.
DOCUMENT_BOOST = 2

# Roles whose clauses are printed as headings even without a number.
_TITLE_ROLES = {"通知", "正文", "附件", "附件说明", "小标题", "填表须知"}


def pages(ctx: SiteContext) -> list[Page]:
    out = []
    docs = sorted(ctx.content.documents.values(), key=lambda d: (str(d.get("date", "")), d["id"]))
    docs.sort(key=lambda d: not ctx.ours(d["id"]))  # the office's own document first
    for order, doc in enumerate(docs):
        where = ctx.where(doc["id"])
        title = ctx.doc_title(doc["id"]) + (f"（{where}）" if where else "")
        out.append(Page(DOCUMENT_PAGE.format(doc=doc["id"]), title, document_page(ctx, doc),
                        "documents", order, search_boost=DOCUMENT_BOOST))
    out.append(Page("documents/index.md", "文件", index_page(ctx, docs), "documents"))
    if ctx.figures:
        out.append(Page(FIGURES_PAGE, "统计数字", figures_page(ctx), "documents", 1000))
    return out


def index_page(ctx: SiteContext, docs: list[dict]) -> str:
    clauses: dict[str, int] = {}
    extracted: dict[str, int] = {}
    for ref in ctx.content.clauses:
        doc = ref.partition("#")[0]
        clauses[doc] = clauses.get(doc, 0) + 1
        extracted[doc] = extracted.get(doc, 0) + len(ctx.extracts.get(ref, ()))
    def rows(group: list[dict]) -> list[list[str]]:
        return [[
            f"[{esc(doc.get('title', doc['id']))}](/{DOCUMENT_PAGE.format(doc=doc['id'])}){ctx.tag(doc['id'])}",
            esc(doc.get("doc_number", "")),
            esc(doc.get("kind", "")),
            esc(doc.get("place", "")),
            esc(dl.zh_date(dl.parse_date(doc.get("date")))),
            str(clauses.get(doc["id"], 0)),
            str(extracted.get(doc["id"], 0)),
        ] for doc in group]

    headers = ["文件", "文号", "类别", "地域", "日期", "条款数", "提取条目"]
    parts = ["# 文件\n\n各来源文件逐字全文。每一条款有自己的锚点（条款编号），条款下列出从该条提取的职责、流程步骤、期限和认定标准。\n"]
    own = [d for d in docs if ctx.ours(d["id"])]
    others = [d for d in docs if not ctx.ours(d["id"])]
    if own and others:
        office = ctx.profile.office or "本办"
        parts += [heading(2, f"{esc(office)}的文件", "own"), table(headers, rows(own)),
                  heading(2, "参考文件", "reference"), "其他地方的文件，供参考，不是本办的规定。\n", table(headers, rows(others))]
    else:
        parts.append(table(headers, rows(docs)))
    return "\n".join(parts)


def document_page(ctx: SiteContext, doc: dict) -> str:
    parts = [f"# {esc(doc.get('title', doc['id']))}{ctx.tag(doc['id'])}\n", _meta(ctx, doc)]
    for clause in ctx.content.roots.get(doc["id"], []):
        parts.append(_clause(ctx, clause, 2))
    return "\n".join(parts)


def _meta(ctx: SiteContext, doc: dict) -> str:
    rows = []

    def row(label, value_md):
        if value_md:
            rows.append([label, value_md])

    row("文号", esc(doc.get("doc_number", "")))
    row("类别", esc(doc.get("kind", "")))
    row("地域", esc(doc.get("place", "")))
    row("日期", esc(dl.zh_date(dl.parse_date(doc.get("date")))))
    row("发文机关", ctx.orgs_links(doc.get("issuers")))
    row("起草单位", ctx.orgs_links(doc.get("authors")))
    row("作者", esc(doc.get("author", "")))
    row("来源媒体", esc(doc.get("publisher", "")))
    source = doc.get("source") or {}
    # the source file's name is the maintainer's business: 维护说明 lists it
    row("说明", esc(source.get("note", "")))
    return '<div class="yj-meta" markdown>\n\n' + table(["项目", "内容"], rows) + "\n</div>\n"


def _clause(ctx: SiteContext, clause: Clause, level: int) -> str:
    d = clause.data
    out = []
    num, title = d.get("num", ""), d.get("title", "")
    head = num + (" " if num and title and num[-1].isalnum() else "") + title
    if d.get("subtitle"):
        head += " " + d["subtitle"]
    classes = "yj-clause" + (f" yj-role-{_role_class(d.get('role'))}" if d.get("role") else "")
    is_heading = bool(d.get("title")) and (d.get("num") or d.get("role") in _TITLE_ROLES or clause.children)
    if is_heading and level <= 6:
        out.append(heading(level, esc(head.strip()), clause.id, classes))
        if d.get("text"):
            out.append(esc(d["text"]) + "\n")
    else:
        lead = f"**{esc(head.strip())}**" if head.strip() else ""
        body = esc(d.get("text", ""))
        text = " ".join(x for x in (lead, body) if x) or "&nbsp;"
        out.append(f"{text}\n{{: #{clause.id} .{' .'.join(classes.split())} }}\n")
    if d.get("rows"):
        out.append(_rows(d["rows"]))
    if d.get("note"):
        out.append(f'<p class="yj-note">编者注：{esc(d["note"])}</p>\n')
    if d.get("form"):
        out.append(_form_note(ctx, d["form"]))
    extracts = ctx.extracts.get(clause.ref)
    if extracts:
        out.append(_extracts(extracts))
    for child in clause.children:
        out.append(_clause(ctx, child, level + 1))
    return "\n".join(out)


def _rows(rows: list) -> str:
    """A table clause's rows, cell for cell as the document has them."""
    body = "".join(
        "<tr>" + "".join(f"<td>{html(str(c)).replace(chr(10), '<br>')}</td>" for c in row) + "</tr>"
        for row in rows if isinstance(row, list)
    )
    return f'<div class="yj-table-block"><table>{body}</table></div>\n'


def _form_note(ctx: SiteContext, form: dict) -> str:
    """The form a clause prescribes; a table of it (附件1's 表1–表4) printed as the document
    prints it, from the form definition, with the link to the form's page."""
    form_id = form.get("id", "")
    note = f'<div class="yj-extracts" markdown>\n\n- **报表** {ctx.form_link(form_id)}\n\n</div>\n'
    definition = ctx.forms().get(form_id)
    t = next((t for t in getattr(definition, "tables", ()) if t.id == form.get("table")), None)
    if t is None:
        return note
    from generator.site.form_tables import table_html

    printed = table_html(t)
    if not printed:
        return note
    target = ctx.form_target(form_id)
    anchor = f"#{t.id}" if target != "forms/index.md" else ""
    link = f"[{esc(t.heading)} 的填写说明（{esc(ctx.form_title(form_id))}）](/{target}{anchor})"
    return (f'<div class="yj-form-print" data-search-exclude>{printed}</div>\n\n'
            f'<div class="yj-extracts" markdown>\n\n- **报表** {link}\n\n</div>\n')


def _extracts(extracts) -> str:
    lines = []
    for e in extracts:
        deadline = f"（期限：{esc(e.deadline)}）" if e.deadline else ""
        lines.append(f"- **{esc(e.kind)}** [{esc(e.text)}](/{e.target}){deadline}")
    return '<div class="yj-extracts" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"


def _role_class(role: str) -> str:
    return {
        "版头": "masthead", "发文字号": "docnum", "通知": "notice", "主送": "to", "落款": "sign",
        "成文日期": "date", "公开属性": "release", "正文": "body", "发文单位": "authors",
        "附件说明": "attachments", "附件": "attachment", "填报项": "field", "填表须知": "notes",
        "表格": "table", "注": "note", "抄送": "cc", "印发": "printed", "标题": "title", "署名": "byline",
        "小标题": "subhead", "责任编辑": "editor", "名单": "roster",
    }.get(role, "other")


def figures_page(ctx: SiteContext) -> str:
    parts = ["# 统计数字\n\n文件和报道中的统计数字，各附原文句子和出处。\n"]
    for fig_id, figs in sorted(ctx.figures.items()):
        parts.append(heading(2, esc(figs.get("title", fig_id)) + ctx.tag(figs.get("document")), fig_id))
        meta = [f"地域：{esc(figs.get('place', ''))}", f"文件：{ctx.doc_link(figs.get('document', ''))}"]
        if figs.get("since"):
            meta.append(f"起：{esc(dl.zh_date(dl.parse_date(figs['since'])))}")
        if figs.get("as_of"):
            meta.append(f"截至：{esc(dl.zh_date(dl.parse_date(figs['as_of'])))}")
        parts.append("；".join(meta) + "\n")
        labels = {f.get("id"): f.get("label", "") for f in figs.get("figures", [])}
        rows = []
        for f in figs.get("figures", []):
            share = f"{f['share_percent']}%" if f.get("share_percent") is not None else ""
            part = esc(labels.get(f.get("part_of"), "")) if f.get("part_of") else ""
            about = "约 " if f.get("approximate") else ""
            since = f"<br><small>自{esc(dl.zh_date(dl.parse_date(f['since'])))}起</small>" if f.get("since") else ""
            rows.append([
                f'<span id="{fig_id}-{f.get("id")}"></span>{esc(f.get("label", ""))}',
                f"{about}{esc(_number(f.get('value')))} {esc(f.get('unit', ''))}{since}",
                part,
                share,
                esc(f.get("quote", "")),
                ctx.sources_links(f.get("source"), with_doc=False),
            ])
        parts.append(table(["项目", "数值", "属于", "占比", "原文", "出处"], rows))
    return "\n".join(parts)

