"""read_workbook: a filed workbook, read within bounds, or a ReadError with a catalogue code."""

from __future__ import annotations

import os
import re
import stat

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.book import DefinedName, Sheet, Workbook
from generator.xlsx.package import TRUNCATED, Package
from generator.xlsx.sheetxml import shared_strings, worksheet
from generator.xlsx.sniff import KIND_ZH, ZIP_MAGICS, _local_headers, classify_parts, sniff, sniff_package
from generator.xlsx.styles import date_styles_from
from generator.xlsx.xmltext import attrs_of, check_declarations, parse_tree, plain_utf8, unescape

Source = "str | os.PathLike | bytes | bytearray | memoryview"

_SHEET_KINDS = {"worksheet": "worksheet", "chartsheet": "chartsheet", "dialogsheet": "dialogsheet",
                "xlmacrosheet": "macrosheet", "xlintlmacrosheet": "macrosheet"}


def read_workbook(source: Source, *, limits: Limits = Limits(), sheets: "list[str] | set[str] | tuple[str, ...] | None" = None) -> Workbook:
    """Read a filed .xlsx workbook (a path, or its bytes).

    Decides by content what the file is (see `sniff`), then reads the parts it needs
    within `limits`.  `sheets`, when given, names the sheets whose cells to read; the
    others are listed with `loaded=False`.  Raises only ReadError, whose `code` is a
    code of the findings catalogue's `file` area: whatever the bytes, any other
    exception inside the reader becomes `unreadable-file`.
    """
    try:
        return _read(source, limits, None if sheets is None else set(sheets))
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("file-too-large", {"reason": "读取时内存不足"}) from None
    except RecursionError:
        raise unreadable("文件结构嵌套过深") from None
    except Exception as exc:  # noqa: BLE001 - the contract: never a traceback
        raise unreadable(f"文件结构异常（{type(exc).__name__}）") from exc


