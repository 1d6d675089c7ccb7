"""Validating a prose form filed as a Word document (附件2, 附件3 as .docx).

The document is read by `generator.docx` (bounded, like a workbook), then:

- identify: the form and version from the document properties 表单编号 / 模板版本 that
  the Word template carries (generator.forms.document), judged by the same rules as a
  workbook's stamp (`identify.identify`: unknown-form, template-outdated);
- locate: each section by its heading's text (“一、基本情况”, “（二）移送通报情况”; brackets
  and spaces folded), `missing-section` and `section-order` where the template's order
  is broken; 填报单位 / 填报日期 from the lines that begin with those labels;
- read: a section's text is its paragraphs up to the next heading, without the template's
  grey hint lines; a section holding only hint lines is `hint-text-left`;
- then the same filed document as a workbook gives, checked by the form's JSON Schema
  (empty → required-field) and the rules (填报日期 within the campaign).

Findings name their place by the section's heading (`row`); a document has no cells.
"""

from __future__ import annotations

from generator.findings import Finding
from generator.forms.document import ANNEX_PREFIX, CHECK_STYLE, heading_text, is_prose
from generator.forms.model import Form
from generator.forms.texts import Texts
from generator.validate import normalize as nz
from generator.validate.document import Filed
from generator.validate.plan import fold_label, plan_for
from generator.validate.report import Report
from generator.xlsx.book import Cell

CHECK_MARK = "【请核对】"


class DocWhere:
    """Where a key sits in a filed document: the section heading (or header label)."""

    __slots__ = ("sheet", "cell", "row", "col", "row_label", "column_label", "paragraph")

    def __init__(self, label: str, paragraph: int | None):
        self.sheet = self.cell = self.row = self.col = self.column_label = None
        self.row_label = label
        self.paragraph = paragraph  # index of the paragraph a comment anchors on


class DocFiled(Filed):
    """A Filed whose places are paragraphs, not cells."""

    __slots__ = ("places",)

    def __init__(self, document: dict):
        super().__init__(document)
        self.places: dict[tuple, DocWhere] = {}

    def place(self, key: tuple):
        return self.places.get(key)


def _identify(doc, forms: dict[str, Form]):
    """(form, None) or raises identify.Stop."""
    from generator.validate.identify import Stop, identify

    class _Props:  # what identify() reads of a workbook: no sheets, the custom properties
        sheets: list = []
        custom_properties = doc.custom_properties

    if not (doc.custom_properties.get("表单编号") or "").strip():
        titles = {fold_label(f.title): f for f in forms.values()}
        found = next((titles[fold_label(p.text)] for p in doc.paragraphs[:20] if fold_label(p.text) in titles), None)
        reason = "文档属性中没有“表单编号”和“模板版本”（请在网站下载的 Word 模板中填写）"
        if found is not None:
            reason = f"文档标题是“{found.title}”，但{reason}"
        raise Stop(Finding("unknown-form", {"reason": reason}))
    form, _sheet = identify(_Props(), forms)
    if not is_prose(form):
        raise Stop(Finding("unknown-form", {"reason": f"“{form.title}”须用 Excel 工作簿报送，不能用 Word 文档"},
                           value=form.id), form)
    return form


def validate_document(doc, display: str, project, forms: dict[str, Form], content=None) -> Report:
    from generator.validate.finish import finish_report
    from generator.validate.identify import Stop

    try:
        form = _identify(doc, forms)
    except Stop as stop:
        return Report.stop(display, stop.finding, form=stop.form, version=stop.version)
    if content is None:
        from generator import content as content_mod

        content = content_mod.load(project)
    plan = plan_for(form)
    filed, findings = read_filed(doc, form, Texts(content))
    findings.extend(_drafted(doc, form, filed))
    report = finish_report(filed, plan, findings, project, display, [],
                           keep=lambda f: not _is_hint_key(f, filed))
    report.medium = "document"
    order = {id(f): i for i, f in enumerate(findings)}
    report.findings.sort(key=lambda f: (_para(filed, f), order[id(f)]))
    return report


def _drafted(doc, form: Form, filed: DocFiled) -> list[Finding]:
    """Drafted figures (the draft's 草稿数据 property) the clerk changed: a warning naming both."""
    from generator.forms.draft import DRAFT_PROPERTY, changed_figures

    out = []
    for table in form.tables:
        texts = filed.document["tables"].get(table.id) or {}
        for c in changed_figures(doc.custom_properties.get(DRAFT_PROPERTY), texts):
            w = filed.places.get((table.id, c["section"]))
            label = w.row_label if w is not None else c["section"]
            out.append(Finding("draft-figure-changed", {"label": label, "item": c["item"], "found": c["found"],
                                                        "expected": c["expected"], "source": c["source"]},
                               value=c["found"], expected=c["expected"], row=label))
    return out


def _is_hint_key(f: Finding, filed: DocFiled) -> bool:
    """A section already reported as hint text is not also reported empty."""
    return f.code == "required-field" and any(
        h.code == "hint-text-left" and h.row == f.row for h in getattr(filed, "findings", ()))


def _out_of_order(positions: list[tuple[str, int]]) -> set[str]:
    """The sections to move: those outside a longest run in the template's order."""
    n = len(positions)
    best = [1] * n
    back = [-1] * n
    for i in range(n):
        for j in range(i):
            if positions[j][1] < positions[i][1] and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    keep: set[str] = set()
    i = max(range(n), key=lambda k: best[k]) if n else -1
    while i >= 0:
        keep.add(positions[i][0])
        i = back[i]
    return {sid for sid, _ in positions} - keep


