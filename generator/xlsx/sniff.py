"""Deciding what a file is by its content, never by its name.

`sniff(head)` answers one of:

- "xlsx": an OOXML spreadsheet (workbook or template) without macros;
- "xlsm": macro-enabled (a macroEnabled content type, or a vbaProject.bin part);
- "xlsb": the binary Excel workbook;
- "encrypted": an OLE compound file holding EncryptionInfo/EncryptedPackage
  (an Office file with an open password);
- "legacy": an OLE compound file with a Workbook/Book stream (.xls; WPS .et);
- "xml-spreadsheet": Excel 2003 XML (SpreadsheetML);
- "ods": OpenDocument spreadsheet; "docx" / "pptx": a Word / PowerPoint document;
  "zip-other": another office document (odt, odp, …); "archive": a plain zip archive;
- "zip": a zip too damaged to tell (truncated);
- "ole-other": another OLE file (.doc, .ppt, …);
- "csv", "html", "text", "pdf", "empty", "unknown".

Give it the whole file for a sure answer: a zip's central directory sits at its end.
With only a head, a zip is judged from the local headers it shows.
"""

from __future__ import annotations

import re
import struct

from generator.xlsx.limits import Limits, ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# What a sniffed kind is, in a filer's words (for not-a-workbook / legacy-format).
KIND_ZH = {
    "xlsb": "Excel 二进制工作簿（.xlsb）",
    "legacy": "Excel 97-2003 工作簿（.xls）或 WPS 表格（.et）",
    "xml-spreadsheet": "Excel 2003 XML 表格",
    "docx": "Word 文档",
    "pptx": "PowerPoint 演示文稿",
    "zip-other": "其他办公文档（如 OpenDocument 文本或演示文稿）",
    "archive": "压缩包（.zip）",
    "ole-other": "旧版 Word/PowerPoint 等文档",
    "csv": "CSV 文本",
    "html": "网页（HTML）文件",
    "text": "纯文本",
    "pdf": "PDF 文档",
    "unknown": "无法识别的内容",
}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


_OLE_NAMES = re.compile(b"|".join(re.escape(_utf16(n)) for n in
                                  ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument",
                                   "PowerPoint Document", "Root Entry")))


def _ole_streams(data: bytes) -> set[str]:
    """Names of directory entries found in an OLE compound file: a 128-byte entry
    whose name field holds the name, with a matching length and a stream/storage type."""
    found = set()
    for m in _OLE_NAMES.finditer(data, 512):
        p = m.start()
        if p % 128:
            continue
        name = m.group(0).decode("utf-16-le")
        if len(data) < p + 68:
            continue
        (nlen,) = struct.unpack("<H", data[p + 64:p + 66])
        if nlen == (len(name) + 1) * 2 and data[p + 66] in (1, 2):
            found.add(name)
    return found


def _sniff_ole(data: bytes) -> str:
    names = _ole_streams(data)
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return "encrypted"
    if names & {"Workbook", "Book"}:
        return "legacy"
    if "Root Entry" not in names:
        return "legacy"  # the directory is past the head given: most likely an .xls/.et
    return "ole-other"


def classify_parts(names: list[str], types: dict[str, str], mimetype: bytes | None) -> str:
    """Kind of a zip from its entry names, its content types and its ODF mimetype."""
    lower = [n.lower() for n in names]
    if mimetype is not None:
        return "ods" if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet" else "zip-other"
    cts = " ".join(types.values()).lower()
    spreadsheet = ("spreadsheetml" in cts or "ms-excel.sheet" in cts or "ms-excel.template" in cts
                   or any(n.startswith("xl/") for n in lower))
    if not spreadsheet:
        return _other_zip(lower, cts)
    if "ms-excel.sheet.binary" in cts or any(n.endswith(".bin") and "workbook" in n for n in lower):
        return "xlsb"
    if "macroenabled" in cts or any(n.endswith("vbaproject.bin") for n in lower):
        return "xlsm"
    return "xlsx"


def _other_zip(lower: list[str], cts: str) -> str:
    """A zip that is not a spreadsheet: a Word or PowerPoint document, another office
    document (it has content types), or a plain archive (a .txt zipped, say)."""
    if "wordprocessingml" in cts or any(n.startswith("word/") for n in lower):
        return "docx"
    if "presentationml" in cts or any(n.startswith("ppt/") for n in lower):
        return "pptx"
    if cts or "[content_types].xml" in lower:
        return "zip-other"
    return "archive"


