"""Filed Word reports for the tests, made as a clerk makes them: the blank template from
`yaojian forms`, opened with python-docx, the grey hints deleted and the unit's text typed
in their place, the header lines filled; optionally a section deleted or moved."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from generator.forms.document import HINT_STYLE, heading_text
from generator.forms.texts import Texts

W_P = qn("w:p")


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _style(el) -> str:
    ps = el.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    return ps.get(qn("w:val")) if ps is not None else ""


def complete_sections(form) -> dict[str, str]:
    """A text for every fillable section (two paragraphs each, one with figures)."""
    out = {}
    for t in form.tables:
        for s in t.all_sections():
            if s.fillable:
                out[s.id] = f"本单位{s.id}工作按计划推进，情况如下。\n第二段：共检查 12 家单位，发现问题 3 个。"
    return out


def clerk_fill(template: Path, dest: Path, form, content, *, header: dict[str, str] | None = None,
               sections: dict[str, str | None] | None = None, ops: list[dict] | None = None) -> Path:
    """`sections`: id → text (lines become paragraphs); None leaves the hint in place; ""
    deletes the hint and types nothing.  `ops`: {delete: id} | {move: id, after: id}."""
    texts = Texts(content)
    doc = Document(str(template))
    body = doc.element.body
    heads = {heading_text(texts, s): s.id for t in form.tables for s in t.all_sections()}
    for p in list(body.iterchildren(W_P)):
        text = _text(p)
        for f in form.header:
            if header and f.id in header and text.startswith(f.label + "："):
                for sdt in p.findall(qn("w:sdt")):
                    p.remove(sdt)
                r = p.makeelement(qn("w:r"), {})
                t = r.makeelement(qn("w:t"), {})
                t.text = header[f.id]
                r.append(t)
                p.append(r)
    blocks: dict[str, list] = {}
    current = None
    for el in list(body):
        if el.tag == W_P and _text(el) in heads:
            current = heads[_text(el)]
            blocks[current] = [el]
        elif current is not None and el.tag != qn("w:sectPr") and not _text(el).startswith("注："):
            blocks[current].append(el)
    for sid, text in (sections or {}).items():
        if text is None:
            continue
        els = blocks[sid]
        hints = [e for e in els[1:] if _style(e) == HINT_STYLE]
        for h in hints:
            body.remove(h)
            els.remove(h)
        anchor = next(e for e in els[1:] if not _text(e))
        for line in reversed(text.splitlines() or [""]):
            p = body.makeelement(W_P, {})
            r = p.makeelement(qn("w:r"), {})
            t = r.makeelement(qn("w:t"), {})
            t.text = line
            r.append(t)
            p.append(r)
            anchor.addnext(p)
            els.insert(els.index(anchor) + 1, p)
    for op in ops or ():
        if "delete" in op:
            for e in blocks[op["delete"]]:
                if e.getparent() is not None:
                    body.remove(e)
        elif "replace" in op:  # retype a drafted figure
            old, new = op["replace"]
            for t in body.iter(qn("w:t")):
                if t.text and old in t.text:
                    t.text = t.text.replace(old, new)
        elif "move" in op:
            target = blocks[op["after"]][-1]
            for e in reversed(blocks[op["move"]]):
                target.addnext(e)
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(dest))
    return dest
