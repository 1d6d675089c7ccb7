"""Notes (cell comments) in an OOXML package: the comments part, its legacy VML drawing
(the shapes Excel needs to show a note), and the sheet's <legacyDrawing> element."""

from __future__ import annotations

import re

from generator.xlsx.limits import unreadable

AUTHOR = "药监校验"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Characters XML 1.0 cannot carry.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(text: str) -> str:
    """Text for XML character data of an ST_Xstring: escaped, characters XML cannot carry
    dropped, and a literal "_x" protected from OOXML's _xHHHH_ decoding."""
    text = _BAD_CHARS.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("_x", "_x005F_x"))


def attr_escape(text: str) -> str:
    """Text for a double-quoted attribute (no OOXML _x escaping: not an ST_Xstring)."""
    text = _BAD_CHARS.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def insert_legacy_drawing(xml: str, rid: str) -> str:
    root = re.search(r"<((?:[\w.\-]+:)?)worksheet\b[^>]*>", xml)
    p = root.group(1)
    r_prefix = next((pre for pre, uri in re.findall(r'xmlns:([\w.\-]+)\s*=\s*"([^"]*)"', root.group(0)) if uri == REL),
                    None)
    attr = f'{r_prefix}:id="{rid}"' if r_prefix else f'xmlns:r="{REL}" r:id="{rid}"'
    element = f"<{p}legacyDrawing {attr}/>"
    positions = [m.start() for name in _AFTER_LEGACY
                 for m in [re.search(r"<" + re.escape(p) + name + r"\b", xml)] if m]
    pos = min(positions) if positions else xml.rfind(f"</{p}worksheet>")
    return xml[:pos] + element + xml[pos:]


def add_comments(text: str, marks: dict) -> str:
    root = re.search(r"<((?:[\w.\-]+:)?)comments\b[^>]*>", text)
    p = root.group(1)
    authors = re.search(r"<" + re.escape(p) + r"authors\b[^>]*?(/?)>", text)
    if authors is None:
        text = text[:root.end()] + f"<{p}authors></{p}authors>" + text[root.end():]
    elif authors.group(1):
        text = text[:authors.start()] + f"<{p}authors></{p}authors>" + text[authors.end():]
    names = re.findall(r"<" + re.escape(p) + r"author\b[^>]*>([^<]*)</" + re.escape(p) + "author>", text)
    if escape(AUTHOR) in names:
        author_id = names.index(escape(AUTHOR))
    else:
        author_id = len(names)
        close = text.find(f"</{p}authors>")
        text = text[:close] + f"<{p}author>{escape(AUTHOR)}</{p}author>" + text[close:]
    lst = re.search(r"<" + re.escape(p) + r"commentList\b[^>]*?(/?)>", text)
    if lst is None:
        close = text.find(f"</{p}authors>") + len(f"</{p}authors>")
        text = text[:close] + f"<{p}commentList></{p}commentList>" + text[close:]
    elif lst.group(1):
        text = text[:lst.start()] + f"<{p}commentList></{p}commentList>" + text[lst.end():]
    for (row, col), mark in sorted(marks.items()):
        body = escape("\n".join(mark.texts))
        existing = re.search(r"<" + re.escape(p) + r'comment\b[^>]*\sref\s*=\s*"' + mark.ref + r'"[^>]*>', text)
        if existing:
            close = text.find(f"</{p}text>", existing.end())
            run = f'<{p}r><{p}t xml:space="preserve">\n{body}</{p}t></{p}r>'
            text = text[:close] + run + text[close:]
            continue
        comment = (f'<{p}comment ref="{mark.ref}" authorId="{author_id}"><{p}text>'
                   f'<{p}r><{p}rPr><{p}b/><{p}sz val="9"/><{p}rFont val="宋体"/><{p}charset val="134"/></{p}rPr>'
                   f'<{p}t>{escape(AUTHOR)}：</{p}t></{p}r>'
                   f'<{p}r><{p}rPr><{p}sz val="9"/><{p}rFont val="宋体"/><{p}charset val="134"/></{p}rPr>'
                   f'<{p}t xml:space="preserve">\n{body}</{p}t></{p}r></{p}text></{p}comment>')
        close = text.find(f"</{p}commentList>")
        text = text[:close] + comment + text[close:]
    return text


_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
              '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def new_vml(n: int) -> str:
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{n}"/></o:shapelayout>{_SHAPETYPE}</xml>')


def add_shapes(vml: str, marks: dict) -> str:
    taken = [int(i) for i in re.findall(r"_x0000_s(\d+)", vml)]
    idmap = re.search(r'<o:idmap\b[^>]*\bdata="(\d+)', vml)
    next_id = max(taken + [int(idmap.group(1)) * 1024 if idmap else 1024]) + 1
    existing_rows = {(int(r), int(c)) for r, c in re.findall(
        r"<x:Row>\s*(\d+)\s*</x:Row>\s*<x:Column>\s*(\d+)\s*</x:Column>", vml)}
    shapes = []
    for (row, col), _mark in sorted(marks.items()):
        if (row - 1, col - 1) in existing_rows:
            continue  # the cell's note already has its shape
        anchor = f"{col}, 15, {max(row - 2, 0)}, 10, {col + 2}, 15, {row + 3}, 4"
        shapes.append(
            f'<v:shape id="_x0000_s{next_id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
            f'margin-top:2pt;width:180pt;height:80pt;z-index:{next_id};visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
            '</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row>'
            f'<x:Column>{col - 1}</x:Column></x:ClientData></v:shape>')
        next_id += 1
    if "_x0000_t202" not in vml:
        shapes.insert(0, _SHAPETYPE)
    close = vml.rfind("</xml>")
    if close < 0:
        raise unreadable("批注绘图部件（VML）结构损坏")
    return vml[:close] + "".join(shapes) + vml[close:]


