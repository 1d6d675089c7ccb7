"""Is it a Word document, and which kind — decided by the content, never by the name.

`sniff_document(data)` answers "docx" (a Word document or template without macros),
"docm" (macro-enabled: a macroEnabled content type or a vbaProject.bin part), "doc" (an
OLE compound file with a WordDocument stream: Word 97-2003 .doc, and WPS 文字's .wps,
which is built the same way), or None for anything else (the .xlsx reader then says what
it is).  Never raises.
"""

from __future__ import annotations

from generator.xlsx.limits import Limits, ReadError
from generator.xlsx.package import Package
from generator.xlsx.sniff import OLE_MAGIC, ZIP_MAGICS, _ole_streams


def _zip_kind(pkg: Package) -> str | None:
    names = [n.lower() for n in pkg.names()]
    try:
        defaults, overrides = pkg.content_types()
        types = " ".join(list(defaults.values()) + list(overrides.values())).lower()
    except ReadError as exc:
        if exc.code == "unsafe-xml":
            raise
        types = ""
    word = "wordprocessingml" in types or "ms-word" in types or any(n.startswith("word/") for n in names)
    if not word or "spreadsheetml" in types or any(n.startswith("xl/") for n in names):
        return None
    if "macroenabled" in types or any(n.endswith("vbaproject.bin") for n in names):
        return "docm"
    return "docx"


def sniff_document(data: bytes, limits: Limits = Limits()) -> str | None:
    try:
        if data.startswith(OLE_MAGIC):
            return "doc" if "WordDocument" in _ole_streams(data) else None
        if data[:4] in ZIP_MAGICS:
            return _zip_kind(Package(data, limits))
    except ReadError as exc:
        if exc.code == "unsafe-xml":
            return "docx"  # a Word package of XML parts: reading will say unsafe-xml
        return None
    except Exception:  # noqa: BLE001 - sniffing must never raise
        return None
    return None
