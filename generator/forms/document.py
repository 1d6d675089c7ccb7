"""The Word template of a prose form (附件2, 附件3): one `FORM_ID.docx` per definition.

A prose form is a form whose tables are all `sections` (headed free-text sections whose
headings and guidance are document clauses).  Its report is what a clerk writes in Word or
WPS 文字, so besides the boxed workbook it gets a document laid out in the spirit of
GB/T 9704 (党政机关公文格式): A4, margins 37/35/28/26 mm, the 附件 label in 黑体, the title
in 小标宋 (二号, centred), body in 仿宋 三号 (16 pt) with line spacing fixed at 28 pt and a
two-character first-line indent, headings 一、 in 黑体 and （一） in 楷体, page numbers
"— 1 —" at the foot.  Each section's guidance (the template's own clause, verbatim) is
grey hint text the clerk types over; 填报单位 and 填报日期 are lines under the title.
The form id and version are stamped as document properties (表单编号 / 模板版本, like the
workbook's), the title and subject as core properties.

`build_document(form, content, fill=None)` also writes filled documents — a draft
(generator.forms.draft), a compiled district report (generator.rollup.document) or a test
filing — from `Fill`: header values, section blocks and annexes.  Whatever a filer or a
unit wrote is written as text runs only (python-docx escapes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from xml.sax.saxutils import escape

from generator.forms.layout import STAMP_FORM, STAMP_VERSION
from generator.forms.model import Form, Section, Table
from generator.forms.texts import Texts

# Faces: the standard's own where a Chinese office PC has them; Word and WPS fall back to
# 宋体 for a face that is missing, LibreOffice to the installed CJK face.
TITLE_FACE = "方正小标宋简体"
BODY_FACE = "仿宋"
HEADING_FACE = "黑体"
SUBHEADING_FACE = "楷体"
PAGE_FACE = "宋体"
LATIN_FACE = "Times New Roman"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE = Pt(14)  # 四号
LINE = Pt(28)
HINT_GREY = RGBColor(0x80, 0x80, 0x80)
CHECK_COLOUR = RGBColor(0xC0, 0x00, 0x00)
HINT_STYLE = "填写提示"
PLACEHOLDER_STYLE = "Placeholder Text"  # Word's own character style for a content control's hint
CHECK_STYLE = "核对提示"
ANNEX_TITLE = "大案要案一案一报"
ANNEX_PREFIX = "附件"
# A fixed time: the template of a definition does not change from build to build.
CREATED = datetime(2022, 5, 6, 0, 0, 0)

_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def is_prose(form: Form) -> bool:
    """A form filed as written text: every table is `sections`."""
    return bool(form.tables) and all(t.kind == "sections" for t in form.tables)


def heading_text(texts: Texts, section: Section) -> str:
    """A section's heading as printed: the clause's num + title, brackets full-width
    ("(一)" → "（一）", as official documents write them)."""
    return texts.heading(section.clause).replace("(", "（").replace(")", "）")


def section_level(table: Table, section: Section) -> int:
    return 1 if section in table.sections else 2


# -- what a filled document holds ------------------------------------------------------------


@dataclass
class Block:
    """One piece of a section's text: a paragraph, a small table (rows of cells, the first
    the header), or a sub-heading (a unit's name in a compiled report).  `check` marks
    drafted text the clerk must check."""

    kind: str  # paragraph table label
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    check: bool = False


@dataclass
class Fill:
    header: dict[str, str] = field(default_factory=dict)  # field id → text
    sections: dict[str, list[Block]] = field(default_factory=dict)  # section id → blocks
    annexes: list[tuple[str, list[Block]]] = field(default_factory=list)  # (title, blocks): 一案一报
    note: str | None = None  # a line under the header (e.g. "本草稿由……生成，请逐项核对")


# -- styles ----------------------------------------------------------------------------------------


def _fonts(rpr_owner, east: str, size=None, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    """Faces (Latin and East Asian), size, weight and colour of a style or a run."""
    font = rpr_owner.font
    font.name = LATIN_FACE
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    rpr = rpr_owner._element.get_or_add_rPr()  # a style's <w:style> or a run's <w:r>
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), LATIN_FACE)
    rfonts.set(qn("w:eastAsia"), east)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]


def _spacing(pf, *, line=LINE, indent: bool = True, before=Pt(0), after=Pt(0)) -> None:
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = before
    pf.space_after = after
    pf.first_line_indent = Pt(32) if indent else Pt(0)


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FACE, SIZE_BODY, colour=RGBColor(0, 0, 0))
    _spacing(normal.paragraph_format)
    normal.paragraph_format.widow_control = False
    for name, face in (("Heading 1", HEADING_FACE), ("Heading 2", SUBHEADING_FACE)):
        st = styles[name]
        _fonts(st, face, SIZE_BODY, bold=False, colour=RGBColor(0, 0, 0))
        st.font.italic = False
        _spacing(st.paragraph_format)
        st.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _fonts(title, TITLE_FACE, SIZE_TITLE, bold=False, colour=RGBColor(0, 0, 0))
    _spacing(title.paragraph_format, line=Pt(36), indent=False, after=Pt(28))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the default Title has a rule under it
        ppr.remove(border)
    placeholder = styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = HINT_GREY
    hint = styles.add_style(HINT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    hint.base_style = normal
    _fonts(hint, BODY_FACE, SIZE_BODY, colour=HINT_GREY)
    hint.next_paragraph_style = normal  # Enter after a hint starts black body text
    check = styles.add_style(CHECK_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    check.base_style = normal
    _fonts(check, BODY_FACE, Pt(12), colour=CHECK_COLOUR)
    _spacing(check.paragraph_format, line=Pt(20), indent=False)


def _page(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.footer_distance = Mm(20)
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(p.paragraph_format, indent=False, line=Pt(20))
    _run(p, "— ", PAGE_FACE, SIZE_PAGE)
    _field(p, "PAGE", PAGE_FACE)
    _run(p, " —", PAGE_FACE, SIZE_PAGE)


def _run(p, text: str, face: str | None = None, size=None, colour: RGBColor | None = None):
    r = p.add_run(text)
    if face is not None:
        _fonts(r, face, size, colour=colour)
    elif colour is not None:
        r.font.color.rgb = colour
    return r


def _sdt_pr(tag: str, alias: str):
    """Properties of a content control showing its placeholder: Word, WPS and LibreOffice
    show the hint grey and replace it with what the clerk types, in the line's own style."""
    pr = OxmlElement("w:sdtPr")
    for name, value in (("w:alias", alias), ("w:tag", tag)):
        el = OxmlElement(name)
        el.set(qn("w:val"), value)
        pr.append(el)
    pr.append(OxmlElement("w:showingPlcHdr"))
    return pr


def _hint_run(text: str):
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "PlaceholderText")
    rpr.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), str(HINT_GREY))
    rpr.append(colour)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def _placeholder_inline(p, text: str, tag: str, alias: str) -> None:
    sdt = OxmlElement("w:sdt")
    sdt.append(_sdt_pr(tag, alias))
    body = OxmlElement("w:sdtContent")
    body.append(_hint_run(text))
    sdt.append(body)
    p._p.append(sdt)


