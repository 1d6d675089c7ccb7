"""A Word document made from a seed's plain text, the way an office would have it.

Paragraphs are the seed's blank-line blocks (lines inside a block become line breaks);
the numbers 一、 （一） (一) 1. （1） (1) become real automatic numbering (numbering.xml,
numPr on the paragraph, counters running on where the text runs on); tab-separated
lines become Word tables; and at each `split` a page-number paragraph and a page break
sit between the two halves of a sentence, as in a document printed across pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

CN = "一二三四五六七八九十"
# (pattern, numFmt, lvlText); the pattern's group 1 is the value, the match is the number.
FORMATS = [
    (re.compile(rf"^([{CN}]+)、"), "chineseCounting", "%1、"),
    (re.compile(rf"^（([{CN}]+)）"), "chineseCounting", "（%1）"),
    (re.compile(rf"^\(([{CN}]+)\)"), "chineseCounting", "(%1)"),
    (re.compile(r"^(\d{1,2})\.(?!\d)"), "decimal", "%1."),
    (re.compile(r"^（(\d{1,2})）"), "decimal", "（%1）"),
    (re.compile(r"^\((\d{1,2})\)"), "decimal", "(%1)"),
]


def _cn_value(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN.index(text[1]) + 1
    return CN.index(text[0]) + 1


class _Lists:
    """numbering.xml of the document: one abstract list per number format, one list
    instance per run of consecutive numbers."""

    def __init__(self, document):
        self.root = document.part.numbering_part.element
        self.abstract: dict[int, int] = {}
        self.current: dict[int, tuple[int, int]] = {}  # format -> (numId, next value)
        self.next_abstract = 900
        self.next_num = 900

    def _abstract_for(self, k: int) -> int:
        if k in self.abstract:
            return self.abstract[k]
        _pattern, fmt, text = FORMATS[k]
        a = OxmlElement("w:abstractNum")
        a.set(qn("w:abstractNumId"), str(self.next_abstract))
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), "0")
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:suff", "nothing"), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            lvl.append(el)
        a.append(lvl)
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(a)
        else:
            self.root.append(a)
        self.abstract[k] = self.next_abstract
        self.next_abstract += 1
        return self.abstract[k]

    def num_for(self, k: int, value: int) -> int:
        current = self.current.get(k)
        if current and current[1] == value:
            self.current[k] = (current[0], value + 1)
            return current[0]
        abstract = self._abstract_for(k)
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(self.next_num))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), str(abstract))
        num.append(ref)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), str(value))
        override.append(start)
        num.append(override)
        self.root.append(num)
        self.current[k] = (self.next_num, value + 1)
        self.next_num += 1
        return self.current[k][0]


def _number(paragraph, num_id: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(nid)
    ppr.append(num_pr)


def blocks(text: str) -> list[list[str]]:
    out, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def seed_docx(seed: Path, dest: Path, *, splits: tuple[str, ...] = ()) -> Path:
    """Write `dest` from the seed; `splits` are sentence endings ("涉") after which the
    seed's page-break split gets a page number and a real page break."""
    document = Document()
    lists = _Lists(document)
    page = 1
    for block in blocks(seed.read_text(encoding="utf-8")):
        if all("\t" in line for line in block):
            rows = [line.split("\t") for line in block]
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell.strip()
            continue
        first = block[0].strip()
        num_id = None
        for k, (pattern, _fmt, _text) in enumerate(FORMATS):
            m = pattern.match(first)
            if m and len(block) == 1:
                num_id = lists.num_for(k, _cn_value(m.group(1)))
                first = first[m.end():].lstrip()
                break
        paragraph = document.add_paragraph()
        lines = [first] + [line.strip() for line in block[1:]]
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()  # a line break inside the paragraph
            paragraph.add_run(line)
        if num_id is not None:
            _number(paragraph, num_id)
        if any(lines[-1].endswith(s) for s in splits):
            document.add_paragraph(f"— {page} —")
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            page += 1
    document.save(dest)
    return dest


def wrapped_text(seed: Path, *, width: int = 30, indent: bool = True) -> str:
    """The seed as text copied from a PDF: every printed line a line of its own (cut at
    `width` characters), no blank line between paragraphs, each paragraph's first line
    indented with two full-width spaces (as printed Chinese documents are)."""
    out = []
    for block in blocks(seed.read_text(encoding="utf-8")):
        if all("\t" in line for line in block):
            out.extend(block)
            continue
        for n, line in enumerate(block):
            line = line.strip()
            first = n == 0 or line.startswith("•")
            while line:
                piece, line = line[:width], line[width:]
                out.append(("\u3000\u3000" if first and indent else "") + piece)
                first = False
    return "\n".join(out) + "\n"
