"""Which cell styles show dates: styles.xml's numFmts and cellXfs, parsed once."""

from __future__ import annotations

import re

from generator.xlsx.xmltext import Element, attrs_of, check_declarations, parse_tree, plain_utf8

_REGION = {name: re.compile(rb"<" + name + rb"\b[^>]*?(?:/>|>([^<]*+(?:<(?!/" + name + rb">)[^<]*+)*+)</" + name + rb">)")
           for name in (b"numFmts", b"cellXfs")}
_TAG = {name: re.compile(rb"<" + name + rb"\b([^>]*)>") for name in (b"numFmt", b"xf")}
_PREFIXED = re.compile(rb"<[A-Za-z_][A-Za-z0-9_.\-]*:")

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


def date_styles_from(data: bytes, what: str = "样式部件") -> list[bool]:
    """`date_styles` of styles.xml's bytes: numFmts and cellXfs found by regex when
    the part is plain (Excel's extLst with prefixed elements is never looked at),
    else through the expat tree."""
    check_declarations(data)
    if plain_utf8(data) and data.lstrip()[:1] == b"<" and not re.search(rb"<[A-Za-z_][\w.\-]*:styleSheet\b", data[:4096]):
        regions = {}
        for name, rx in _REGION.items():
            m = rx.search(data)
            regions[name] = (m.group(1) or b"") if m else b""
        if not any(_PREFIXED.search(r) for r in regions.values()):
            try:
                custom = {}
                for m in _TAG[b"numFmt"].finditer(regions[b"numFmts"]):
                    a = attrs_of(m.group(1))
                    try:
                        custom[int(a.get("numFmtId") or "")] = a.get("formatCode") or ""
                    except ValueError:
                        continue
                ids = []
                for m in _TAG[b"xf"].finditer(regions[b"cellXfs"]):
                    try:
                        ids.append(int(attrs_of(m.group(1)).get("numFmtId") or "0"))
                    except ValueError:
                        ids.append(0)
                return _flags(custom, ids)
            except UnicodeDecodeError:
                pass
    return date_styles(parse_tree(data, what))


def _flags(custom: dict[int, str], ids: list[int]) -> list[bool]:
    cache: dict[int, bool] = {}
    out = []
    for fid in ids:
        if fid not in cache:
            cache[fid] = is_date_format(custom[fid]) if fid in custom else fid in BUILTIN_DATE_IDS
        out.append(cache[fid])
    return out


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
    ids = []
    xfs = root.find("cellXfs")
    if xfs is not None:
        for e in xfs.children:
            if e.tag != "xf":
                continue
            try:
                ids.append(int(e.get("numFmtId") or "0"))
            except ValueError:
                ids.append(0)
    return _flags(custom, ids)
