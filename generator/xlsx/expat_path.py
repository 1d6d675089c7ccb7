"""The careful path for shared strings and worksheets: expat, with namespace prefixes
stripped, CDATA, comments and any encoding expat knows, cells without `r` placed by
position.  Bounded like the fast path: every `<c>` counts against the cell budget,
every text against the string length limit."""

from __future__ import annotations

import re

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.book import Cell
from generator.xlsx.refs import MAX_COL, MAX_ROW, parse_range, parse_ref
from generator.xlsx.xmltext import local, ooxml_unescape, run_expat

# Any element whose local name is "c": an upper bound of the cells an unusual part holds.
_ANY_C = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TYPES = frozenset(("n", "s", "b", "e", "str", "inlineStr", "d"))


class SheetResult:
    __slots__ = ("cells", "merged", "dimension", "protected", "count")

    def __init__(self):
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.dimension: str | None = None
        self.protected = False
        self.count = 0  # <c> elements seen, blanks included

    def add_merge(self, ref: str, limits: Limits, budget: int) -> None:
        """A merged range, counted against the cell budget like a cell."""
        self.count += 1
        if self.count > budget:
            raise too_many(limits)
        try:
            self.merged.append(parse_range(ref))
        except ValueError:
            raise bad_ref(ref) from None


def too_many(limits: Limits) -> ReadError:
    return ReadError("too-many-cells", {"limit": limits.max_cells})


def too_long(limits: Limits) -> ReadError:
    return unreadable(f"有文字超过 {limits.max_string_length} 个字符（Excel 单元格的上限）")


def bad_ref(ref: str) -> ReadError:
    return unreadable(f"单元格地址「{ref[:20]}」超出 Excel 的范围（最大 XFD1048576）")


def sst_expat(data: bytes, limits: Limits) -> list[str]:
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
                raise too_long(limits)
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

    run_expat(data, start, end, chars, "共享字符串表")
    return out


def sheet_expat(data: bytes, sst: list[str], dates: list[bool], limits: Limits, budget: int) -> SheetResult:
    """The careful path: expat, prefixes stripped, cells without `r` placed by position."""
    n = 0
    for _ in _ANY_C.finditer(data):
        n += 1
        if n > budget:
            raise too_many(limits)
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
                raise too_many(limits)
            a = {local(k): v for k, v in attrs.items()}
            ref = a.get("r")
            if ref:
                try:
                    row, col = parse_ref(ref)
                except ValueError:
                    raise bad_ref(ref) from None
            else:
                row, col = st["row"] or 1, st["col"] + 1
                if col > MAX_COL:
                    raise bad_ref(f"第 {row} 行第 {col} 列")
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
                    raise bad_ref(r) from None
            else:
                row = st["row"] + 1
            if not 1 <= row <= MAX_ROW:
                raise bad_ref(f"第 {row} 行")
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
            res.add_merge(next((v for k, v in attrs.items() if local(k) == "ref"), ""), limits, budget)
        elif tag == "sheetProtection":
            a = {local(k): v for k, v in attrs.items()}
            res.protected = a.get("sheet", "0").lower() in ("1", "true")

    def end(name):
        tag = local(name)
        cap = st["cap"]
        if cap is not None and tag == {"v": "v", "f": "f", "t": "t"}[cap]:
            text = "".join(buf)
            if len(text) > limits.max_string_length:
                raise too_long(limits)
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

    run_expat(data, start, end, chars, "工作表")
    return res


def _finish(st, cells, sst, dates, n_dates, limits) -> None:
    row, col, t, style = st["cell"]
    v, f = st["v"], st["f"]
    formula = ooxml_unescape(f) if f is not None else None
    is_date = style < n_dates and dates[style]
    if formula is None and (v is None or (v == "" and t != "inlineStr")):
        return  # a formatted blank
    if v is None or (v == "" and t not in ("str", "inlineStr")):
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
