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
from pyexpat import ExpatError

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.model import Cell
from generator.xlsx.refs import MAX_COL, MAX_ROW, col_number, parse_range, parse_ref
from generator.xlsx.xmltext import check_declarations, local, make_parser, ooxml_unescape, unescape

_PREFIXED = re.compile(rb"<[A-Za-z_][A-Za-z0-9_.\-]*:")
_DECL = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9_.\-]+)["\'][^>]*\?>')
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_T = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_RPH = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)

_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_F = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_V = re.compile(rb"<v>(.*?)</v>|<v\s*/>", re.S)
_IS = re.compile(rb"<is>(.*?)</is>", re.S)
_ATTR = re.compile(rb"""([A-Za-z_][\w:.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEETDATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet\b")
_DIMENSION = re.compile(rb"<dimension\b([^>]*)>")
_MERGE = re.compile(rb"<mergeCell\b([^>]*)>")
_PROTECTION = re.compile(rb"<sheetProtection\b([^>]*)>")

# Any element whose local name is "c": an upper bound of the cells an unusual part holds.
_ANY_C = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")

_TYPES = frozenset(("n", "s", "b", "e", "str", "inlineStr", "d"))


class _Fallback(Exception):
    """The fast path declines this part."""


def _attrs(raw: bytes) -> dict[str, str]:
    return {local(k.decode("utf-8")): unescape(v if v or not v2 else v2)
            for k, v, v2 in _ATTR.findall(raw)}


def _utf8_plain(data: bytes) -> bool:
    """UTF-8 without markup the regexes do not model (the fast path's precondition)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    m = _DECL.match(data, 3 if data[:3] == b"\xef\xbb\xbf" else 0)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    if b"<!" in data:
        return False
    return data.count(b"<?") <= 1


def _too_long(limits: Limits) -> ReadError:
    return unreadable(f"有文字超过 {limits.max_string_length} 个字符（Excel 单元格的上限）")


# -- shared strings ------------------------------------------------------------------

def shared_strings(data: bytes, limits: Limits, *, fast: bool = True) -> list[str]:
    """The shared-string table, rich text flattened, phonetic runs (rPh) left out.
    `fast=False` forces the expat path (tests compare the two)."""
    check_declarations(data)
    try:
        if fast and _utf8_plain(data) and not _PREFIXED.search(data):
            return _sst_fast(data, limits)
    except _Fallback:
        pass
    except (UnicodeDecodeError, ValueError):
        pass  # let expat judge the bytes
    return _sst_expat(data, limits)


def _sst_fast(data: bytes, limits: Limits) -> list[str]:
    expected = data.count(b"<si>") + data.count(b"<si/>")
    if expected != data.count(b"<si"):
        raise _Fallback
    if expected > limits.max_shared_strings:
        raise ReadError("file-too-large", {"reason": f"共享字符串超过 {limits.max_shared_strings} 条"})
    out = []
    append = out.append
    maxlen = limits.max_string_length
    for m in _SI.finditer(data):
        c = m.group(1)
        if c is None:
            append("")
            continue
        if c[:3] == b"<t>" and c[-4:] == b"</t>" and c.count(b"<") == 2:
            raw = c[3:-4]
        else:
            if b"<rPh" in c:
                c = _RPH.sub(b"", c)
            raw = b"".join(_T.findall(c))
        s = unescape(raw) if (b"&" in raw or b"\r" in raw) else raw.decode("utf-8")
        if "_x" in s:
            s = ooxml_unescape(s)
        if len(s) > maxlen:
            raise _too_long(limits)
        append(s)
    if len(out) != expected:
        raise _Fallback
    return out


def _sst_expat(data: bytes, limits: Limits) -> list[str]:
    out: list[str] = []
    state = {"in_si": False, "skip": 0, "in_t": False}
    buf: list[str] = []

    def start(name, attrs):
        tag = local(name)
        if tag == "si":
            state["in_si"] = True
            buf.clear()
        elif tag == "rPh":
            state["skip"] += 1
        elif tag == "t" and state["in_si"] and not state["skip"]:
            state["in_t"] = True

    def end(name):
        tag = local(name)
        if tag == "si":
            state["in_si"] = False
            s = ooxml_unescape("".join(buf))
            if len(s) > limits.max_string_length:
                raise _too_long(limits)
            out.append(s)
            if len(out) > limits.max_shared_strings:
                raise ReadError("file-too-large", {"reason": f"共享字符串超过 {limits.max_shared_strings} 条"})
        elif tag == "rPh":
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def chars(text):
        if state["in_t"]:
            buf.append(text)

    _run_expat(data, start, end, chars, "共享字符串表")
    return out


def _run_expat(data: bytes, start, end, chars, what: str) -> None:
    p = make_parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    try:
        p.Parse(data, True)
    except ExpatError as exc:
        raise unreadable(f"{what}的 XML 结构损坏（第 {exc.lineno} 行）") from None


# -- worksheets ----------------------------------------------------------------------

class SheetResult:
    __slots__ = ("cells", "merged", "dimension", "protected", "count")

    def __init__(self):
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.dimension: str | None = None
        self.protected = False
        self.count = 0  # <c> elements seen, blanks included


def _too_many(limits: Limits) -> ReadError:
    return ReadError("too-many-cells", {"limit": limits.max_cells})


def _bad_ref(ref: str) -> ReadError:
    return unreadable(f"单元格地址「{ref[:20]}」超出 Excel 的范围（最大 XFD1048576）")


def worksheet(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int,
              *, fast: bool = True) -> SheetResult:
    """Parse one worksheet part.  `budget` is how many more `<c>` elements the
    workbook may have; too-many-cells when the part holds more.  `fast=False` forces
    the expat path (tests compare the two)."""
    check_declarations(data)
    try:
        if fast and _utf8_plain(data):
            return _sheet_fast(data, sst, dates, limits, budget)
    except _Fallback:
        pass
    except UnicodeDecodeError:
        pass
    return _sheet_expat(data, sst, dates, limits, budget)


def _header_tail(res: SheetResult, chunk: bytes, limits: Limits, budget: int) -> None:
    m = _DIMENSION.search(chunk)
    if m:
        res.dimension = _attrs(m.group(1)).get("ref")
    for m in _PROTECTION.finditer(chunk):
        res.protected = _attrs(m.group(1)).get("sheet", "0").lower() in ("1", "true")
    for m in _MERGE.finditer(chunk):
        ref = _attrs(m.group(1)).get("ref", "")
        res.count += 1
        if res.count > budget:
            raise _too_many(limits)
        try:
            res.merged.append(parse_range(ref))
        except ValueError:
            raise _bad_ref(ref) from None


def _sheet_fast(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int) -> SheetResult:
    root = _ROOT.search(data)
    if root is None or root.group(1):
        raise _Fallback
    sdm = _SHEETDATA.search(data, root.end())
    res = SheetResult()
    if sdm is None:
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
    sd = data[sd_start:sd_end]
    if _PREFIXED.search(sd):
        raise _Fallback
    expected = sd.count(b"<c ") + sd.count(b"<c>") + sd.count(b"<c/") + sd.count(b"<c\n") + sd.count(b"<c\t") + sd.count(b"<c\r")
    if expected > budget:
        raise _too_many(limits)
    _header_tail(res, data[:sd_start], limits, budget)

    cells = res.cells
    colcache: dict[bytes, int] = {}
    attrcache: dict[bytes, tuple[int, str]] = {}
    n_dates = len(dates)
    n_sst = len(sst)
    maxlen = limits.max_string_length
    number = _NUMBER.fullmatch
    n = 0
    for m in _CELL.finditer(sd):
        n += 1
        colb, rowb, attrs, inner = m.groups()
        col = colcache.get(colb)
        if col is None:
            col = col_number(colb.decode("ascii"))
            if col > MAX_COL:
                raise _bad_ref((colb + rowb).decode("ascii"))
            colcache[colb] = col
        row = int(rowb)
        if row > MAX_ROW or row < 1:
            raise _bad_ref((colb + rowb).decode("ascii"))
        if attrs:
            st = attrcache.get(attrs)
            if st is None:
                a = _attrs(attrs)
                if "r" in a:
                    raise _Fallback
                try:
                    style = int(a.get("s", "0"))
                except ValueError:
                    style = -1
                if style < 0:
                    raise unreadable(f"单元格 {(colb + rowb).decode()} 的样式编号无效")
                st = (style, a.get("t", "n"))
                if st[1] not in _TYPES:
                    raise unreadable(f"单元格 {(colb + rowb).decode()} 的类型「{st[1][:10]}」无效")
                attrcache[attrs] = st
            style, t = st
        else:
            style, t = 0, "n"
        if inner is None:
            continue
        formula = None
        if inner[:3] == b"<v>" and inner[-4:] == b"</v>" and inner.count(b"<") == 2:
            v = inner[3:-4]
        elif not inner or inner.isspace():
            continue
        else:
            v = None
            fm = _F.search(inner)
            if fm is not None:
                ftext = fm.group(2)
                formula = ooxml_unescape(unescape(ftext)) if ftext else ""
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
            if v is None and formula is None:
                continue
        # -- the value --
        if v is None:
            cell = Cell("n" if t in ("n", "s") else t, "", formula, False, style < n_dates and dates[style], style)
        elif t == "n":
            if not v:
                if formula is None:
                    continue
                cell = Cell("n", "", formula, False, style < n_dates and dates[style], style)
            else:
                text = v.decode("ascii")
                if number(text) is None:
                    text = text.strip()
                    if number(text) is None:
                        raise unreadable(f"单元格 {(colb + rowb).decode()} 的数值「{text[:20]}」无效")
                cell = Cell("n", text, formula, True, style < n_dates and dates[style], style)
        elif t == "s":
            try:
                idx = int(v)
            except ValueError:
                raise unreadable(f"单元格 {(colb + rowb).decode()} 的共享字符串编号无效") from None
            if not 0 <= idx < n_sst:
                raise unreadable(f"单元格 {(colb + rowb).decode()} 的共享字符串编号越界")
            cell = Cell("s", sst[idx], formula, True, style < n_dates and dates[style], style)
        else:
            text = unescape(v)
            if "_x" in text:
                text = ooxml_unescape(text)
            if len(text) > maxlen:
                raise _too_long(limits)
            if t == "b":
                text = {"true": "1", "false": "0"}.get(text.strip(), text.strip())
            cell = Cell(t, text, formula, True, style < n_dates and dates[style], style)
        cells[(row, col)] = cell
    if n != expected:
        raise _Fallback
    res.count += n
    if res.count > budget:
        raise _too_many(limits)
    _header_tail(res, data[tail_start:], limits, budget - n)
    res.count = n + len(res.merged)
    return res


def _sheet_expat(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int) -> SheetResult:
    """The careful path: expat, prefixes stripped, cells without `r` placed by position."""
    n = 0
    for _ in _ANY_C.finditer(data):
        n += 1
        if n > budget:
            raise _too_many(limits)
    res = SheetResult()
    cells = res.cells
    n_dates = len(dates)
    st = {
        "row": 0, "col": 0, "in_data": False,
        "cell": None,  # (row, col, t, style) of the open <c>
        "cap": None,  # which text is being captured: "v", "f", "t"
        "v": None, "f": None, "is": False, "rph": 0,
    }
    buf: list[str] = []

    def start(name, attrs):
        tag = local(name)
        if tag == "c" and st["in_data"]:
            res.count += 1
            if res.count > budget:
                raise _too_many(limits)
            a = {local(k): v for k, v in attrs.items()}
            ref = a.get("r")
            if ref:
                try:
                    row, col = parse_ref(ref)
                except ValueError:
                    raise _bad_ref(ref) from None
            else:
                row, col = st["row"] or 1, st["col"] + 1
                if col > MAX_COL:
                    raise _bad_ref(f"第 {row} 行第 {col} 列")
            st["row"], st["col"] = row, col
            t = a.get("t", "n")
            if t not in _TYPES:
                raise unreadable(f"单元格类型「{t[:10]}」无效")
            try:
                style = int(a.get("s", "0"))
            except ValueError:
                style = -1
            if style < 0:
                raise unreadable("单元格的样式编号无效")
            st["cell"] = (row, col, t, style)
            st["v"] = st["f"] = None
            st["is"] = False
        elif tag == "row" and st["in_data"]:
            r = attrs.get("r")
            if r is None:
                r = next((v for k, v in attrs.items() if local(k) == "r"), None)
            if r is not None:
                try:
                    row = int(r)
                except ValueError:
                    raise _bad_ref(r) from None
            else:
                row = st["row"] + 1
            if not 1 <= row <= MAX_ROW:
                raise _bad_ref(f"第 {row} 行")
            st["row"], st["col"] = row, 0
        elif st["cell"] is not None:
            if tag == "v":
                st["cap"] = "v"
                buf.clear()
            elif tag == "f":
                st["cap"] = "f"
                buf.clear()
            elif tag == "is":
                st["is"] = True
                st["v"] = ""
            elif tag == "rPh":
                st["rph"] += 1
            elif tag == "t" and st["is"] and not st["rph"]:
                st["cap"] = "t"
                buf.clear()
        elif tag == "sheetData":
            st["in_data"] = True
        elif tag == "dimension":
            res.dimension = next((v for k, v in attrs.items() if local(k) == "ref"), None)
        elif tag == "mergeCell":
            ref = next((v for k, v in attrs.items() if local(k) == "ref"), "")
            res.count += 1
            if res.count > budget:
                raise _too_many(limits)
            try:
                res.merged.append(parse_range(ref))
            except ValueError:
                raise _bad_ref(ref) from None
        elif tag == "sheetProtection":
            a = {local(k): v for k, v in attrs.items()}
            res.protected = a.get("sheet", "0").lower() in ("1", "true")

    def end(name):
        tag = local(name)
        cap = st["cap"]
        if cap is not None and tag == {"v": "v", "f": "f", "t": "t"}[cap]:
            text = "".join(buf)
            if len(text) > limits.max_string_length:
                raise _too_long(limits)
            if cap == "v":
                st["v"] = text
            elif cap == "f":
                st["f"] = text
            else:
                st["v"] = (st["v"] or "") + text
            st["cap"] = None
        elif tag == "rPh" and st["rph"]:
            st["rph"] -= 1
        elif tag == "c" and st["cell"] is not None:
            _finish(st, cells, sst, dates, n_dates, limits)
            st["cell"] = None
        elif tag == "sheetData":
            st["in_data"] = False

    def chars(text):
        if st["cap"] is not None:
            buf.append(text)

    _run_expat(data, start, end, chars, "工作表")
    return res


def _finish(st, cells, sst, dates, n_dates, limits) -> None:
    row, col, t, style = st["cell"]
    v, f = st["v"], st["f"]
    formula = ooxml_unescape(f) if f is not None else None
    is_date = style < n_dates and dates[style]
    if v is None or (v == "" and t in ("n", "s", "b", "e", "d")):
        if formula is None:
            return
        cells[(row, col)] = Cell("n" if t in ("n", "s") else t, "", formula, False, is_date, style)
        return
    if t == "n":
        text = v.strip()
        if _NUMBER.fullmatch(text) is None:
            raise unreadable(f"第 {row} 行第 {col} 列的数值「{text[:20]}」无效")
    elif t == "s":
        try:
            idx = int(v)
        except ValueError:
            raise unreadable(f"第 {row} 行第 {col} 列的共享字符串编号无效") from None
        if not 0 <= idx < len(sst):
            raise unreadable(f"第 {row} 行第 {col} 列的共享字符串编号越界")
        text = sst[idx]
    else:
        text = ooxml_unescape(v)
        if t == "b":
            text = {"true": "1", "false": "0"}.get(text.strip(), text.strip())
    cells[(row, col)] = Cell(t, text, formula, True, is_date, style)
