"""Shared strings and worksheet XML: a fast regex path and a bounded expat fallback.

The fast path scans the UTF-8 bytes with compiled regular expressions (C-level work)
and builds only the cells that hold something.  It runs only when the part looks like
what Excel, WPS, LibreOffice and openpyxl write: UTF-8, no CDATA, comments or
processing instructions, no namespace prefixes on elements, every `<c>` with an `r`
attribute first.  It checks itself by counting: when the cells it matched are not all
the `<c` tags there are, the part goes to the fallback, which parses with expat
(namespace prefixes stripped, positions for cells without `r`) and gives the same
result.  Both paths count every `<c>` element against `Limits.max_cells`.
"""

from __future__ import annotations

import re

from generator.xlsx.expat_path import SheetResult, bad_ref, sheet_expat, sst_expat, too_long, too_many
from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.book import Cell
from generator.xlsx.refs import MAX_COL, MAX_ROW, col_number
from generator.xlsx.xmltext import attrs_of, check_declarations, ooxml_unescape, plain_utf8, unescape

_PREFIXED = re.compile(rb"<[A-Za-z_][A-Za-z0-9_.\-]*:")
_DECL = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9_.\-]+)["\'][^>]*\?>')
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

# A shared string: the common <si><t>text</t></si> (a phoneticPr may follow, as Excel
# writes for CJK text) in group 1, anything else (rich runs, phonetic runs) in group 2.
_SI = re.compile(rb'<si>(?:<t(?: xml:space="preserve")?>([^<]*+)</t>(?:<phoneticPr\b[^>]*+/>)?</si>'
                 rb'|([^<]*+(?:<(?!/si>)[^<]*+)*+)</si>)|<si/>')
_T = re.compile(rb"<t\b[^>]*?(?:/>|>([^<]*)</t>)")
_RPH = re.compile(rb"<rPh\b[^>]*?(?:/>|>[^<]*+(?:<(?!/rPh>)[^<]*+)*+</rPh>)")

# <c r="B4" s="3" t="s"> then either "/>", a lone <v>…</v> (group 3), a formula and its
# value (groups 4, 5), or other content (group 6, up to the first </c>).  Attribute values in <c> never hold "/" or ">".
# LibreOffice writes every formula as <f aca="false">; that attribute (a recalculation
# hint) is the only one the fast formula branch takes — shared or array formulas, whose
# <f> carries t=/ref=/si=, go through the careful branch (group 6).
_CELL = re.compile(rb'<c r="([A-Z]{1,3}+[0-9]{1,7}+)"([^>/]*+)'
                   rb'(?:/>|>(?:<v>([^<]*+)</v></c>|<f(?: aca="(?:false|true)")?>([^<]++)</f><v>([^<]*+)</v></c>'
                   rb'|([^<]*+(?:<(?!/c>)[^<]*+)*+)</c>))')
_REF_SPLIT = re.compile(rb"([A-Z]+)([0-9]+)")
# "B5" → (5, 2), shared by every read in the process (forms repeat their layout); cleared
# when it grows past _REFS_MAX entries.
_REFS: dict[bytes, tuple[int, int]] = {}
_REFS_MAX = 65_536
# Per workbook, cells of equal values shared; bounded, so unique values cost no more.
_VCACHE_MAX = 16_384
# sheetData is scanned in slices of about this many bytes, cut after a </row>, so the
# list of matches in hand stays small whatever the sheet's size.
_SLICE = 1 << 18


def _chunks(sd: bytes):
    """_CELL.findall over sheetData, slice by slice."""
    pos = 0
    size = len(sd)
    while pos < size:
        cut = sd.find(b"</row>", pos + _SLICE) if pos + _SLICE < size else -1
        end = size if cut < 0 else cut + 6
        yield _CELL.findall(sd, pos, end)
        pos = end
# The root start tag binding a prefix to the spreadsheet namespace (transitional or Strict).
_MAIN_PREFIX = re.compile(rb'xmlns:[\w.\-]+\s*=\s*["\'](?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/main'
                          rb'|http://purl\.oclc\.org/ooxml/spreadsheetml/main)["\']')
_F = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_V = re.compile(rb"<v>(.*?)</v>|<v\s*/>", re.S)
_IS = re.compile(rb"<is>(.*?)</is>", re.S)
_SHEETDATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet\b")
_DIMENSION = re.compile(rb"<dimension\b([^>]*)>")
_MERGE = re.compile(rb"<mergeCell\b([^>]*)>")
_MERGE_PLAIN = re.compile(rb'<mergeCell ref="([A-Z]{1,3}+)([0-9]{1,7}+):([A-Z]{1,3}+)([0-9]{1,7}+)"\s*/>')
_PROTECTION = re.compile(rb"<sheetProtection\b([^>]*)>")

_TYPES = frozenset(("n", "s", "b", "e", "str", "inlineStr", "d"))


def _utf8_declared(data: bytes) -> bool:
    m = _DECL.match(data, 3 if data[:3] == b"\xef\xbb\xbf" else 0)
    return not m or m.group(1).lower() in (b"utf-8", b"utf8")


class _Fallback(Exception):
    """The fast path declines this part."""


# -- shared strings ------------------------------------------------------------------

def shared_strings(data: bytes, limits: Limits, *, fast: bool = True) -> list[str]:
    """The shared-string table, rich text flattened, phonetic runs (rPh) left out.
    `fast=False` forces the expat path (tests compare the two)."""
    check_declarations(data)
    try:
        if fast and plain_utf8(data) and not _PREFIXED.search(data):
            return _sst_fast(data, limits)
    except _Fallback:
        pass
    except (UnicodeDecodeError, ValueError):
        pass  # let expat judge the bytes
    return sst_expat(data, limits)


def _sst_fast(data: bytes, limits: Limits) -> list[str]:
    expected = data.count(b"<si")
    if expected > limits.max_shared_strings:
        raise ReadError("file-too-large", {"reason": f"共享字符串超过 {limits.max_shared_strings} 条"})
    out = []
    append = out.append
    maxlen = limits.max_string_length
    for simple, c in _SI.findall(data):
        if c:
            if b"<rPh" in c:
                c = _RPH.sub(b"", c)
            raw = b"".join(_T.findall(c))
        else:
            raw = simple
        if b"&" in raw or b"\r" in raw:
            s = unescape(raw)
        else:
            s = raw.decode("utf-8")
        if "_x" in s:
            s = ooxml_unescape(s)
        if len(s) > maxlen:
            raise too_long(limits)
        append(s)
    if len(out) != expected:
        raise _Fallback
    return out


# -- worksheets ----------------------------------------------------------------------

def worksheet(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int,
              *, fast: bool = True, vcache: dict | None = None) -> SheetResult:
    """Parse one worksheet part.  `budget` is how many more `<c>` elements the
    workbook may have; too-many-cells when the part holds more.  `fast=False` forces
    the expat path (tests compare the two).  `vcache`, one dict per workbook, lets
    sheets share the Cells of equal values (same sst and styles)."""
    check_declarations(data)
    try:
        if fast and data[:2] not in (b"\xff\xfe", b"\xfe\xff") and _utf8_declared(data):
            return _sheet_fast(data, sst, dates, limits, budget, {} if vcache is None else vcache)
    except _Fallback:
        pass
    except UnicodeDecodeError:
        pass
    return sheet_expat(data, sst, dates, limits, budget)


def _header_tail(res: SheetResult, chunk: bytes, limits: Limits, budget: int) -> None:
    m = _DIMENSION.search(chunk)
    if m:
        res.dimension = attrs_of(m.group(1)).get("ref")
    for m in _PROTECTION.finditer(chunk):
        res.protected = attrs_of(m.group(1)).get("sheet", "0").lower() in ("1", "true")
    if b"<mergeCell" not in chunk:
        return
    plain = _MERGE_PLAIN.findall(chunk)
    if len(plain) == chunk.count(b"<mergeCell ") and b"<mergeCell>" not in chunk:
        # ~170 merged ranges in a filed form: reading them as plain tuples keeps the tail
        # well under the cost of the cells themselves.
        res.count += len(plain)
        if res.count > budget:
            raise too_many(limits)
        append = res.merged.append
        refs = _REFS
        for c1, r1, c2, r2 in plain:
            first, last = c1 + r1, c2 + r2
            row1, col1 = refs.get(first) or _key(first)
            row2, col2 = refs.get(last) or _key(last)
            append((min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2)))
        return
    for m in _MERGE.finditer(chunk):
        res.add_merge(attrs_of(m.group(1)).get("ref", ""), limits, budget)


