"""A1 references: column letters and numbers, within Excel's grid (XFD1048576)."""

from __future__ import annotations

import re

MAX_ROW = 1_048_576
MAX_COL = 16_384  # XFD

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def col_number(letters: str) -> int:
    """"A" → 1, "XFD" → 16384 (no range check)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(n: int) -> str:
    """1 → "A", 16384 → "XFD"."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_ref(ref: str) -> tuple[int, int]:
    """"E7" (or "$E$7") → (7, 5); ValueError when not a reference inside the grid."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    row, col = int(m.group(2)), col_number(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(f"cell reference outside the grid: {ref!r}")
    return row, col


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """"A1:B2" → (1, 1, 2, 2); a single cell is a one-cell range."""
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last) if last else (r1, c1)
    return (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def ref_name(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"
