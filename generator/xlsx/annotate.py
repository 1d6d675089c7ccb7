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

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.notes import AUTHOR, REL, add_comments, add_shapes, insert_legacy_drawing, new_vml, attr_escape
from generator.xlsx.package import Package
from generator.xlsx.reader import load_bytes, open_package
from generator.xlsx.refs import parse_ref, ref_name
from generator.xlsx.sheetedit import apply_edits, cells_of, drop_attr, get_attr, normalise_positions, rows_of, set_attr
from generator.xlsx.xmltext import check_declarations, parse_tree
from generator.xlsx.zipwrite import write_package

FILLS = {"error": "FFFFC7CE", "warning": "FFFFE699"}  # Excel's light red; a light amber
LABEL = {"error": "【错误】", "warning": "【警告】"}
RANK = {"warning": 1, "error": 2}

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

class MarkError(ValueError):
    """A mark the workbook cannot take (unknown sheet, bad reference or severity), or a
    destination that is the source: the caller's mistake, not the file's."""


class Mark:
    __slots__ = ("sheet", "row", "col", "severity", "texts")

    def __init__(self, sheet: str, row: int, col: int, severity: str, text: str):
        self.sheet, self.row, self.col, self.severity, self.texts = sheet, row, col, severity, [text]

    @property
    def ref(self) -> str:
        return ref_name(self.row, self.col)


def annotate(src_path, dest_path, marks, *, limits: Limits = Limits()) -> None:
    """Write a copy of `src_path` to `dest_path` with `marks` — (sheet name, cell ref
    like "E7", "error" | "warning", Chinese text) — as fills and notes.

    Several marks on one cell share one note; the cell takes the worst severity.
    Raises ReadError when the source cannot be read (or, damaged, cannot take the
    marks), MarkError (a ValueError) for a mark naming an unknown sheet, a bad
    reference or severity, or when dest_path is the source."""
    if os.path.abspath(os.fspath(src_path)) == os.path.abspath(os.fspath(dest_path)):
        raise MarkError("annotate never overwrites the filed workbook: choose another dest_path")
    data = load_bytes(src_path, limits)
    pkg = open_package(data, limits)
    collected = _collect(marks)
    try:
        out = _Annotator(pkg).run(collected) if collected else data
    except (ReadError, MarkError):
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile file must not give a traceback
        raise unreadable(f"无法在该文件上标注（{type(exc).__name__}）") from exc
    from generator.xlsx.atomicfile import write_bytes

    write_bytes(os.path.abspath(os.fspath(dest_path)), out, prefix=".annotate-")  # mode from the umask


def _collect(marks) -> dict[str, dict[tuple[int, int], Mark]]:
    by_sheet: dict[str, dict[tuple[int, int], Mark]] = {}
    for sheet, ref, severity, text in marks:
        if severity not in RANK:
            raise MarkError(f"unknown severity {severity!r}")
        try:
            row, col = parse_ref(ref)
        except ValueError as exc:
            raise MarkError(str(exc)) from None
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
                raise MarkError(f"no worksheet named {name!r}")
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
        return write_package(self.pkg, self.changed)

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
        s = s[:start] + set_attr(s[start:open_end], "count", str(len(spans) + 1)) + s[open_end:]
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
            head = set_attr(set_attr(head, "fillId", str(fill)), "applyFill", "1")
            xf = head + ("/" if closing else "") + xf[open_end:]
            self.xf_cache[key] = self._append("cellXfs", xf)
        return self.xf_cache[key]

    # -- sheets -----------------------------------------------------------------------

    def _sheet(self, part: str, marks: dict[tuple[int, int], Mark]) -> None:
        xml = self.text(part)
        xml = normalise_positions(xml)
        xml = self._markcells_of(xml, marks)
        xml = self._comments(part, xml, marks)
        self.changed[part] = xml.encode("utf-8")

    def _markcells_of(self, xml: str, marks: dict[tuple[int, int], Mark]) -> str:
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
        rows = rows_of(body, p)
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
        body = apply_edits(body, edits)
        return xml[:start] + body + xml[end:]

    def _mark_row(self, body: str, span, p: str, row_marks: list[Mark]) -> list[tuple[int, int, str]]:
        row_start, open_end, content_end, row_end, self_closing = span
        edits = []
        tag = drop_attr(body[row_start:open_end], "spans")
        if self_closing:
            tag = tag[:-2].rstrip() + ">"
            cells = "".join(f'<{p}c r="{m.ref}" s="{self._style(0, m.severity)}"/>' for m in row_marks)
            return [(row_start, row_end, f"{tag}{cells}</{p}row>")]
        edits.append((row_start, open_end, tag))
        cells = cells_of(body, open_end, content_end, p)
        for m in row_marks:
            found = cells.get(m.col)
            if found is not None:
                a, b = found
                ctag = body[a:b]
                try:
                    style = int(get_attr(ctag, "s") or "0")
                except ValueError:
                    style = 0
                edits.append((a, b, set_attr(ctag, "s", str(self._style(style, m.severity)))))
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
        self.changed[comments] = add_comments(self.text(comments), marks).encode("utf-8")

        ld = re.search(r"<(?:[\w.\-]+:)?legacyDrawing\b[^>]*>", xml)
        vml = None
        if ld is not None:
            rid = get_attr(ld.group(0), "id")
            vml = next((t for i, kind, t, ext in rels if i == rid and not ext and self.exists(t)), None)
        if vml is None:
            vml = self.new_name("xl/drawings/vmlDrawing{}.vml")
            n = int(re.search(r"(\d+)\.vml$", vml).group(1))
            self.changed[vml] = new_vml(n).encode("utf-8")
            rid = self._add_rel(part, "vmlDrawing", posixpath.relpath(vml, posixpath.dirname(part)))
            if ld is not None:
                xml = xml[:ld.start()] + xml[ld.end():]
            xml = insert_legacy_drawing(xml, rid)
            if "vml" not in self.pkg.content_types()[0] and not any('Extension="vml"' in t for t in self.types_extra):
                self.types_extra.append(f'<Default Extension="vml" ContentType="{CT_VML}"/>')
        self.changed[vml] = add_shapes(self.vml_text(vml), marks).encode("utf-8")
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

