"""Which cell styles show dates: styles.xml's numFmts and cellXfs, parsed once."""

from __future__ import annotations

import re

from generator.xlsx.xmltext import Element

# Built-in number formats that are dates or times: 14–22 and 45–47 everywhere, and the
# East Asian locale formats 27–36 and 50–58 (年月日 in zh-CN Excel and WPS).
BUILTIN_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])

# Parts of a format code that never make it a date: quoted text, [colour]/[$-804]/
# [DBNum1] brackets, \-escaped and _/* padding characters.
_NOT_CODE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_LETTERS = re.compile(r"[ymdhYMDH]")


def is_date_format(code: str) -> bool:
    """A custom number format shows a date or time: y, m, d or h outside quotes and
    brackets ("yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy/m/d", "h:mm")."""
    if not code or code.lower() == "general":
        return False
    stripped = _NOT_CODE.sub("", code)
    return bool(_DATE_LETTERS.search(stripped))


def date_styles(root: Element | None) -> list[bool]:
    """For each cellXfs index, whether its number format is a date format."""
    if root is None:
        return []
    custom: dict[int, str] = {}
    num_fmts = root.find("numFmts")
    if num_fmts is not None:
        for e in num_fmts.children:
            if e.tag == "numFmt":
                try:
                    custom[int(e.get("numFmtId") or "")] = e.get("formatCode") or ""
                except ValueError:
                    continue
    out = []
    xfs = root.find("cellXfs")
    if xfs is not None:
        cache: dict[int, bool] = {}
        for e in xfs.children:
            if e.tag != "xf":
                continue
            try:
                fid = int(e.get("numFmtId") or "0")
            except ValueError:
                fid = 0
            if fid not in cache:
                cache[fid] = is_date_format(custom[fid]) if fid in custom else fid in BUILTIN_DATE_IDS
            out.append(cache[fid])
    return out
