"""The 报表 section of the site: an index and one page per form, all from the definitions.

The site's page registry (generator/site/registry.py) calls:

- `pages(project, content) -> list[Page]`: forms/index.md and forms/<FORM_ID>.md;
- `write_workbooks(project, out_dir)`: the blank workbooks into site/downloads/;
- `write_schemas(project, out_dir)`: the filed-form JSON Schemas into site/schemas/;
- `field_options(project, ref) -> list[str]`: the labels a form field lists, for criteria
  that point into a form (`form/table/field`, or `{id, table, field}`).

A form's page says who files it and by when (the campaigns' `reporting` entries naming
the form), links the download, quotes 填表须知 verbatim, and gives a field guide and the
rules in plain Chinese — generated from the definition (generator.forms.describe), never
written per table.  Links are docs paths from the root ("/documents/x.md#clause").
"""

from __future__ import annotations

from pathlib import Path

from generator.forms import describe as d
from generator.forms.layout import cover_note
from generator.forms.model import TICK, Form, Table, load_forms
from generator.site.deadlines import parse_date, zh_date
from generator.site.md import esc
from generator.site.md import table as _table
from generator.site import portal
from generator.site.page import Page


SECTION = "forms"
INDEX_PAGE = "forms/index.md"
FORM_PAGE = "forms/{form}.md"
DOWNLOAD = "downloads/{form}.xlsx"
DOWNLOAD_DOCX = "downloads/{form}.docx"
SCHEMA = "schemas/forms/{form}.schema.json"
DOCUMENT_PAGE = "documents/{doc}.md"
PERIOD_ZH = {"month": "每月", "quarter": "每季度", "campaign": "整个行动一次"}

