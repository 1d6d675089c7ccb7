"""Marking a filed workbook: a copy with each bad cell filled and commented.

    annotate("月报.xlsx", "批注/月报.xlsx", [("表2 药品", "E7", "error", "合计应为 6，填写为 5")])

Each marked cell gets a fill (light red for errors, amber for warnings) through a new
cellXfs entry cloned from the cell's own style, so its number format, font, border and
alignment stay; and a note (comment) with the text.  Only the parts that must change
are rewritten — styles.xml, the marked sheets, their comments, VML drawings and
relationships, and [Content_Types].xml; every other zip entry is copied raw, byte for
byte (its compressed data is never inflated).  The original file is only read.

Safety: everything written is XML-escaped, characters XML cannot carry are dropped, and
nothing is written as a cell value or formula (a text beginning with "=", "+", "-" or
"@" stays text in a note).
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import tempfile
import time
import zlib

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.package import Entry, Package
from generator.xlsx.reader import load_bytes, open_package
from generator.xlsx.refs import parse_ref, ref_name
from generator.xlsx.xmltext import check_declarations, parse_tree

AUTHOR = "药监校验"
FILLS = {"error": "FFFFC7CE", "warning": "FFFFE699"}  # Excel's light red; a light amber
LABEL = {"error": "【错误】", "warning": "【警告】"}
RANK = {"warning": 1, "error": 2}

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

# Characters XML 1.0 cannot carry.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Mark:
    __slots__ = ("sheet", "row", "col", "severity", "texts")

    def __init__(self, sheet: str, row: int, col: int, severity: str, text: str):
        self.sheet, self.row, self.col, self.severity, self.texts = sheet, row, col, severity, [text]

    @property
    def ref(self) -> str:
        return ref_name(self.row, self.col)


def escape(text: str) -> str:
    """Text for XML character data or a double-quoted attribute."""
    text = _BAD_CHARS.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("_x", "_x005F_x"))


def attr_escape(text: str) -> str:
    """Text for a double-quoted attribute (no OOXML _x escaping: not an ST_Xstring)."""
    text = _BAD_CHARS.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def annotate(src_path, dest_path, marks, *, limits: Limits = Limits()) -> None:
    """Write a copy of `src_path` to `dest_path` with `marks` — (sheet name, cell ref
    like "E7", "error" | "warning", Chinese text) — as fills and notes.

    Several marks on one cell share one note; the cell takes the worst severity.
    Raises ReadError when the source cannot be read, ValueError for a mark naming an
    unknown sheet, a bad reference or severity, or when dest_path is the source."""
    if os.path.abspath(os.fspath(src_path)) == os.path.abspath(os.fspath(dest_path)):
        raise ValueError("annotate never overwrites the filed workbook: choose another dest_path")
    data = load_bytes(src_path, limits)
    pkg = open_package(data, limits)
    collected = _collect(marks)
    try:
        out = _Annotator(pkg).run(collected) if collected else data
    except (ReadError, ValueError):
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile file must not give a traceback
        raise unreadable(f"无法在该文件上标注（{type(exc).__name__}）") from exc
    dest_dir = os.path.dirname(os.path.abspath(os.fspath(dest_path)))
    fd, tmp = tempfile.mkstemp(prefix=".annotate-", suffix=".xlsx", dir=dest_dir)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(out)
        os.replace(tmp, dest_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _collect(marks) -> dict[str, dict[tuple[int, int], Mark]]:
    by_sheet: dict[str, dict[tuple[int, int], Mark]] = {}
    for sheet, ref, severity, text in marks:
        if severity not in RANK:
            raise ValueError(f"unknown severity {severity!r}")
        row, col = parse_ref(ref)
        cells = by_sheet.setdefault(sheet, {})
        mark = cells.get((row, col))
        if mark is None:
            cells[(row, col)] = Mark(sheet, row, col, severity, f"{LABEL[severity]}{text}")
        else:
            mark.texts.append(f"{LABEL[severity]}{text}")
            if RANK[severity] > RANK[mark.severity]:
                mark.severity = severity
    return by_sheet


def _xml_text(data: bytes) -> str:
    """A part's text, whatever its declared encoding (written back as UTF-8)."""
    check_declarations(data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        m = re.match(rb'\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9_.\-]+)', data.lstrip(b"\xef\xbb\xbf"))
        text = data.lstrip(b"\xef\xbb\xbf").decode(m.group(1).decode() if m else "utf-8")
    return re.sub(r'^(\s*<\?xml[^>]*?encoding\s*=\s*["\'])[A-Za-z0-9_.\-]+', r"\1UTF-8", text, count=1)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(r'\s(?:[\w.\-]+:)?' + name + r'\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', tag)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2))


