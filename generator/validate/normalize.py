"""Reading one cell the way a filer meant it.

Each function takes a reader `Cell` (or None) and returns a `Read`: the value for the
filed document, the state the rules work with, the exact number (a `Decimal`, never a
float) and, when a typing variant was accepted, how it was read (→ `normalized-value`).

States: "num" a number · "na" "/" (不涉及) · "blank" nothing · "text" anything else
(left to the schema to judge) · "unknown" a formula without a cached value.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Context, Decimal, InvalidOperation

from generator.forms.model import NA, TICK

# Excel shows 15 significant digits; a cached 0.1+0.2 is "0.30000000000000004".
_EXCEL = Context(prec=15)

# Ticks people type instead of "√" (accepted with a warning); anything else is not a tick.
TICK_VARIANTS = frozenset("✓✔☑✅●■vV对是1")

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


class Read:
    """One cell as read: `value` (for the document), `state`, `number` (an int or a
    Decimal: exact), `how` (a normalisation note, or None), `text` (what the filer typed,
    for messages; None for a number cell, shown from `number`)."""

    __slots__ = ("value", "state", "number", "how", "text", "expected")

    def __init__(self, value, state: str, number: Decimal | None = None, how: str | None = None,
                 text: str | None = None, expected: str | None = None):
        self.value = value
        self.state = state
        self.number = number
        self.how = how
        self.text = text
        self.expected = expected

    def __repr__(self) -> str:
        return f"Read({self.value!r}, {self.state}, how={self.how!r})"


BLANK = Read(None, "blank")
UNKNOWN = Read(None, "unknown")
SLASH = Read(NA, "na", text=NA)
# Reads are never changed once made: the common ones are shared.
_INTS: dict[str, Read] = {}


def excel_decimal(text: str) -> Decimal:
    """A number cell's text as Excel means it: 15 significant digits, no float."""
    return _EXCEL.create_decimal(text)


def plain(d: Decimal) -> str:
    """A number as a filer writes it: 3, 12.5, 0.001 (no exponent, no trailing zeros)."""
    if isinstance(d, int):
        return str(d)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    s = format(d.normalize(), "f")
    return s


def json_number(d: Decimal):
    """The document's number: an int when whole, otherwise a float (for display only:
    rules use the Decimal)."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def cell_text(cell) -> str:
    """A cell's value as text, for messages (numbers as Excel shows them)."""
    if cell is None:
        return ""
    if cell.kind == "n" and cell.text:
        try:
            return plain(excel_decimal(cell.text))
        except (InvalidOperation, ValueError):
            return cell.text
    if cell.kind == "b":
        return "TRUE" if cell.text == "1" else "FALSE"
    return cell.text


def _fold(text: str) -> str:
    """Full-width forms folded (／ → /, ０ → 0, ３ → 3), spaces dropped."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def figure(cell) -> Read:
    """A count or amount cell: a number, "/", blank, or the filer's text."""
    if cell is None:
        return BLANK
    kind = cell.kind
    if cell.formula is not None and not cell.has_cached_value:
        return UNKNOWN
    text = cell.text
    if kind == "n":
        if not text:
            return BLANK
        hit = _INTS.get(text)
        if hit is not None:
            return hit
        if text.isdigit() and len(text) <= 15:  # the common case: a whole number, exact as an int
            n = int(text)
            read = Read(n, "num", n)
            if len(text) <= 4 and len(_INTS) < 20000:
                _INTS[text] = read
            return read
        try:
            d = excel_decimal(text)
        except (InvalidOperation, ValueError):
            return Read(text, "text", text=text)
        return Read(json_number(d), "num", d)
    if kind in ("s", "str", "inlineStr", "d"):
        if text == NA:
            return SLASH
        if text == "" or text.isspace():
            return Read(None, "blank", text=text)
        folded = _fold(text)
        if folded == NA:
            return Read(NA, "na", how=_how_na(text), text=text, expected=NA)
        number = _parse_number(folded)
        if number is not None:
            how = ["文本形式的数字"]
            if text != text.strip():
                how.append("去掉空格")
            if unicodedata.normalize("NFKC", text) != text:
                how.append("全角字符")
            if "," in folded:
                how.append("去掉千位分隔符")
            return Read(json_number(number), "num", number, how="、".join(how), text=text, expected=plain(number))
        return Read(text.strip() if text.strip() else text, "text", text=text)
    if kind == "b":
        shown = "TRUE" if text == "1" else "FALSE"
        return Read(shown, "text", text=shown)
    # "e": an error value such as #DIV/0!
    return Read(text or "#错误", "text", text=text or "#错误")