def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table keeping every column (a field guide's columns are fixed)."""
    return _table(headers, rows, keep_empty=True)


# -- the provider --------------------------------------------------------------------------


def pages(project, content) -> list[Page]:
    forms = _ordered(load_forms(project.forms), content)
    out = [Page(FORM_PAGE.format(form=f.id), _titled(f, content), form_page(f, content), SECTION, order)
           for order, f in enumerate(forms, 1)]
    out.append(Page(INDEX_PAGE, "报表", index_page(forms, content), SECTION, 0))
    return out


def write_workbooks(project, out_dir: Path) -> list[Path]:
    """The blank workbooks, and the Word templates of the prose forms beside them."""
    from generator.forms.document import write_documents
    from generator.forms.workbook import write_workbooks as write

    return write(project, Path(out_dir)) + write_documents(project, Path(out_dir))


def downloads(form: Form) -> str:
    """The links to a form's blank files: the workbook, and the Word template of a prose form."""
    from generator.forms.document import is_prose

    links = [f"[下载（Excel）](/{DOWNLOAD.format(form=form.id)})"]
    if is_prose(form):
        links.insert(0, f"[下载（Word）](/{DOWNLOAD_DOCX.format(form=form.id)})")
    return "、".join(links)


def write_schemas(project, out_dir: Path) -> list[Path]:
    """The filed-form schemas under out_dir/forms/ (site/schemas/forms/<id>.schema.json)."""
    from generator.forms.schema import write_schemas as write

    return write(project, Path(out_dir))


def field_options(project, ref) -> list[str]:
    """The labels a form field lists: a choice field's options, a grid's key-area columns
    (not their 涉网 sub-columns), a row group's rows; [] when the reference does not resolve."""
    if isinstance(ref, dict):
        parts = [ref.get("id"), ref.get("table"), ref.get("field")]
    else:
        parts = str(ref).split("/")
    if len(parts) != 3 or not all(isinstance(p, str) for p in parts):
        return []
    form = load_forms(project.forms).get(parts[0])
    table = next((t for t in form.tables if t.id == parts[1]), None) if form else None
    if table is None:
        return []
    if table.kind == "cases":
        f = next((x for x in table.fields if x.id == parts[2]), None)
        return [o.label for o in f.options] if f else []
    if table.kind == "grid":
        if parts[2] == "key_areas" and table.key_areas:
            return [c.label for c in table.key_areas.columns if c.parent is None]
        group = next((g for g in table.groups if g.id == parts[2]), None)
        return [r.label for r in group.rows] if group else []
    if table.kind == "sections":
        return []
    return []


def _ordered(forms: dict[str, Form], content) -> list[Form]:
    """Forms in the order their documents list them (附件1, 2, 3), then by id."""
    order = {ref: i for i, ref in enumerate(content.clauses)} if content is not None else {}
    return sorted(forms.values(), key=lambda f: (order.get(f.source or "", len(order)), f.id))


# -- links and names -------------------------------------------------------------------------


def clause_link(content, ref: str | None, text: str | None = None) -> str:
    if not ref:
        return ""
    doc, _, clause_id = ref.partition("#")
    clause = content.clauses.get(ref) if content is not None else None
    if text is None:  # the document's title, then the clause as people cite it
        label = (clause.data.get("num", "") + " " + clause.data.get("title", "")).strip() if clause else ""
        label = label or (clause.own_text[:20] if clause else ref)
        if content is not None and doc in content.documents:
            document = content.documents[doc]
            label = f"{document.get('short_title') or document.get('title') or doc} {label}"
        text = label
    return f"[{esc(text)}](/{DOCUMENT_PAGE.format(doc=doc)}#{clause_id})"


def _org_names(content, refs) -> str:
    if refs is None:
        return ""
    refs = refs if isinstance(refs, list) else [refs]
    orgs = content.organisations if content is not None else {}
    return "、".join(esc((orgs.get(r) or {}).get("name") or r) for r in refs)


def reporting(content, form_id: str) -> list[tuple[dict, dict]]:
    """(campaign, reporting entry) for every entry of content/campaigns that names the form."""
    out = []
    if content is None:
        return out
    for campaign in content.campaigns.values():
        for entry in campaign.get("reporting", []) or []:
            if isinstance(entry, dict) and entry.get("form") == form_id:
                out.append((campaign, entry))
    return out


def _deadline(entry: dict) -> str:
    dl = entry.get("deadline") or {}
    text = esc(dl.get("text", ""))
    kind = dl.get("kind")
    if kind == "absolute" and dl.get("date"):
        return f"{text}（{_zh_date(dl['date'])}前）" if text else f"{_zh_date(dl['date'])}前"
    if kind == "recurring" and dl.get("start") and dl.get("end"):
        return f"{text}（{_zh_date(dl['start'])}至{_zh_date(dl['end'])}）"
    return text


def _deadlines(entries: list[tuple[dict, dict]]) -> str:
    """Several entries' deadlines in one phrase: entries quoting the same words share them
    (6 月 20 日、9 月 20 日前（2022年6月20日、2022年9月20日前）)."""
    by_text: dict[str, list[dict]] = {}
    for _, e in entries:
        dl = e.get("deadline") or {}
        by_text.setdefault(str(dl.get("text", "")), []).append(dl)
    parts = []
    for text, dls in by_text.items():
        dates = [_zh_date(dl["date"]) for dl in dls if dl.get("kind") == "absolute" and dl.get("date")]
        if len(dates) == len(dls) and dates:
            parts.append(f"{esc(text)}（{'、'.join(dates)}前）" if text else "、".join(dates) + "前")
        else:
            parts.extend(_deadline({"deadline": dl}) for dl in dls)
    return "；".join(parts)


def _zh_date(value) -> str:
    """2022-06-20 → 2022年6月20日 (anything else as given)."""
    return zh_date(parse_date(value)) or str(value)


# -- pages -------------------------------------------------------------------------------------


def index_page(forms: list[Form], content) -> str:
    rows = []
    for f in forms:
        when = _deadlines(reporting(content, f.id)) or PERIOD_ZH.get(f.period or "", "")
        rows.append([
            f"[{esc(f.title)}](/{FORM_PAGE.format(form=f.id)})" + portal.tag(portal.content_label(content, _doc(f))),
            esc(f.version),
            when,
            downloads(f),
        ])
    return (
        "# 报表\n\n"
        "各单位按时报送的报表。空白报表、报送后的校验和本页的填写说明依据同一份格式，"
        "三者一致。下载空白报表，在 Excel 或 WPS 中填写后报送。\n\n"
        + md_table(["报表", "模板版本", "报送期限", "空白报表"], rows)
    )


def form_page(form: Form, content) -> str:
    where = portal.tag(portal.content_label(content, _doc(form)))
    parts = [f"# {esc(form.title)}{where}\n", _facts(form, content), _who(form, content), _download(form)]
    parts.append(_instructions(form, content))
    parts.append(_header_guide(form))
    for t in form.tables:
        parts.append(_table_guide(form, t, content))
    parts.append(_rules(form))
    parts.append(_changelog(form))
    return "\n".join(p for p in parts if p)


def _facts(form: Form, content) -> str:
    rows = [
        ["模板版本", esc(form.version)],
        ["报送周期", esc(PERIOD_ZH.get(form.period or "", ""))],
        ["依据", clause_link(content, form.source)],
        ["空白报表", downloads(form)],
    ]
    return md_table(["项目", "内容"], [r for r in rows if r[1]])


def _who(form: Form, content) -> str:
    entries = reporting(content, form.id)
    out = "## 谁报送、何时报送 { #who }\n\n"
    if not entries:
        return out + "行动安排中尚未列出这张报表的报送单位和期限。\n"
    several = len({id(c) for c, _ in entries}) > 1
    rows = []
    for campaign, e in entries:
        quote = f"“{esc(e['quote'])}”" if e.get("quote") else ""
        title = f"{campaign.get('title', '')}：{e.get('title', '')}" if several else e.get("title", "")
        source = clause_link(content, e["source"] if isinstance(e.get("source"), str) else None, "原文")
        rows.append([
            esc(title),
            _org_names(content, e.get("actor")),
            _org_names(content, e.get("recipient")),
            _deadline(e),
            " ".join(x for x in (quote, source) if x),
        ])
    return out + md_table(["报送事项", "报送单位", "报送给", "期限", "原文"], rows)


def _titled(form: Form, content) -> str:
    """The form's title with its document's place and year (the sidebar, search results)."""
    where = portal.content_label(content, _doc(form))
    return f"{form.title}（{where}）" if where else form.title


def _doc(form: Form) -> str | None:
    """The document that prescribes the form (its `source` clause's document)."""
    return (form.source or "").partition("#")[0] or None


def _download(form: Form) -> str:
    from generator.forms.document import is_prose

    if is_prose(form):
        nones = next((t.none_answers for t in form.tables if t.none_answers), ())
        none = ("（没有内容或与上次报告一致的部分填“" + "”或“".join(nones) + "”）") if nones else ""
        how = (f"下载 [{esc(form.title)}（Word 模板）](/{DOWNLOAD_DOCX.format(form=form.id)})，在 Word 或 WPS 文字中"
               f"把各部分的灰色提示文字替换为本单位的内容{none}；也可以下载 "
               f"[Excel 版](/{DOWNLOAD.format(form=form.id)})。两种文件都可报送，校验规则相同。\n\n")
    else:
        how = f"下载空白报表：[{esc(form.title)}（Excel）](/{DOWNLOAD.format(form=form.id)})，在 Excel 或 WPS 中填写。\n\n"
    return (
        "## 下载与填写 { #download }\n\n"
        + how
        + portal.service_links(form.id) + "\n"
        f"!!! note \"填写前请注意\"\n    {esc(cover_note(form))}"
        "每个填写格都有输入提示；填错时"
        + ("（如在件数格中填“无”）" if any(t.kind == "grid" for t in form.tables) else "")
        + "Excel/WPS 会当场提示。"
        "但粘贴进来的内容不经这种检查，报送后仍会逐格校验。\n"
    )


def _instructions(form: Form, content) -> str:
    ref = form.instructions
    clause = content.clauses.get(ref) if (content is not None and ref) else None
    if clause is None:
        return ""
    lines = ["## 填表须知 { #instructions }\n", f"原文：{clause_link(content, ref)}\n"]
    lines += [f"> {esc(c.own_text)}\n>" for c in clause.children]
    return "\n".join(lines).rstrip(">").rstrip() + "\n"


def _header_guide(form: Form) -> str:
    rows = [[esc(f.label), esc(d.FIELD_KIND_ZH.get(f.kind, f.kind)), "是" if f.required else "否",
             esc((f.hint or "") + d.field_rule(f))] for f in form.header]
    return ("## 表头 { #header }\n\n印在“填报说明”工作表上，标签在左，填写格在右。\n\n"
            + md_table(["项目", "类型", "必填", "怎么填"], rows))


def _table_guide(form: Form, t: Table, content) -> str:
    head = f"## {esc(t.heading or t.sheet)} {{ #{t.id} }}\n\n工作表「{esc(t.sheet)}」。"
    if t.source:
        head += f"原文：{clause_link(content, t.source)}。"
    head += "\n"
    if t.kind == "grid":
        return head + _grid_guide(t)
    if t.kind == "cases":
        return head + _cases_guide(t)
    return head + _sections_guide(t, content)


def _grid_guide(t: Table) -> str:
    cols = "、".join(d.quote(c.label) for c in t.columns)
    text = f"\n每一行按环节分栏填写：{cols}"
    if t.total:
        text += f"；{d.quote(t.total.label)}是各环节之和，自动计算"
    text += "。" + ("各格填截至填表日期的**累计数**。" if t.cumulative else "") + "\n\n"
    rows = []
    for row in t.rows:
        group = row.group_label or ""
        rows.append([
            esc(group),
            esc(("　其中：" if row.parent else "") + row.label),
            esc(row.unit or ""),
            d.number_text(row.kind),
            "可以",
            esc(d.row_relation(t, row)),
            esc(row.note or ""),
        ])
    text += md_table(["分组", "行", "单位", "数值", "可填“/”", "与其他行的关系", "说明"], rows)
    if t.key_areas is not None:
        ka = t.key_areas
        text += f"\n### {esc(ka.title)} {{ #{t.id}-key-areas }}\n\n"
        text += f"每一行按{esc(ka.corner)}分栏填写，无合计。" + (f"{esc(ka.note)}" if ka.note else "") + "\n\n"
        text += md_table(["行", "单位", "数值", "可填“/”", "与其他行的关系"], [
            [esc(r.label), esc(r.unit or ""), d.number_text(r.kind), "可以",
             esc(f"是{d.quote(d.ka_row_whole(ka, r).label)}的一部分") if d.ka_row_whole(ka, r) else ""]
            for r in ka.rows
        ])
        text += "\n" + md_table(["栏（" + esc(ka.corner) + "）", "与其他栏的关系"], [
            [esc(c.label if c.parent is None else f"{ka.column(c.parent).label} · {c.label}"), esc(d.column_relation(ka, c))]
            for c in ka.columns
        ])
    return text


def _cases_guide(t: Table) -> str:
    text = (f"\n每个案件填一行（最多 {t.capacity} 行），没有案件的留空。复选项各占一栏，勾选的在该栏选“{TICK}”。\n\n")
    rows = []
    for f in t.fields:
        rows.append([
            esc(f.label),
            esc(d.FIELD_KIND_ZH.get(f.kind, f.kind)) + (f"（{esc(f.unit)}）" if f.unit else ""),
            esc(d.option_labels(f)),
            "是" if (f.required or f.kind == "choice" or (f.kind == "multi" and f.min)) else "否",
            esc((f.hint or "") + d.field_rule(f)),
            esc(f.note or ""),
        ])
    return text + md_table(["字段", "类型", "选项", "必填", "怎么填", "说明"], rows)


def _sections_guide(t: Table, content) -> str:
    from generator.forms.texts import Texts

    texts = Texts(content)
    rows = []
    for s in t.all_sections():
        rows.append([esc(texts.heading(s.clause)), esc(texts.guidance(s.clause)) if s.fillable else "（标题，下设各部分）",
                     "填写" if s.fillable else "—"])
    text = "\n按部分填写文字，每部分一格。\n\n" + md_table(["部分", "填写说明（原文）", "填写"], rows)
    if t.none_note:
        text += f"\n{esc(texts.own(t.none_note))}（{clause_link(content, t.none_note, '原文')}）\n"
    return text


def _rules(form: Form) -> str:
    out = ["## 校验规则 { #rules }\n",
           "报回的报表按以下规则逐格校验；“错误”须改正后重报，“警告”请核实。\n"]
    general = d.form_rules(form)
    if general:
        out.append("### 全表\n")
        out += [_rule_item(r) for r in general]
        out.append("")
    for t in form.tables:
        out.append(f"### {esc(t.heading or t.sheet)}\n")
        out += [_rule_item(r) for r in d.table_rules(form, t)]
        out.append("")
    return "\n".join(out)


def _rule_item(rule: d.RuleText) -> str:
    return f"- {esc(rule.text)}" + (f"（{rule.severity_zh}）" if rule.severity_zh else "")


def _changelog(form: Form) -> str:
    rows = [[esc(str(e.get("version", ""))), esc(str(e.get("date", ""))), esc("；".join(e.get("changes", [])))]
            for e in form.changelog]
    return "## 更新记录 { #changelog }\n\n" + md_table(["版本", "日期", "改动"], rows)