def _sheet_fast(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int,
                vcache: dict) -> SheetResult:
    root = _ROOT.search(data)
    if root is None or root.group(1):
        raise _Fallback
    root_end = data.find(b">", root.end())
    if _MAIN_PREFIX.search(data, root.start(), root_end):
        raise _Fallback  # a prefix bound to the spreadsheet namespace: <x:c> may follow
    sdm = _SHEETDATA.search(data, root.end())
    res = SheetResult()
    if sdm is None:
        if b"<!" in data:
            raise _Fallback
        _header_tail(res, data, limits, budget)
        return res
    if sdm.group(1):  # <sheetData/>
        sd_start = sd_end = tail_start = sdm.end()
    else:
        sd_start = sdm.end()
        sd_end = data.find(b"</sheetData>", sd_start)
        if sd_end < 0:
            raise _Fallback
        tail_start = sd_end + len(b"</sheetData>")
    head = data[:sd_start]
    tail = data[tail_start:]
    sd = data[sd_start:sd_end]
    # Comments, CDATA, PIs or namespace declarations inside: the careful path.  (One-byte
    # searches first: they are memchr-fast, two-byte ones are not.)
    if (b"<!" in head or b"<!" in tail or (b"!" in sd and b"<!" in sd) or (b"?" in sd and b"<?" in sd)
            or b"xmlns" in sd):
        raise _Fallback
    expected = sd.count(b"<c")  # any other <c… tag (rich inline text) sends us to expat
    if expected > budget:
        raise too_many(limits)
    _header_tail(res, head, limits, budget)

    cells = res.cells
    attrcache: dict[bytes, tuple[int, str, bool]] = {b"": (0, "n", bool(dates) and dates[0])}
    number = _NUMBER.fullmatch
    n_sst = len(sst)
    refs = _REFS
    if len(refs) > _REFS_MAX:
        refs.clear()
    n = 0
    for found in _chunks(sd):
        n += len(found)
        for ref, attrs, v, f, fv, inner in found:
            if not (v or f or inner):
                # A formatted blank (<c …/>, <c …></c>): counted above, not a cell.  Its
                # reference is checked as any other.
                if ref not in refs and len(refs) < _REFS_MAX:
                    refs[ref] = _key(ref)
                continue
            key = refs.get(ref)
            if key is None:
                key = _key(ref)
                if len(refs) < _REFS_MAX:
                    refs[ref] = key
            if v:
                # A plain value: cells with the same attributes and value are one Cell.
                cell = vcache.get((attrs, v))
                if cell is not None:
                    cells[key] = cell
                    continue
            try:
                style, t, is_date = attrcache[attrs]
            except KeyError:
                style, t, is_date = attrcache[attrs] = _cell_attrs(attrs, dates, ref)
            if v:
                if t == "s":
                    try:
                        idx = int(v)
                    except ValueError:
                        raise unreadable(f"单元格 {ref.decode()} 的共享字符串编号无效") from None
                    if idx >= n_sst or idx < 0:
                        raise unreadable(f"单元格 {ref.decode()} 的共享字符串编号越界")
                    cell = Cell("s", sst[idx], None, True, is_date, style)
                elif t == "n":
                    text = v.decode("ascii")
                    if not v.isdigit() and number(text) is None:
                        text = _number_text(v, ref)
                    cell = Cell("n", text, None, True, is_date, style)
                else:
                    cell = Cell(t, _value_text(v, t, limits), None, True, is_date, style)
                cells[key] = cell
                if len(vcache) < _VCACHE_MAX:
                    vcache[attrs, v] = cell
            elif f:
                formula = unescape(f)
                if "_x" in formula:
                    formula = ooxml_unescape(formula)
                if len(formula) > limits.max_string_length:
                    raise too_long(limits)
                if not fv and t != "str":
                    cells[key] = Cell("n" if t in ("n", "s") else t, "", formula, False, is_date, style)
                elif t == "n":
                    text = fv.decode("ascii")
                    if not fv.isdigit() and number(text) is None:
                        text = _number_text(fv, ref)
                    cells[key] = Cell("n", text, formula, True, is_date, style)
                elif t == "s":
                    cells[key] = _complex_cell(b"<f>" + f + b"</f><v>" + fv + b"</v>", t, style, is_date, sst,
                                               limits, ref)
                else:
                    cells[key] = Cell(t, _value_text(fv, t, limits), formula, True, is_date, style)
            elif inner:
                cell = _complex_cell(inner, t, style, is_date, sst, limits, ref)
                if cell is not None:
                    cells[key] = cell
            # else: <c …><v></v></c>, a blank too
    if n != expected:
        raise _Fallback
    res.count += n
    if res.count > budget:
        raise too_many(limits)
    _header_tail(res, tail, limits, budget - n)
    res.count = n + len(res.merged)
    return res


