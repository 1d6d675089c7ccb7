"""What the reader returns: a workbook, its sheets and their sparse cells."""

from __future__ import annotations

from generator.xlsx.refs import col_letters, parse_ref

# Cell kinds, as the `t` attribute of `<c>` has them ("n" when absent).
KINDS = ("n", "s", "b", "e", "str", "inlineStr", "d")


class Cell:
    """One cell that holds a value or a formula.

    - `kind`: "n" number, "s" shared string, "b" boolean ("0"/"1"), "e" error
      ("#DIV/0!"), "str" a formula's string result, "inlineStr", "d" ISO 8601 date.
    - `text`: the value exactly as stored: for numbers the XML text ("12.30", "1E-3"),
      checked to be a number literal, so `Decimal(cell.text)` always works; for strings
      the text with escapes resolved; "" when a formula has no cached value.
    - `formula`: None for a plain value; the formula text without "=" otherwise, or ""
      for a cell that only points at a shared formula (`<f t="shared" si="0"/>`).
    - `has_cached_value`: False for a formula whose result the writing program did not
      store (openpyxl); such a cell is not a blank.
    - `is_date`: the cell's style has a date or time number format.
    - `style`: index into the workbook's cellXfs (0 when absent).

    Treat cells as read-only: the reader hands out one Cell for all the cells of a
    sheet that hold the same value with the same style.
    """

    __slots__ = ("kind", "text", "formula", "has_cached_value", "is_date", "style")

    def __init__(self, kind: str, text: str, formula: str | None = None,
                 has_cached_value: bool = True, is_date: bool = False, style: int = 0):
        self.kind = kind
        self.text = text
        self.formula = formula
        self.has_cached_value = has_cached_value
        self.is_date = is_date
        self.style = style

    @property
    def is_formula(self) -> bool:
        return self.formula is not None

    @property
    def is_number(self) -> bool:
        return self.kind == "n" and self.has_cached_value

    @property
    def is_text(self) -> bool:
        return self.kind in ("s", "str", "inlineStr")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = ""
        if self.formula is not None:
            extra += f", formula={self.formula!r}"
            if not self.has_cached_value:
                extra += ", no cached value"
        if self.is_date:
            extra += ", date"
        return f"Cell({self.kind}, {self.text!r}{extra})"


class Sheet:
    """One sheet, in workbook order.

    `cells` maps (row, column), both 1-based, to the cells that hold a value or a
    formula; formatted blanks are left out.  `dimension` is the `<dimension ref>` the
    file declares (never trusted: see `extent`).  `merged` holds merged ranges as
    (first_row, first_col, last_row, last_col).  `kind` is "worksheet", "chartsheet",
    "dialogsheet" or "macrosheet"; only worksheets have cells.  `state` is "visible",
    "hidden" or "veryHidden".  `protected` is the sheet protection flag.  `loaded` is
    False for a sheet left out by `read_workbook(..., sheets=...)`.  `part` is the
    sheet's part name in the package ("xl/worksheets/sheet1.xml").
    """

    __slots__ = ("name", "state", "kind", "cells", "merged", "dimension", "protected", "loaded", "part")

    def __init__(self, name: str, state: str = "visible", kind: str = "worksheet",
                 cells: dict[tuple[int, int], Cell] | None = None,
                 merged: list[tuple[int, int, int, int]] | None = None, dimension: str | None = None,
                 protected: bool = False, loaded: bool = True, part: str = ""):
        self.name = name
        self.state = state
        self.kind = kind
        self.cells = {} if cells is None else cells
        self.merged = [] if merged is None else merged
        self.dimension = dimension
        self.protected = protected
        self.loaded = loaded
        self.part = part

    def __repr__(self) -> str:
        return f"Sheet({self.name!r}, {self.state}, {len(self.cells)} cells)"

    @property
    def visible(self) -> bool:
        return self.state == "visible"

    @property
    def extent(self) -> tuple[int, int, int, int] | None:
        """(min_row, min_col, max_row, max_col) of the cells held, or None when none."""
        if not self.cells:
            return None
        rows = [k[0] for k in self.cells]
        cols = [k[1] for k in self.cells]
        return (min(rows), min(cols), max(rows), max(cols))

    @property
    def extent_ref(self) -> str | None:
        """`extent` as an A1 range ("A1:H20"), to compare with `dimension`."""
        e = self.extent
        if e is None:
            return None
        return f"{col_letters(e[1])}{e[0]}:{col_letters(e[3])}{e[2]}"

    def cell(self, ref: str) -> Cell | None:
        """The cell at an A1 reference ("E7"), or None when it holds nothing."""
        return self.cells.get(parse_ref(ref))


class DefinedName:
    """A workbook's defined name; `local_sheet` is the index of the sheet it is scoped to."""

    __slots__ = ("name", "value", "local_sheet", "hidden")

    def __init__(self, name: str, value: str, local_sheet: int | None = None, hidden: bool = False):
        self.name = name
        self.value = value
        self.local_sheet = local_sheet
        self.hidden = hidden

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DefinedName):
            return NotImplemented
        return (self.name, self.value, self.local_sheet, self.hidden) == (
            other.name, other.value, other.local_sheet, other.hidden)

    def __hash__(self) -> int:
        return hash((self.name, self.value, self.local_sheet, self.hidden))

    def __repr__(self) -> str:
        return f"DefinedName({self.name!r}, {self.value!r}, local_sheet={self.local_sheet}, hidden={self.hidden})"


class Workbook:
    """A filed workbook as read.

    `sheets` in workbook order; `date1904` the 1904 date system flag; `defined_names`;
    `custom_properties` are the `docProps/custom.xml` properties by name, as text;
    `application` is `docProps/app.xml`'s Application text ("Microsoft Excel",
    "WPS Office …", "LibreOffice/7.4…") and `producer` the family it names: "excel",
    "wps", "libreoffice", "other" or "" when absent; `format` is the sniffed kind.
    """

    __slots__ = ("sheets", "date1904", "defined_names", "custom_properties", "application", "app_version", "format")

    def __init__(self):
        self.sheets: list[Sheet] = []
        self.date1904 = False
        self.defined_names: list[DefinedName] = []
        self.custom_properties: dict[str, str] = {}
        self.application = ""
        self.app_version = ""
        self.format = "xlsx"

    def __repr__(self) -> str:
        return f"Workbook({self.sheet_names!r}, producer={self.producer!r})"

    @property
    def producer(self) -> str:
        app = self.application.lower()
        if not app:
            return ""
        if "wps" in app or "kingsoft" in app:
            return "wps"
        if "libreoffice" in app or "openoffice" in app:
            return "libreoffice"
        if "excel" in app:
            return "excel"
        return "other"

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    def __getitem__(self, name: str) -> Sheet:
        s = self.sheet(name)
        if s is None:
            raise KeyError(name)
        return s