def _local_headers(data: bytes, limit: int = 512) -> list[tuple[str, bytes | None]]:
    """(name, stored content or None) of the local file headers at the start of a zip."""
    out = []
    pos = 0
    while len(out) < limit and data[pos:pos + 4] == b"PK\x03\x04" and pos + 30 <= len(data):
        (flags, method, csize, nlen, xlen) = struct.unpack("<2xHH8xL4xHH", data[pos + 4:pos + 30])
        name = data[pos + 30:pos + 30 + nlen].decode("utf-8", "replace")
        start = pos + 30 + nlen + xlen
        content = data[start:start + csize] if method == 0 and not flags & 0x8 else None
        out.append((name, content))
        if flags & 0x8:  # sizes in a trailing data descriptor: look for the next header
            nxt = data.find(b"PK\x03\x04", start)
            if nxt < 0:
                break
            pos = nxt
        else:
            pos = start + csize
    return out


def _sniff_zip(data: bytes) -> str:
    from generator.xlsx.package import Package

    try:
        pkg = Package(data, Limits())
        return sniff_package(pkg)
    except ReadError as exc:
        if exc.code in ("encrypted-file",):
            return "encrypted"
    headers = _local_headers(data)
    names = [n for n, _ in headers]
    mimetype = next((c for n, c in headers if n == "mimetype" and c is not None), None)
    if mimetype is not None:
        return classify_parts(names, {}, mimetype)
    lower = [n.lower() for n in names]
    if any(n.startswith(("word/", "ppt/")) for n in lower):
        return _other_zip(lower, "")
    if any(n.endswith("vbaproject.bin") for n in lower):
        return "xlsm"
    if any(n.startswith("xl/") for n in lower):
        return "xlsx"  # a head, or a damaged zip, of a spreadsheet
    return "zip"


def sniff_package(pkg) -> str:
    """Kind of an opened Package (see module doc)."""
    names = pkg.names()
    mimetype = None
    info = pkg.find("mimetype")
    if info is not None and info.file_size < 256:
        mimetype = pkg.read_info(info)
    types: dict[str, str] = {}
    if mimetype is None:
        try:
            defaults, overrides = pkg.content_types()
            types = {**{"." + k: v for k, v in defaults.items()}, **overrides}
        except ReadError as exc:
            if exc.code == "unsafe-xml":
                raise
            types = {}
    return classify_parts(names, types, mimetype)


_CTRL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[2:len(head) - (len(head) % 2)].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    if len(_CTRL.findall(head)) > max(2, len(head) // 100):
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the head is fine.
            if exc.start >= len(head) - 4 and exc.reason in ("unexpected end of data", "incomplete multibyte sequence"):
                return head[:exc.start].decode(enc, "replace")
    return None


def _sniff_text(head: bytes) -> str:
    text = _decode_text(head[:8192])
    if text is None:
        return "unknown"
    start = text.lstrip().lower()
    first = start[:2048]
    if "urn:schemas-microsoft-com:office:spreadsheet" in first:
        return "xml-spreadsheet"
    if start.startswith(("<!doctype html", "<html", "mime-version:")) or re.search(r"<(html|table|body|head|meta)\b", first):
        return "html"
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    if len(lines) >= 1:
        if len(lines) == len(text.splitlines()) and not text.endswith(("\n", "\r")) and len(head) >= 8192:
            lines = lines[:-1] or lines  # the last line may be cut
        for sep in (",", "\t", ";", "，"):
            counts = [ln.count(sep) for ln in lines]
            if counts and min(counts) >= 1 and (len(set(counts)) == 1 or len(lines) == 1 or sep == ","):
                return "csv"
    return "text"


def sniff(head: bytes) -> str:
    """What the bytes are (see the module doc for the answers).  Never raises."""
    try:
        if not head:
            return "empty"
        if head.startswith(OLE_MAGIC):
            return _sniff_ole(head)
        if head[:4] in ZIP_MAGICS:
            return _sniff_zip(head)
        if head.startswith(b"%PDF-"):
            return "pdf"
        return _sniff_text(head)
    except ReadError as exc:
        if exc.code == "unsafe-xml":
            return "xlsx"  # a zip of XML parts: reading will say unsafe-xml
        return "unknown"
    except Exception:  # noqa: BLE001 - sniffing must never raise
        return "unknown"