def load_bytes(source: Source, limits: Limits) -> bytes:
    """The file's bytes, refusing to read past `limits.max_file_size`."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as f:
                st = os.fstat(f.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise unreadable("不是一个文件")
                if st.st_size > limits.max_file_size:
                    raise _too_big(st.st_size, limits)
                data = f.read(limits.max_file_size + 1)
        except FileNotFoundError:
            raise unreadable("找不到该文件") from None
        except IsADirectoryError:
            raise unreadable("不是一个文件") from None
        except PermissionError:
            raise unreadable("没有读取该文件的权限") from None
        except OSError as exc:
            raise unreadable(f"无法打开该文件（{exc.strerror or type(exc).__name__}）") from None
    if len(data) > limits.max_file_size:
        raise _too_big(len(data), limits)
    return data


def _too_big(size: int, limits: Limits) -> ReadError:
    return ReadError("file-too-large", {
        "reason": f"文件大小 {size / 1048576:.1f} MB，超过上限 {limits.max_file_size / 1048576:.0f} MB"})


def raise_for_kind(kind: str) -> None:
    """The ReadError for a sniffed kind the reader does not read."""
    if kind == "xlsx":
        return
    if kind == "empty":
        raise ReadError("empty-file")
    if kind == "encrypted":
        raise ReadError("encrypted-file")
    if kind in ("legacy", "xml-spreadsheet"):
        raise ReadError("legacy-format", {"format": KIND_ZH[kind]})
    if kind == "xlsm":
        raise ReadError("macro-enabled")
    if kind == "ods":
        raise ReadError("ods-format")
    if kind == "zip":
        raise unreadable(TRUNCATED)
    raise ReadError("not-a-workbook", {"kind": KIND_ZH.get(kind, KIND_ZH["unknown"])})


def open_package(data: bytes, limits: Limits) -> Package:
    """The zip package of an .xlsx, or the ReadError that says what the file is instead."""
    if not data:
        raise ReadError("empty-file")
    if data[:4] not in ZIP_MAGICS:
        kind = sniff(data)
        raise_for_kind(kind)
        raise unreadable("文件内容不是 .xlsx 工作簿")  # pragma: no cover - sniff said xlsx without a zip
    try:
        pkg = Package(data, limits)
    except ReadError as exc:
        if exc.code == "unreadable-file":
            # A damaged zip: its local headers may still say what it was meant to be.
            headers = _local_headers(data)
            mimetype = next((c for n, c in headers if n == "mimetype" and c is not None), None)
            names = [n for n, _ in headers]
            if names:
                kind = classify_parts(names, {}, mimetype)
                # Only a sure answer: an ODF mimetype, a macro part, a Word/PowerPoint part.
                other_office = any(n.lower().startswith(("word/", "ppt/")) for n in names)
                if kind in ("ods", "xlsm") or (kind == "zip-other" and (mimetype is not None or other_office)):
                    raise_for_kind(kind)
        raise
    raise_for_kind(sniff_package(pkg))
    return pkg


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on")


def _read(source: Source, limits: Limits, wanted: set[str] | None) -> Workbook:
    data = load_bytes(source, limits)
    pkg = open_package(data, limits)
    del data

    main = next((t for _i, kind, t, ext in pkg.rels("") if kind == "officedocument" and not ext), None)
    if main is None or not pkg.has(main):
        _defaults, overrides = pkg.content_types()
        main = next((p for p, ct in overrides.items() if ct.split(";")[0].strip().endswith(".main+xml")
                     and ("spreadsheetml" in ct or "ms-excel" in ct)), None)
    if main is None or not pkg.has(main):
        raise unreadable("缺少工作簿部件（xl/workbook.xml）")

    wb_root = pkg.tree(main, "工作簿部件")
    sheets_el = wb_root.find("sheets")
    sheet_els = sheets_el.findall("sheet") if sheets_el is not None else []
    if len(sheet_els) > limits.max_sheets:
        raise ReadError("too-many-sheets", {"count": len(sheet_els), "limit": limits.max_sheets})
    if not sheet_els:
        raise unreadable("工作簿中没有工作表")

    book = Workbook()
    pr = wb_root.find("workbookPr")
    book.date1904 = _flag(pr.get("date1904")) if pr is not None else False

    names_el = wb_root.find("definedNames")
    if names_el is not None:
        dn = names_el.findall("definedName")
        if len(dn) > limits.max_defined_names:
            raise ReadError("file-too-large", {"reason": f"定义的名称超过 {limits.max_defined_names} 个"})
        for e in dn:
            local_id = e.get("localSheetId")
            book.defined_names.append(DefinedName(
                name=e.get("name") or "", value=e.text,
                local_sheet=int(local_id) if local_id and local_id.isdigit() else None,
                hidden=_flag(e.get("hidden"))))

    rels = {rid: (kind, target) for rid, kind, target, ext in pkg.rels(main) if not ext}
    sst: list[str] = []
    dates: list[bool] = []
    for kind, target in rels.values():
        if kind == "styles" and pkg.has(target):
            dates = date_styles_from(pkg.read(target))
        elif kind == "sharedstrings" and pkg.has(target):
            sst = shared_strings(pkg.read(target), limits)

    seen: set[str] = set()
    budget = limits.max_cells
    vcache: dict = {}
    for e in sheet_els:
        name = e.get("name") or ""
        if name.lower() in seen:
            raise unreadable(f"工作表名称「{name[:31]}」重复")
        seen.add(name.lower())
        state = e.get("state") or "visible"
        if state not in ("visible", "hidden", "veryHidden"):
            state = "visible"
        kind, target = rels.get(e.get("id") or "", ("", ""))
        sheet = Sheet(name=name, state=state, kind=_SHEET_KINDS.get(kind, kind or "worksheet"), part=target)
        book.sheets.append(sheet)
        if not target or not pkg.has(target):
            raise unreadable(f"缺少工作表「{name[:31]}」的部件")
        if sheet.kind != "worksheet":
            continue
        if wanted is not None and name not in wanted:
            sheet.loaded = False
            continue
        res = worksheet(pkg.read(target), sst, dates, limits, budget, vcache=vcache)
        budget -= res.count
        sheet.cells = res.cells
        sheet.merged = res.merged
        sheet.dimension = res.dimension
        sheet.protected = res.protected

    for _rid, kind, target, ext in pkg.rels(""):
        if ext or not pkg.has(target):
            continue
        if kind == "extendedproperties":
            app = _doc_props(pkg.read(target), "docProps/app.xml")
            book.application = app.get("Application", "").strip()
            book.app_version = app.get("AppVersion", "").strip()
        elif kind == "customproperties":
            book.custom_properties = _custom_props(pkg.read(target))
    return book


_SIMPLE_PROP = re.compile(rb"<(Application|AppVersion)>([^<]*)</\1>")
_CUSTOM_PROP = re.compile(rb'<property\b([^>]*)>\s*<vt:\w+>([^<]*)</vt:\w+>\s*</property>')


def _doc_props(data: bytes, what: str) -> dict[str, str]:
    """Application and AppVersion of docProps/app.xml."""
    check_declarations(data)
    if plain_utf8(data):
        return {m.group(1).decode(): unescape(m.group(2)) for m in _SIMPLE_PROP.finditer(data)}
    root = parse_tree(data, what)
    return {e.tag: e.text for e in root.children if e.tag in ("Application", "AppVersion")}


def _custom_props(data: bytes) -> dict[str, str]:
    """docProps/custom.xml's properties by name, their values as text."""
    check_declarations(data)
    if plain_utf8(data):
        found = _CUSTOM_PROP.findall(data)
        if len(found) == data.count(b"<property"):
            out = {}
            for attrs, value in found:
                name = attrs_of(attrs).get("name")
                if name:
                    out[name] = unescape(value)
            return out
    out = {}
    for prop in parse_tree(data, "docProps/custom.xml").findall("property"):
        name = prop.get("name")
        if name:
            out[name] = prop.children[0].text if prop.children else prop.text
    return out
