"""Bounds on what the reader will do for one file, and the one error it raises.

Every filed workbook is treated as hostile.  These numbers bound the time and memory
one read can take, whatever the bytes: the reader never inflates more than
`max_part_size` bytes of one part nor `max_total_size` bytes in all, never builds more
than `max_cells` cells, and rejects the file as soon as a bound is crossed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
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
    """

    max_file_size: int = 20 * 1024 * 1024
    max_part_size: int = 32 * 1024 * 1024
    max_total_size: int = 128 * 1024 * 1024
    max_ratio: int = 100
    ratio_grace: int = 1024 * 1024
    max_entries: int = 4096
    max_directory_size: int = 1024 * 1024
    max_sheets: int = 64
    max_cells: int = 500_000
    max_string_length: int = 32_767
    max_shared_strings: int = 500_000
    max_defined_names: int = 10_000


class ReadError(Exception):
    """A filed file the reader will not (or cannot) read.

    `code` is a code of the findings catalogue (area `file`); `params` fill its Chinese
    message template (e.g. `reason` for `unreadable-file`).
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None):
        self.code = code
        self.params = dict(params or {})
        super().__init__(code, self.params)

    def __str__(self) -> str:
        if self.params:
            detail = ", ".join(f"{k}={v}" for k, v in self.params.items())
            return f"{self.code} ({detail})"
        return self.code


def unreadable(reason: str, **params: Any) -> ReadError:
    """`unreadable-file` with a Chinese reason."""
    return ReadError("unreadable-file", {"reason": reason, **params})