_COLS: dict[bytes, int] = {}


def _key(ref: bytes) -> tuple[int, int]:
    """(row, column) of an A1 reference, inside the grid."""
    colb, rowb = _REF_SPLIT.fullmatch(ref).groups()
    col = _COLS.get(colb)
    if col is None:
        col = col_number(colb.decode("ascii"))
        if col > MAX_COL:
            raise bad_ref(ref.decode("ascii"))
        if len(_COLS) < 20_000:
            _COLS[colb] = col
    row = int(rowb)
    if not 1 <= row <= MAX_ROW:
        raise bad_ref(ref.decode("ascii"))
    return row, col


def _cell_attrs(attrs: bytes, dates: list[bool], ref: bytes) -> tuple[int, str, bool]:
    a = attrs_of(attrs)
    if "r" in a:
        raise _Fallback
    try:
        style = int(a.get("s", "0"))
    except ValueError:
        style = -1
    if style < 0:
        raise unreadable(f"单元格 {ref.decode()} 的样式编号无效")
    t = a.get("t", "n")
    if t not in _TYPES:
        raise unreadable(f"单元格 {ref.decode()} 的类型「{t[:10]}」无效")
    return style, t, style < len(dates) and dates[style]


def _number_text(v: bytes, ref: bytes) -> str:
    text = v.decode("ascii").strip()
    if _NUMBER.fullmatch(text) is None:
        raise unreadable(f"单元格 {ref.decode()} 的数值「{text[:20]}」无效")
    return text


