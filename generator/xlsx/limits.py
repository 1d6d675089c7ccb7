"""Bounds on what the reader will do for one file, and the one error it raises.

Every filed workbook is treated as hostile.  These numbers bound the time and memory
one read can take, whatever the bytes: the reader never inflates more than
`max_part_size` bytes of one part nor `max_total_size` bytes in all, never builds more
than `max_cells` cells, and rejects the file as soon as a bound is crossed.
"""

from __future__ import annotations

_DEFAULTS = {
    "max_file_size": 20 * 1024 * 1024,
    "max_part_size": 32 * 1024 * 1024,
    "max_total_size": 128 * 1024 * 1024,
    "max_ratio": 100,
    "ratio_grace": 1024 * 1024,
    "max_entries": 4096,
    "max_directory_size": 1024 * 1024,
    "max_sheets": 64,
    "max_cells": 500_000,
    "max_string_length": 32_767,
    "max_shared_strings": 500_000,
    "max_defined_names": 10_000,
}


class Limits:
    """What one read may cost.  The defaults suit monthly report forms many times over.

    - `max_file_size`: 20 MiB, the file itself (compressed).
    - `max_part_size`: 32 MiB, one part inflated (counted while inflating, in chunks;
      the size a zip header declares is never trusted).
    - `max_total_size`: 128 MiB, all parts inflated, added up (declared sizes are
      checked first, and the bytes actually inflated while reading).
    - `max_ratio`: 100, inflated/compressed size of one part, once it has inflated past
      `ratio_grace` (1 MiB): a zip bomb stops there.
    - `max_entries`: 4,096 entries in the zip; `max_directory_size`: 1 MiB of central
      directory (checked before any entry is listed).
    - `max_sheets`: 64 sheets.
    - `max_cells`: 500,000 `<c>` elements in all sheets read (formatted blanks count).
    - `max_string_length`: 32,767 characters in one text (Excel's own cell limit).
    - `max_shared_strings`: 500,000 entries in the shared-strings table.
    - `max_defined_names`: 10,000 defined names.

    A frozen, slotted value class like a dataclass, written out because importing
    `dataclasses` costs a fresh process several milliseconds: `Limits(max_cells=100)`,
    `limits.replace(max_sheets=8)`, equality and repr work as they would.
    """

    __slots__ = tuple(_DEFAULTS)

    max_file_size: int
    max_part_size: int
    max_total_size: int
    max_ratio: int
    ratio_grace: int
    max_entries: int
    max_directory_size: int
    max_sheets: int
    max_cells: int
    max_string_length: int
    max_shared_strings: int
    max_defined_names: int

    def __init__(self, **values: int):
        unknown = set(values) - set(_DEFAULTS)
        if unknown:
            raise TypeError(f"unknown limit(s): {', '.join(sorted(unknown))}")
        for name, default in _DEFAULTS.items():
            object.__setattr__(self, name, int(values.get(name, default)))

    def __setattr__(self, name, value):
        raise AttributeError("Limits is frozen; use .replace(...)")

    def replace(self, **changes: int) -> "Limits":
        return Limits(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _DEFAULTS}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limits) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().values()))

    def __repr__(self) -> str:
        changed = ", ".join(f"{k}={v}" for k, v in self.as_dict().items() if v != _DEFAULTS[k])
        return f"Limits({changed})"


class ReadError(Exception):
    """A filed file the reader will not (or cannot) read.

    `code` is a code of the findings catalogue (area `file`); `params` fill its Chinese
    message template (e.g. `reason` for `unreadable-file`).
    """

    def __init__(self, code: str, params: dict[str, object] | None = None, variant: str | None = None):
        self.code = code
        self.params = dict(params or {})
        self.variant = variant  # a named variant of the code's message and remedy
        super().__init__(code, self.params)

    def __str__(self) -> str:
        if self.params:
            detail = ", ".join(f"{k}={v}" for k, v in self.params.items())
            return f"{self.code} ({detail})"
        return self.code


def unreadable(reason: str, variant: str | None = None, **params: object) -> ReadError:
    """`unreadable-file` with a Chinese reason."""
    return ReadError("unreadable-file", {"reason": reason, **params}, variant)
