"""Editing a worksheet's XML text in place: start-tag attributes, rows and cells found by
position, edits applied in one pass, and positional rows/cells given explicit refs."""

from __future__ import annotations

import re

from generator.xlsx.refs import parse_ref, ref_name


def get_attr(tag: str, name: str) -> str | None:
    m = re.search(r'\s(?:[\w.\-]+:)?' + name + r'\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', tag)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2))


def set_attr(tag: str, name: str, value: str) -> str:
    """A start tag with attribute `name` set (replaced or added after the tag name)."""
    pattern = re.compile(r'(\s)' + name + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')')
    if pattern.search(tag):
        return pattern.sub(lambda m: f'{m.group(1)}{name}="{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1 if tag.endswith(">") else 0)
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'


def drop_attr(tag: str, name: str) -> str:
    return re.sub(r'\s' + name + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')', "", tag, count=1)


def apply_edits(body: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, text) edits; insertions at one position keep their order."""
    out = []
    pos = 0
    for a, b, text in sorted(edits, key=lambda e: (e[0], e[1])):  # stable: same-position inserts in order
        out.append(body[pos:a])
        out.append(text)
        pos = max(pos, b)
    out.append(body[pos:])
    return "".join(out)


def rows_of(body: str, p: str) -> dict[int, tuple[int, int, int, int, bool]]:
    """Rows of sheetData's content: number -> (start, start-tag end, content end, end,
    self-closing)."""
    rows = {}
    pattern = re.compile(r"<" + re.escape(p) + r"row\b[^>]*?(/?)>")
    close_tag = f"</{p}row>"
    pos = 0
    while True:
        m = pattern.search(body, pos)
        if m is None:
            break
        r = int(get_attr(m.group(0), "r"))
        if m.group(1):
            rows[r] = (m.start(), m.end(), m.end(), m.end(), True)
            pos = m.end()
        else:
            close = body.find(close_tag, m.end())
            rows[r] = (m.start(), m.end(), close, close + len(close_tag), False)
            pos = close + len(close_tag)
    return rows


def cells_of(body: str, start: int, end: int, p: str) -> dict[int, tuple[int, int]]:
    """Cells of one row: column -> span of the cell's start tag."""
    out = {}
    for m in re.finditer(r"<" + re.escape(p) + r"c\b[^>]*>", body[start:end]):
        ref = get_attr(m.group(0), "r")
        out[parse_ref(ref)[1]] = (start + m.start(), start + m.end())
    return out


def normalise_positions(xml: str) -> str:
    """Give every row and cell of sheetData an explicit r (rows and cells may omit it
    and count by position; inserting a cell among them would shift the rest)."""
    sd = re.search(r"<((?:[\w.\-]+:)?)sheetData\b[^>]*?>", xml)
    if sd is None or sd.group(0).endswith("/>"):
        return xml
    p = sd.group(1)
    end = xml.find(f"</{p}sheetData>", sd.end())
    body = xml[sd.end():end]
    tags = re.compile(r"<" + re.escape(p) + r"(row|c)\b[^>]*>")
    if all(get_attr(m.group(0), "r") for m in tags.finditer(body)):
        return xml
    out = []
    pos = 0
    row = 0
    col = 0
    for m in tags.finditer(body):
        tag = m.group(0)
        r = get_attr(tag, "r")
        if m.group(1) == "row":
            row = int(r) if r else row + 1
            col = 0
            if not r:
                tag = set_attr(tag, "r", str(row))
        else:
            if r:
                _row, col = parse_ref(r)
            else:
                col += 1
                tag = set_attr(tag, "r", ref_name(max(row, 1), col))
        out.append(body[pos:m.start()])
        out.append(tag)
        pos = m.end()
    out.append(body[pos:])
    return xml[:sd.end()] + "".join(out) + xml[end:]