def _value_text(v: bytes, t: str, limits: Limits) -> str:
    text = unescape(v)
    if "_x" in text:
        text = ooxml_unescape(text)
    if len(text) > limits.max_string_length:
        raise too_long(limits)
    if t == "b":
        text = text.strip()
        text = {"true": "1", "false": "0"}.get(text, text)
    return text


def _complex_cell(inner: bytes, t: str, style: int, is_date: bool, sst: list[str], limits: Limits,
                  ref: bytes) -> Cell | None:
    """A cell whose content is more than one <v>: a formula, an inline string, …"""
    if inner.isspace():
        return None
    v = None
    formula = None
    fm = _F.search(inner)
    if fm is not None:
        ftext = fm.group(2)
        formula = ooxml_unescape(unescape(ftext)) if ftext else ""
        if len(formula) > limits.max_string_length:
            raise too_long(limits)
    vm = _V.search(inner)
    if vm is not None:
        v = vm.group(1) or b""
    elif t == "inlineStr":
        im = _IS.search(inner)
        if im is not None:
            body = im.group(1)
            if b"<rPh" in body:
                body = _RPH.sub(b"", body)
            v = b"".join(_T.findall(body))
    if formula is None:
        if not v and t != "inlineStr":
            return None
        if v is None:
            return None
    if v is None or (not v and t not in ("str", "inlineStr")):
        return Cell("n" if t in ("n", "s") else t, "", formula, False, is_date, style)
    if t == "n":
        return Cell("n", _number_text(v, ref), formula, True, is_date, style)
    if t == "s":
        try:
            idx = int(v)
        except ValueError:
            raise unreadable(f"单元格 {ref.decode()} 的共享字符串编号无效") from None
        if not 0 <= idx < len(sst):
            raise unreadable(f"单元格 {ref.decode()} 的共享字符串编号越界")
        return Cell("s", sst[idx], formula, True, is_date, style)
    return Cell(t, _value_text(v, t, limits), formula, True, is_date, style)