def _set_attr(tag: str, name: str, value: str) -> str:
    """A start tag with attribute `name` set (replaced or added after the tag name)."""
    pattern = re.compile(r'(\s)' + name + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')')
    if pattern.search(tag):
        return pattern.sub(lambda m: f'{m.group(1)}{name}="{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1 if tag.endswith(">") else 0)
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'


def _drop_attr(tag: str, name: str) -> str:
    return re.sub(r'\s' + name + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')', "", tag, count=1)


class _Annotator:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.changed: dict[str, bytes] = {}  # part name -> new content (new parts too)
        self.types_extra: list[str] = []

    # -- parts ----------------------------------------------------------------------

    def text(self, name: str) -> str:
        if name in self.changed:
            return self.changed[name].decode("utf-8")
        return _xml_text(self.pkg.read(name))

    def exists(self, name: str) -> bool:
        return name in self.changed or self.pkg.has(name)

    def new_name(self, pattern: str) -> str:
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    # -- run --------------------------------------------------------------------------

    def run(self, by_sheet: dict[str, dict[tuple[int, int], Mark]]) -> bytes:
        pkg = self.pkg
        main = next((t for _i, kind, t, ext in pkg.rels("") if kind == "officedocument" and not ext), None)
        if main is None or not pkg.has(main):
            raise unreadable("缺少工作簿部件（xl/workbook.xml）")
        wb = parse_tree(pkg.read(main), "工作簿部件")
        rels = {rid: (kind, target) for rid, kind, target, ext in pkg.rels(main) if not ext}
        parts = {}
        sheets_el = wb.find("sheets")
        for e in (sheets_el.children if sheets_el is not None else []):
            kind, target = rels.get(e.get("id") or "", ("", ""))
            if kind == "worksheet":
                parts[e.get("name")] = target
        for name in by_sheet:
            if name not in parts:
                raise ValueError(f"no worksheet named {name!r}")
        styles = next((t for kind, t in rels.values() if kind == "styles"), None)
        if styles is None or not pkg.has(styles):
            styles = self._new_styles(main)
        self.styles_part = styles
        self.styles = self.text(styles)
        self.xf_cache: dict[tuple[int, str], int] = {}
        self.fill_ids: dict[str, int] = {}
        for index, (name, marks) in enumerate(by_sheet.items(), start=1):
            self._sheet(parts[name], marks)
        self.changed[styles] = self.styles.encode("utf-8")
        self._content_types()
        return self._write()

    # -- styles -----------------------------------------------------------------------

    def _new_styles(self, main: str) -> str:
        name = posixpath.join(posixpath.dirname(main), "styles.xml")
        self.changed[name] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS_MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>').encode()
        self._add_rel(main, "styles", posixpath.relpath(name, posixpath.dirname(main)))
        self.types_extra.append(f'<Override PartName="/{name}" ContentType="{CT_STYLES}"/>')
        return name

    def _list(self, tag: str) -> tuple[str, int, int, list[tuple[int, int]]]:
        """(prefix, start of the list's start tag, end of its content, child spans)."""
        s = self.styles
        m = re.search(r"<((?:[\w.\-]+:)?)" + tag + r"\b[^>]*?(/?)>", s)
        if m is None:
            raise unreadable(f"样式部件缺少 {tag}")
        prefix = m.group(1)
        if m.group(2):  # <fills/>: open it
            s = s[:m.start()] + m.group(0)[:-2] + f"></{prefix}{tag}>" + s[m.end():]
            self.styles = s
            m = re.search(r"<((?:[\w.\-]+:)?)" + tag + r"\b[^>]*?>", s)
        close = s.find(f"</{prefix}{tag}>", m.end())
        child = tag[:-1] if tag != "cellXfs" else "xf"
        spans = []
        for c in re.finditer(r"<" + re.escape(prefix) + child + r"\b[^>]*?(/?)>", s[m.end():close]):
            start = m.end() + c.start()
            if c.group(1):
                spans.append((start, m.end() + c.end()))
            else:
                end = s.find(f"</{prefix}{child}>", m.end() + c.end())
                spans.append((start, end + len(f"</{prefix}{child}>")))
        return prefix, m.start(), close, spans

    def _append(self, tag: str, element: str) -> int:
        """Append an element to a styles list; its index."""
        prefix, start, close, spans = self._list(tag)
        s = self.styles
        s = s[:close] + element + s[close:]
        open_end = s.find(">", start)
        s = s[:start] + _set_attr(s[start:open_end], "count", str(len(spans) + 1)) + s[open_end:]
        self.styles = s
        return len(spans)

    def _fill(self, severity: str) -> int:
        if severity not in self.fill_ids:
            p = self._list("fills")[0]
            self.fill_ids[severity] = self._append("fills", (
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{FILLS[severity]}"/>'
                f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'))
        return self.fill_ids[severity]

    def _style(self, style: int, severity: str) -> int:
        key = (style, severity)
        if key not in self.xf_cache:
            fill = self._fill(severity)
            prefix, _start, _close, spans = self._list("cellXfs")
            if 0 <= style < len(spans):
                a, b = spans[style]
                xf = self.styles[a:b]
            else:
                xf = f'<{prefix}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            open_end = xf.find(">")
            head = xf[:open_end]
            closing = head.endswith("/")
            if closing:
                head = head[:-1]
            head = _set_attr(_set_attr(head, "fillId", str(fill)), "applyFill", "1")
            xf = head + ("/" if closing else "") + xf[open_end:]
            self.xf_cache[key] = self._append("cellXfs", xf)
        return self.xf_cache[key]

    # -- sheets -----------------------------------------------------------------------

    def _sheet(self, part: str, marks: dict[tuple[int, int], Mark]) -> None:
        xml = self.text(part)
        xml = _normalise_positions(xml)
        xml = self._mark_cells(xml, marks)
        xml = self._comments(part, xml, marks)
        self.changed[part] = xml.encode("utf-8")

    def _mark_cells(self, xml: str, marks: dict[tuple[int, int], Mark]) -> str:
        sd = re.search(r"<((?:[\w.\-]+:)?)sheetData\b[^>]*?(/?)>", xml)
        if sd is None:
            raise unreadable("工作表缺少 sheetData")
        p = sd.group(1)
        if sd.group(2):
            xml = xml[:sd.start()] + f"<{p}sheetData></{p}sheetData>" + xml[sd.end():]
            sd = re.search(r"<((?:[\w.\-]+:)?)sheetData\b[^>]*?>", xml)
        start = sd.end()
        end = xml.find(f"</{p}sheetData>", start)
        body = xml[start:end]
        rows = _rows(body, p)
        by_row: dict[int, list[Mark]] = {}
        for (r, _c), mark in marks.items():
            by_row.setdefault(r, []).append(mark)
        edits: list[tuple[int, int, str]] = []
        for r in sorted(by_row):
            row_marks = sorted(by_row[r], key=lambda m: m.col)
            span = rows.get(r)
            if span is None:
                cells = "".join(f'<{p}c r="{m.ref}" s="{self._style(0, m.severity)}"/>' for m in row_marks)
                after = [s for rn, s in rows.items() if rn > r]
                pos = min((s[0] for s in after), default=len(body))
                edits.append((pos, pos, f'<{p}row r="{r}">{cells}</{p}row>'))
                continue
            edits.extend(self._mark_row(body, span, p, row_marks))
        body = _apply(body, edits)
        return xml[:start] + body + xml[end:]

    def _mark_row(self, body: str, span, p: str, row_marks: list[Mark]) -> list[tuple[int, int, str]]:
        row_start, open_end, content_end, row_end, self_closing = span
        edits = []
        tag = _drop_attr(body[row_start:open_end], "spans")
        if self_closing:
            tag = tag[:-2].rstrip() + ">"
            cells = "".join(f'<{p}c r="{m.ref}" s="{self._style(0, m.severity)}"/>' for m in row_marks)
            return [(row_start, row_end, f"{tag}{cells}</{p}row>")]
        edits.append((row_start, open_end, tag))
        cells = _cells(body, open_end, content_end, p)
        for m in row_marks:
            found = cells.get(m.col)
            if found is not None:
                a, b = found
                ctag = body[a:b]
                try:
                    style = int(_attr(ctag, "s") or "0")
                except ValueError:
                    style = 0
                edits.append((a, b, _set_attr(ctag, "s", str(self._style(style, m.severity)))))
            else:
                later = [a for col, (a, _b) in cells.items() if col > m.col]
                pos = min(later, default=content_end)
                edits.append((pos, pos, f'<{p}c r="{m.ref}" s="{self._style(0, m.severity)}"/>'))
        return edits

    # -- comments ---------------------------------------------------------------------

    def _comments(self, part: str, xml: str, marks: dict[tuple[int, int], Mark]) -> str:
        rels = self.pkg.rels(part)
        comments = next((t for _i, kind, t, ext in rels if kind == "comments" and not ext and self.exists(t)), None)
        if comments is None:
            comments = self.new_name("xl/comments{}.xml")
            self.changed[comments] = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{NS_MAIN}">'
                f'<authors><author>{AUTHOR}</author></authors><commentList></commentList></comments>').encode()
            self._add_rel(part, "comments", posixpath.relpath(comments, posixpath.dirname(part)))
            self.types_extra.append(f'<Override PartName="/{comments}" ContentType="{CT_COMMENTS}"/>')
        self.changed[comments] = _add_comments(self.text(comments), marks).encode("utf-8")

        ld = re.search(r"<(?:[\w.\-]+:)?legacyDrawing\b[^>]*>", xml)
        vml = None
        if ld is not None:
            rid = _attr(ld.group(0), "id")
            vml = next((t for i, kind, t, ext in rels if i == rid and not ext and self.exists(t)), None)
        if vml is None:
            vml = self.new_name("xl/drawings/vmlDrawing{}.vml")
            n = int(re.search(r"(\d+)\.vml$", vml).group(1))
            self.changed[vml] = _new_vml(n).encode("utf-8")
            rid = self._add_rel(part, "vmlDrawing", posixpath.relpath(vml, posixpath.dirname(part)))
            if ld is not None:
                xml = xml[:ld.start()] + xml[ld.end():]
            xml = _insert_legacy_drawing(xml, rid)
            if "vml" not in self.pkg.content_types()[0] and not any('Extension="vml"' in t for t in self.types_extra):
                self.types_extra.append(f'<Default Extension="vml" ContentType="{CT_VML}"/>')
        self.changed[vml] = _add_shapes(self.vml_text(vml), marks).encode("utf-8")
        return xml

    def vml_text(self, name: str) -> str:
        if name in self.changed:
            return self.changed[name].decode("utf-8")
        data = self.pkg.read(name)
        check_declarations(data)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", "replace")

    def _add_rel(self, part: str, kind: str, target: str) -> str:
        base = posixpath.dirname(part)
        rels_name = posixpath.join(base, "_rels", posixpath.basename(part) + ".rels")
        if self.exists(rels_name):
            text = self.text(rels_name)
        else:
            text = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{REL_PKG}"></Relationships>')
        ids = set(re.findall(r'\sId\s*=\s*["\']([^"\']*)', text))
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        m = re.search(r"</((?:[\w.\-]+:)?)Relationships>", text)
        p = m.group(1)
        text = (text[:m.start()] + f'<{p}Relationship Id="{rid}" Type="{REL}/{kind}" Target="{attr_escape(target)}"/>'
                + text[m.start():])
        self.changed[rels_name] = text.encode("utf-8")
        if part in self.pkg._rels:
            del self.pkg._rels[part]
        return rid

    def _content_types(self) -> None:
        if not self.types_extra:
            return
        text = self.text("[Content_Types].xml")
        m = re.search(r"</((?:[\w.\-]+:)?)Types>", text)
        p = m.group(1)
        extra = "".join(t.replace("<", f"<{p}", 1) for t in self.types_extra)
        self.changed["[Content_Types].xml"] = (text[:m.start()] + extra + text[m.start():]).encode("utf-8")

    # -- the zip ----------------------------------------------------------------------

    def _write(self) -> bytes:
        pkg = self.pkg
        out = bytearray()
        central = []
        seen = set()
        now = _dos_time()
        for info in pkg.order:
            key = info.filename.lower()
            replaced = next((n for n in self.changed if n.lower() == key), None)
            offset = len(out)
            if replaced is None:
                out += _raw_entry(pkg.data, info)
                central.append(_central_copy(info, offset))
            else:
                seen.add(replaced)
                dos = struct.unpack("<HH", info.central[12:16]) if len(info.central) >= 16 else now
                local, cent = _new_entry(info.filename, self.changed[replaced], offset, dos)
                out += local
                central.append(cent)
        for name, content in self.changed.items():
            if name in seen:
                continue
            local, cent = _new_entry(name, content, len(out), now)
            out += local
            central.append(cent)
        cd_offset = len(out)
        for rec in central:
            out += rec
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                           len(out) - cd_offset, cd_offset, 0)
        return bytes(out)


def _apply(body: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, text) edits; insertions at one position keep their order."""
    out = []
    pos = 0
    for a, b, text in sorted(edits, key=lambda e: (e[0], e[1])):  # stable: same-position inserts in order
        out.append(body[pos:a])
        out.append(text)
        pos = max(pos, b)
    out.append(body[pos:])
    return "".join(out)


def _rows(body: str, p: str) -> dict[int, tuple[int, int, int, int, bool]]:
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
        r = int(_attr(m.group(0), "r"))
        if m.group(1):
            rows[r] = (m.start(), m.end(), m.end(), m.end(), True)
            pos = m.end()
        else:
            close = body.find(close_tag, m.end())
            rows[r] = (m.start(), m.end(), close, close + len(close_tag), False)
            pos = close + len(close_tag)
    return rows


def _cells(body: str, start: int, end: int, p: str) -> dict[int, tuple[int, int]]:
    """Cells of one row: column -> span of the cell's start tag."""
    out = {}
    for m in re.finditer(r"<" + re.escape(p) + r"c\b[^>]*>", body[start:end]):
        ref = _attr(m.group(0), "r")
        out[parse_ref(ref)[1]] = (start + m.start(), start + m.end())
    return out


def _normalise_positions(xml: str) -> str:
    """Give every row and cell of sheetData an explicit r (rows and cells may omit it
    and count by position; inserting a cell among them would shift the rest)."""
    sd = re.search(r"<((?:[\w.\-]+:)?)sheetData\b[^>]*?>", xml)
    if sd is None or sd.group(0).endswith("/>"):
        return xml
    p = sd.group(1)
    end = xml.find(f"</{p}sheetData>", sd.end())
    body = xml[sd.end():end]
    tags = re.compile(r"<" + re.escape(p) + r"(row|c)\b[^>]*>")
    if all(_attr(m.group(0), "r") for m in tags.finditer(body)):
        return xml
    out = []
    pos = 0
    row = 0
    col = 0
    for m in tags.finditer(body):
        tag = m.group(0)
        r = _attr(tag, "r")
        if m.group(1) == "row":
            row = int(r) if r else row + 1
            col = 0
            if not r:
                tag = _set_attr(tag, "r", str(row))
        else:
            if r:
                _row, col = parse_ref(r)
            else:
                col += 1
                tag = _set_attr(tag, "r", ref_name(max(row, 1), col))
        out.append(body[pos:m.start()])
        out.append(tag)
        pos = m.end()
    out.append(body[pos:])
    return xml[:sd.end()] + "".join(out) + xml[end:]


_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def _insert_legacy_drawing(xml: str, rid: str) -> str:
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


def _add_comments(text: str, marks: dict[tuple[int, int], Mark]) -> str:
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


def _new_vml(n: int) -> str:
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{n}"/></o:shapelayout>{_SHAPETYPE}</xml>')


def _add_shapes(vml: str, marks: dict[tuple[int, int], Mark]) -> str:
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


# -- zip records ------------------------------------------------------------------------

def _dos_time() -> tuple[int, int]:
    t = time.localtime()
    return ((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
            ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday)


def _raw_entry(data: bytes, info: Entry) -> bytes:
    """An untouched entry exactly as it was: local header, compressed data and any data
    descriptor."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise unreadable(f"部件「{info.filename}」已损坏（本地文件头无效）")
    nlen, xlen = struct.unpack("<HH", data[off + 26:off + 30])
    end = off + 30 + nlen + xlen + info.compress_size
    if info.flag_bits & 0x8:
        if data[end:end + 4] == b"PK\x07\x08":
            end += 16
        else:
            end += 12
    if end > len(data):
        raise unreadable(f"部件「{info.filename}」已损坏（数据不完整）")
    return data[off:end]


def _central_copy(info: Entry, offset: int) -> bytes:
    rec = bytearray(info.central)
    (old,) = struct.unpack("<L", rec[42:46])
    if old == 0xFFFFFFFF:  # offset in a zip64 extra field: patch it there
        nlen, xlen = struct.unpack("<HH", rec[28:32])
        extra_start = 46 + nlen
        pos = extra_start
        while pos + 4 <= extra_start + xlen:
            tag, size = struct.unpack("<HH", rec[pos:pos + 4])
            if tag == 1:
                usize, csize = struct.unpack("<LL", rec[24:28] + rec[20:24])
                field = pos + 4 + 8 * ((usize == 0xFFFFFFFF) + (csize == 0xFFFFFFFF))
                rec[field:field + 8] = struct.pack("<Q", offset)
                break
            pos += 4 + size
        return bytes(rec)
    rec[42:46] = struct.pack("<L", offset)
    return bytes(rec)


def _new_entry(name: str, content: bytes, offset: int, dos: tuple[int, int]) -> tuple[bytes, bytes]:
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else 0x800
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = c.compress(content) + c.flush()
    crc = zlib.crc32(content)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, dos[0], dos[1], crc, len(packed), len(content),
                        len(raw_name), 0) + raw_name + packed
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 8, dos[0], dos[1], crc, len(packed),
                          len(content), len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    return local, central
