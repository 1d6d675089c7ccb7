"""A marked copy of a prose report filed as a Word document: a Word comment on each
section (or header line) that has a finding, giving the messages and what to do.

The copy is written with python-docx from the filed file, which the bounded reader
(generator.docx) has already read (no DTDs or entities, within the size bounds); the
original is never touched.  A finding about a section that is missing is commented on
the title.  Comments hold the findings' text as plain text, never markup.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.validate.plan import fold_label
from generator.validate.report import Report

AUTHOR = "yaojian 校验"
MAX_COMMENT = 4000


def _anchor(doc, label: str | None, header_labels: set[str]):
    """The first paragraph (document order, tables included) that is the heading `label`
    or the header line it names; None when there is none."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    if not label:
        return None
    want = fold_label(label)
    for p in doc.element.body.iter(qn("w:p")):
        text = fold_label("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if text == want or (label in header_labels and text.startswith(want + ":")):
            return Paragraph(p, doc._body)
    return None


def _title(doc):
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for p in doc.element.body.iter(qn("w:p")):
        if "".join(t.text or "" for t in p.iter(qn("w:t"))).strip():
            return Paragraph(p, doc._body)
    return None


def _within_bounds(source) -> None:
    """python-docx inflates every part: refuse a package whose parts, as its directory
    declares them, add up to more than the reader's bound (ValueError, with the reason)."""
    from generator.xlsx import Limits
    from generator.xlsx.package import Package
    from generator.xlsx.reader import load_bytes

    limits = Limits()
    total = sum(e.file_size for e in Package(load_bytes(source, limits), limits).order)
    if total > limits.max_total_size:
        raise ValueError(f"文件解压后超过 {limits.max_total_size // 1048576} MB")


def mark_document(report: Report, source: str | os.PathLike, dest: Path, header_labels: set[str]) -> Path:
    """Write the commented copy; raises OSError/ValueError/ReadError on a file too large
    to copy or that python-docx refuses."""
    from docx import Document

    _within_bounds(source)
    try:
        doc = Document(str(source))
    except Exception as exc:  # noqa: BLE001 - python-docx's own errors: no marked copy, never a traceback
        raise ValueError(f"无法打开文档（{type(exc).__name__}）") from exc
    notes: dict[int, tuple[object, list[str]]] = {}
    for f in report.findings:
        text = f"【{'错误' if f.is_error else '警告'}】{f.message}" + (f"\n→ {f.remedy}" if f.remedy else "")
        para = None if f.code == "missing-section" else _anchor(doc, f.row, header_labels)
        para = para or _title(doc)
        if para is None:
            continue
        notes.setdefault(id(para._p), (para, []))[1].append(text)
    for para, texts in notes.values():
        runs = para.runs or [para.add_run("")]
        body = "\n".join(texts)
        if len(body) > MAX_COMMENT:
            body = body[: MAX_COMMENT - 1] + "…"
        doc.add_comment(runs, text=body, author=AUTHOR, initials="YJ")
    tmp = dest.with_name(dest.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(dest)
    return dest