def _field(p, instruction: str, face: str) -> None:
    """A field (PAGE) as Word writes it: begin, instruction, separate, a shown value, end."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", "1"),
                       ("end", None)):
        r = p.add_run()
        _fonts(r, face, SIZE_PAGE)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            r._r.append(el)
        elif kind == "text":
            r.add_text(text)
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._r.append(el)


def _custom_properties(doc, values: dict[str, str]) -> None:
    """docProps/custom.xml with string properties (python-docx has no API for it)."""
    props = []
    for pid, (name, value) in enumerate(values.items(), start=2):
        props.append(f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
                     f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_CUSTOM_NS}" '
           f'xmlns:vt="{_VT_NS}">{"".join(props)}</Properties>').encode("utf-8")
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


# -- the document ----------------------------------------------------------------------------------


def build_document(form: Form, content, fill: Fill | None = None, properties: dict[str, str] | None = None):
    """The template (or, with `fill`, a filled report) of a prose form; not saved.
    `properties`: more custom document properties (a draft's 草稿数据)."""
    texts = Texts(content)
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    source = texts.clause(form.source)
    label = source.data.get("num", "") if source is not None else ""
    if label:
        p = doc.add_paragraph()
        _spacing(p.paragraph_format, indent=False)
        _run(p, label.replace(" ", ""), HEADING_FACE, SIZE_BODY)
    doc.add_paragraph(form.title, style="Title")
    for f in form.header:
        p = doc.add_paragraph()
        _spacing(p.paragraph_format, indent=False)
        _run(p, f"{f.label}：", HEADING_FACE, SIZE_BODY)
        value = (fill.header.get(f.id) if fill else None) or ""
        if value:
            _run(p, value)
        else:
            _placeholder_inline(p, f.hint or "", f"header:{f.id}", f.label)
    if fill is not None and fill.note:
        doc.add_paragraph(fill.note, style=CHECK_STYLE)
    for table in form.tables:
        for section in table.all_sections():
            doc.add_paragraph(heading_text(texts, section), style=f"Heading {section_level(table, section)}")
            if not section.fillable:
                continue
            blocks = (fill.sections.get(section.id) if fill else None) or []
            if blocks:
                _blocks(doc, blocks)
            else:
                # Grey hint paragraphs, then an empty body paragraph to type in.  (A block
                # content control would hide the hint as Word types over it, but LibreOffice
                # shows a block control's hint black.)
                for line in texts.guidance(section.clause).splitlines():
                    doc.add_paragraph(line, style=HINT_STYLE)
                doc.add_paragraph()
        if table.none_note:
            doc.add_paragraph(texts.own(table.none_note), style=HINT_STYLE)
    if fill is not None and fill.annexes:
        for n, (title, blocks) in enumerate(fill.annexes, start=1):
            p = doc.add_paragraph()
            p.paragraph_format.page_break_before = True
            _spacing(p.paragraph_format, indent=False)
            _run(p, f"{ANNEX_PREFIX}{n}", HEADING_FACE, SIZE_BODY)
            doc.add_paragraph(f"{title}（{ANNEX_TITLE}）", style="Title")
            _blocks(doc, blocks)
    props = doc.core_properties
    props.title = form.title
    props.subject = f"{form.id} {form.version}"
    props.keywords = form.id
    props.author = props.last_modified_by = "yaojian"
    props.created = props.modified = CREATED
    props.revision = 1
    _custom_properties(doc, {STAMP_FORM: form.id, STAMP_VERSION: form.version, **(properties or {})})
    return doc


def _blocks(doc, blocks: list[Block]) -> None:
    for b in blocks:
        if b.kind == "label":
            p = doc.add_paragraph()
            _run(p, b.text, HEADING_FACE, SIZE_BODY)
        elif b.kind == "table":
            _table(doc, b.rows)
        else:
            for line in (b.text.splitlines() or [""]):
                doc.add_paragraph(line)
        if b.check:
            doc.add_paragraph("【请核对】以上内容由系统根据本单位月报数据生成，请逐项核对后再报送；核对无误可删除本行。",
                              style=CHECK_STYLE)


def _table(doc, rows: list[list[str]]) -> None:
    if not rows:
        return
    t = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = t.cell(i, j)
            p = cell.paragraphs[0]
            _spacing(p.paragraph_format, indent=False, line=Pt(22))
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if j else WD_ALIGN_PARAGRAPH.LEFT
            _run(p, str(value), HEADING_FACE if i == 0 else BODY_FACE, Pt(12))
    doc.add_paragraph()


def write_document(form: Form, content, path: Path, fill: Fill | None = None,
                   properties: dict[str, str] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = build_document(form, content, fill, properties)
    tmp = path.with_name(path.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def write_documents(project, out_dir: Path, content=None) -> list[Path]:
    """Every prose form's Word template into `out_dir` (FORM_ID.docx); the paths written."""
    from generator import content as content_mod
    from generator.forms.model import load_forms

    if content is None:
        content = content_mod.load(project)
    forms = load_forms(project.forms)
    return [write_document(form, content, Path(out_dir) / f"{form_id}.docx")
            for form_id, form in sorted(forms.items()) if is_prose(form)]