def _para(filed: DocFiled, f: Finding) -> int:
    for w in filed.places.values():
        if w.row_label == f.row and w.paragraph is not None:
            return w.paragraph
    return -1


# -- reading the structure ------------------------------------------------------------------------


def _header_value(text: str, label: str) -> str | None:
    """The text after "填报单位：" when the paragraph begins with the label, else None."""
    folded = fold_label(text)
    head = fold_label(label)
    if not folded.startswith(head):
        return None
    rest = folded[len(head):]
    if not rest.startswith(":"):
        return None
    raw = text.split("：", 1)[1] if "：" in text else text.split(":", 1)[-1]
    return raw.strip()


def read_filed(doc, form: Form, texts: Texts) -> tuple[DocFiled, list[Finding]]:
    """The filed document (the agreed shape) and the structure's findings."""
    header: dict = {}
    tables: dict = {}
    filed = DocFiled({"form": form.id, "form_version": form.version, "header": header, "tables": tables})
    findings: list[Finding] = []
    paras = doc.paragraphs
    folded = [fold_label(p.text) for p in paras]

    # The header lines.
    for f in form.header:
        key = ("header", f.id)
        hit = next(((i, v) for i, p in enumerate(paras[:60]) if (v := _header_value(p.text, f.label)) is not None),
                   None)
        filed.places[key] = DocWhere(f.label, hit[0] if hit else None)
        value = hit[1] if hit else ""
        if value and f.hint and fold_label(value) == fold_label(f.hint):
            value = ""  # the grey hint left in place
        cell = Cell("inlineStr", value) if value else None
        read = nz.date(cell) if f.kind == "date" else nz.text(cell)
        if f.kind == "date" and read.how == "文字日期":
            read = nz.Read(read.value, "num", text=read.text)  # 2022年6月20日 is how a document writes it
        elif read.how is not None:
            findings.append(filed.finding("normalized-value", key, {"how": read.how}, value=read.text,
                                          expected=read.expected))
        filed.values[key] = read
        header[f.id] = read.value

    for table in form.tables:
        sections = list(table.all_sections())
        hints = set()
        for s in sections:
            hints.update(fold_label(line) for line in texts.guidance(s.clause).splitlines() if line.strip())
        if table.none_note:
            hints.add(fold_label(texts.own(table.none_note)))
        labels = {s.id: heading_text(texts, s) for s in sections}
        # Each heading's paragraph: the first paragraph whose text is the heading, after the title.
        found: dict[str, int] = {}
        heads = {fold_label(labels[s.id]): s.id for s in sections}
        titles = {fold_label(texts.clause(s.clause).data.get("title", "")) if texts.clause(s.clause) else "": s.id
                  for s in sections}
        titles.pop("", None)
        for i, text in enumerate(folded):
            # A heading typed without its number counts only in a heading style (a unit's
            # sentence "其他工作" is not the heading （四）其他工作).
            sid = heads.get(text) or (titles.get(text) if "heading" in paras[i].style.lower() else None)
            if sid is not None and sid not in found and not paras[i].in_table:
                found[sid] = i
        stops = sorted(found.values())
        out: dict = {}
        misplaced = _out_of_order([(s.id, found[s.id]) for s in sections if s.id in found])
        for n, s in enumerate(sections):
            key = (table.id, s.id)
            at = found.get(s.id)
            filed.places[key] = DocWhere(labels[s.id], at)
            if at is None:
                findings.append(Finding("missing-section", {"label": labels[s.id]}, row=labels[s.id]))
            elif s.id in misplaced:
                before = [x for x in sections[:n] if x.id in found and x.id not in misplaced]
                after = [x for x in sections[n + 1:] if x.id in found and x.id not in misplaced]
                neighbour, side = (before[-1], "之后") if before else ((after[0], "之前") if after else (None, ""))
                findings.append(Finding("section-order", {"label": labels[s.id], "side": side,
                                                          "neighbour": labels[neighbour.id] if neighbour else ""},
                                        row=labels[s.id]))
            if not s.fillable:
                continue
            if at is None:
                filed.absent.add(key)
                filed.values[key] = nz.BLANK
                out[s.id] = None
                continue
            end = next((j for j in stops if j > at), len(paras))
            lines, hinted = [], False
            for j in range(at + 1, end):
                p = paras[j]
                text = p.text.strip()
                if not text:
                    continue
                if folded[j].startswith(fold_label(ANNEX_PREFIX)) and not p.in_table and len(folded[j]) <= 30:
                    break  # the annexes (一案一报) follow the last section
                if folded[j] in hints:
                    hinted = True
                    continue
                if p.style == CHECK_STYLE or text.startswith(CHECK_MARK):
                    continue
                lines.append(p.text.rstrip())
            if not lines and hinted:
                hint = ""
                if table.none_answers:
                    hint = "如本期没有相关情况，请填写“" + "”或“".join(table.none_answers) + "”。"
                findings.append(Finding("hint-text-left", {"label": labels[s.id], "hint": hint}, row=labels[s.id]))
            value = "\n".join(lines) if lines else None
            filed.values[key] = nz.text(Cell("inlineStr", value)) if value else nz.BLANK
            out[s.id] = value
        tables[table.id] = out
    filed.findings = findings
    return filed, list(findings)
