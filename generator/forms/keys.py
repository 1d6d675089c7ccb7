"""The key of each input of a form, named once: where `layout` places it, where the filed
document holds its value, and how findings, rules and the roll-up address it.

A key is also the path of its value in the filed document:

- `HeaderKey`   ("header", field)                   document["header"][field]
- `GridKey`     (table, "rows", row, column)        document["tables"][table]["rows"][row][column]
                (table, "key_areas", row, column)   the 重点领域案件 grid below it
- `CaseKey`     (table, case, field, option)        table row `case` (0-based) of 表1; `option`
                                                    names a checkbox, None for a plain field
- `SectionKey`  (table, section)                    document["tables"][table][section]

Keys are named tuples, so they compare and hash as the plain tuples of the same parts and
a JSON Schema error path can be turned back into one (`key_of_path`).
"""

from __future__ import annotations

from typing import NamedTuple, Sequence, Union

HEADER = "header"
ROWS = "rows"  # a grid's main block
KEY_AREAS = "key_areas"  # a grid's 重点领域案件 block


class HeaderKey(NamedTuple):
    scope: str  # always HEADER
    field: str


class GridKey(NamedTuple):
    table: str
    block: str  # ROWS or KEY_AREAS
    row: str
    column: str


class CaseKey(NamedTuple):
    table: str
    case: int
    field: str
    option: str | None = None


class SectionKey(NamedTuple):
    table: str
    section: str


Key = Union[HeaderKey, GridKey, CaseKey, SectionKey]


# The constructors below build a key without NamedTuple's Python-level __new__ (the
# validator makes thousands of keys per workbook).
_new = tuple.__new__


def header_key(field_id: str) -> HeaderKey:
    return _new(HeaderKey, (HEADER, field_id))


def row_key(table_id: str, row_id: str, column_id: str) -> GridKey:
    return _new(GridKey, (table_id, ROWS, row_id, column_id))


def key_area_key(table_id: str, row_id: str, column_id: str) -> GridKey:
    return _new(GridKey, (table_id, KEY_AREAS, row_id, column_id))


def case_key(table_id: str, case: int, field_id: str, option_id: str | None = None) -> CaseKey:
    return _new(CaseKey, (table_id, case, field_id, option_id))


def as_key(parts: Sequence) -> Key | None:
    """The named key of a plain tuple of its parts; None when the parts are no key."""
    if len(parts) == 2:
        return HeaderKey(*parts) if parts[0] == HEADER else SectionKey(*parts)
    if len(parts) == 4:
        if isinstance(parts[1], int):
            return CaseKey(*parts)
        if parts[1] in (ROWS, KEY_AREAS):
            return GridKey(*parts)
    return None


def key_of_path(path: Sequence) -> Key | None:
    """The key of a path into the filed document (a JSON Schema error's instance path:
    ["header", field], ["tables", table, "rows", row, column], ["tables", table, i, field],
    ["tables", table, i, field, n] for the n-th ticked option, ["tables", table, section]);
    None for a path that names no input."""
    if len(path) == 2 and path[0] == HEADER:
        return HeaderKey(HEADER, path[1])
    if len(path) >= 3 and path[0] == "tables":
        table = path[1]
        if len(path) == 5 and path[2] in (ROWS, KEY_AREAS):
            return GridKey(table, path[2], path[3], path[4])
        if len(path) >= 4 and isinstance(path[2], int):
            return CaseKey(table, path[2], path[3], None)
        if len(path) == 3:
            return SectionKey(table, path[2])
    return None
