"""A fast, bounded, content-sniffing reader of filed .xlsx workbooks (standard library only).

    from generator.xlsx import read_workbook, sniff, ReadError, Limits

    try:
        book = read_workbook("月报.xlsx")
    except ReadError as exc:
        exc.code, exc.params        # a code of the findings catalogue (area `file`)

Every file is treated as hostile: see `Limits` for the bounds and `sniff` for how a file
is recognised.  `annotate` (in `generator.xlsx.annotate`) writes a marked copy.
"""

from generator.xlsx.limits import Limits, ReadError
from generator.xlsx.book import Cell, DefinedName, Sheet, Workbook
from generator.xlsx.reader import read_workbook
from generator.xlsx.sniff import sniff

__all__ = ["Cell", "DefinedName", "Limits", "ReadError", "Sheet", "Workbook", "read_workbook", "sniff"]