def _how_na(text: str) -> str:
    if "／" in text:
        return "全角斜杠"
    return "去掉空格"


def _parse_number(folded: str) -> Decimal | None:
    if _NUMBER_TEXT.fullmatch(folded):
        try:
            return Decimal(folded)
        except InvalidOperation:  # pragma: no cover - the pattern admits only literals
            return None
    if _THOUSANDS.fullmatch(folded):
        return Decimal(folded.replace(",", ""))
    return None


def text(cell) -> Read:
    """A text field: the filer's words, trimmed; numbers as Excel shows them."""
    if cell is None:
        return BLANK
    if cell.formula is not None and not cell.has_cached_value:
        return UNKNOWN
    shown = cell_text(cell).strip()
    if not shown:
        return Read(None, "blank", text=cell.text)
    return Read(shown, "text", text=shown)


def tick(cell) -> Read:
    """A checkbox cell: "√" ticked; a common variant ticked with a warning; blank not ticked."""
    if cell is None:
        return BLANK
    raw = cell_text(cell)
    stripped = raw.strip()
    if not stripped:
        return BLANK
    if stripped == TICK:
        return Read(True, "num", text=raw, how=None if raw == TICK else "去掉空格", expected=TICK)
    folded = _fold(stripped)
    if folded == TICK or folded in TICK_VARIANTS:
        return Read(True, "num", text=raw, how="勾选符号", expected=TICK)
    return Read(raw, "text", text=raw)


# -- dates -------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"(\d{4})\s*(?:年|-|/|\.|－|／|．)\s*(\d{1,2})\s*(?:月|-|/|\.|－|／|．)\s*(\d{1,2})\s*日?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH_1900 = _dt.date(1899, 12, 30)
_EPOCH_1904 = _dt.date(1904, 1, 1)


def date(cell, date1904: bool = False) -> Read:
    """A date field: a date cell; an ISO text date; an Excel serial or a text date such as
    2022年6月30日 / 2022-6-30 / 2022.6.30 (accepted with a warning); else the filer's text."""
    if cell is None:
        return BLANK
    if cell.formula is not None and not cell.has_cached_value:
        return UNKNOWN
    if cell.kind == "n" and cell.text:
        try:
            serial = Decimal(cell.text)
        except InvalidOperation:
            return Read(cell.text, "text", text=cell.text)
        day = _from_serial(serial, date1904)
        if day is None:
            return Read(cell_text(cell), "text", text=cell_text(cell))
        iso = day.isoformat()
        if cell.is_date:
            return Read(iso, "num", text=iso)
        return Read(iso, "num", how="Excel 日期序号", text=cell_text(cell), expected=iso)
    raw = cell_text(cell)
    stripped = raw.strip()
    if not stripped:
        return Read(None, "blank", text=raw)
    if cell.kind == "d":  # an ISO 8601 date cell: a date, whatever its time part
        if _ISO.fullmatch(stripped[:10]) and _real(stripped[:10]):
            return Read(stripped[:10], "num", text=stripped[:10])
        return Read(stripped, "text", text=raw)
    if _ISO.fullmatch(stripped) and _real(stripped):
        return Read(stripped, "num", text=raw, how=None if raw == stripped else "去掉空格", expected=stripped)
    m = _DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", stripped))
    if m:
        try:
            iso = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return Read(stripped, "text", text=raw)
        return Read(iso, "num", how="文字日期", text=raw, expected=iso)
    return Read(stripped, "text", text=raw)


def _real(iso: str) -> bool:
    try:
        _dt.date.fromisoformat(iso)
        return True
    except ValueError:
        return False


def _from_serial(serial: Decimal, date1904: bool) -> _dt.date | None:
    if serial != serial.to_integral_value():
        serial = serial.to_integral_value(rounding="ROUND_FLOOR")  # a date with a time
    n = int(serial)
    if date1904:
        base = _EPOCH_1904
    else:
        if n == 60 or n < 1:
            return None  # 1900-02-29 does not exist (Excel's leap-year bug)
        base = _EPOCH_1900 if n > 60 else _dt.date(1899, 12, 31)
    if n > 2958465:  # 9999-12-31
        return None
    try:
        return base + _dt.timedelta(days=n)
    except OverflowError:
        return None
