"""read_document: a filed .docx, read within bounds, or a ReadError with a catalogue code."""

from __future__ import annotations

from generator.docx.model import Document, Paragraph
from generator.docx.sniff import sniff_document
from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.package import Package
from generator.xlsx.reader import _custom_props, guarded, load_bytes
from generator.xlsx.xmltext import check_declarations, local, parse_tree, run_expat

# A report of a few pages has a few hundred paragraphs; a document past this is not one.
MAX_PARAGRAPHS = 5000
_BREAKS = {"br": "\n", "cr": "\n", "tab": "\t"}


def read_document(source, *, limits: Limits = Limits(), max_paragraphs: int = MAX_PARAGRAPHS) -> Document:
    """Read a filed .docx (a path, or its bytes).  Raises only ReadError: whatever the
    bytes, any other exception inside the reader becomes `unreadable-file`."""
    return guarded(lambda: _read(load_bytes(source, limits), limits, max_paragraphs))


def _read(data: bytes, limits: Limits, max_paragraphs: int) -> Document:
    if not data:
        raise ReadError("empty-file")
    kind = sniff_document(data, limits)
    if kind == "doc":
        raise ReadError("legacy-document")
    if kind is None:
        raise unreadable("不是 Word 文档")
    pkg = Package(data, limits)
    if kind == "docm":
        raise ReadError("macro-enabled-document")
    main = custom = core = app = None
    for _id, rtype, target, external in pkg.rels(""):
        if external:
            continue
        if rtype == "officedocument" and main is None:
            main = target
        elif rtype == "customproperties":
            custom = target
        elif rtype == "coreproperties":
            core = target
        elif rtype == "extendedproperties":
            app = target
    main = main or "word/document.xml"
    if not pkg.has(main):
        raise unreadable("缺少正文部件（word/document.xml）")
    paragraphs = _paragraphs(pkg.read(main), max_paragraphs)
    props = _custom_props(pkg.read(custom)) if custom and pkg.has(custom) else {}
    title = _simple(pkg, core, "title")
    application = _simple(pkg, app, "Application")
    return Document(paragraphs, props, title, application)


def _simple(pkg: Package, part: str | None, tag: str) -> str:
    if not part or not pkg.has(part):
        return ""
    root = parse_tree(pkg.read(part), part)
    found = root.find(tag)
    return found.text.strip() if found is not None else ""


def _paragraphs(data: bytes, max_paragraphs: int) -> list[Paragraph]:
    """The body's paragraphs in document order, streamed with expat (no tree built)."""
    check_declarations(data)
    out: list[Paragraph] = []
    open_paras: list[list] = []  # [texts, style] of paragraphs being read (text boxes nest)
    state = {"text": 0, "tables": 0, "skip": 0}

    def start(name, attrs):
        tag = local(name)
        if state["skip"]:
            state["skip"] += 1
            return
        if tag in ("Fallback", "delText", "instrText", "footnoteReference"):
            state["skip"] = 1  # a drawing's fallback repeats its text box; field codes are not text
            return
        if tag == "p":
            open_paras.append([[], ""])
        elif tag == "t" and open_paras:
            state["text"] += 1
        elif tag in _BREAKS and open_paras:
            open_paras[-1][0].append(_BREAKS[tag])
        elif tag == "pStyle" and open_paras:
            open_paras[-1][1] = next((v for k, v in attrs.items() if local(k) == "val"), "")
        elif tag == "tbl":
            state["tables"] += 1

    def end(name):
        if state["skip"]:
            state["skip"] -= 1
            return
        tag = local(name)
        if tag == "p" and open_paras:
            texts, style = open_paras.pop()
            out.append(Paragraph("".join(texts), style, state["tables"] > 0, len(out)))
            if len(out) > max_paragraphs:
                raise ReadError("file-too-large", {"reason": f"文档超过 {max_paragraphs} 个段落"})
        elif tag == "t" and state["text"]:
            state["text"] -= 1
        elif tag == "tbl" and state["tables"]:
            state["tables"] -= 1

    def chars(text):
        if state["text"] and open_paras and not state["skip"]:
            open_paras[-1][0].append(text)

    run_expat(data, start, end, chars, "正文")
    return out
