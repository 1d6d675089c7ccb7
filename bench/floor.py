"""The "floor" the benchmarks print beside our figures: unzip a workbook and parse its
sheet XML (and shared strings) with the standard library only — zipfile + expat, no
validation, the least any reader must do.

`floor_read(path)` collects each cell's reference and raw `<v>` text with minimal
expat handlers (what a bare-bones reader does); `floor_bare(path)` parses with no
handlers at all (expat's C speed alone), for reference.
"""

from __future__ import annotations

import zipfile
from pyexpat import ParserCreate


def _sheet_names(z: zipfile.ZipFile) -> list[str]:
    return [n for n in z.namelist()
            if (n.startswith("xl/worksheets/") and n.endswith(".xml")) or n == "xl/sharedStrings.xml"]


def floor_read(path) -> int:
    """Unzip and parse the sheets and shared strings, keeping (ref → value text).
    Returns the number of values seen."""
    values: dict[str, str] = {}
    with zipfile.ZipFile(path) as z:
        for name in _sheet_names(z):
            data = z.read(name)
            state = {"ref": None, "in_v": False}
            buf: list[str] = []

            def start(tag, attrs, state=state, buf=buf):
                if tag == "c":
                    state["ref"] = attrs.get("r")
                elif tag in ("v", "t"):
                    state["in_v"] = True
                    buf.clear()

            def end(tag, state=state, buf=buf):
                if tag in ("v", "t") and state["in_v"]:
                    state["in_v"] = False
                    values[f"{name}!{state['ref']}"] = "".join(buf)

            def chars(text, state=state, buf=buf):
                if state["in_v"]:
                    buf.append(text)

            p = ParserCreate()
            p.buffer_text = True
            p.StartElementHandler = start
            p.EndElementHandler = end
            p.CharacterDataHandler = chars
            p.Parse(data, True)
    return len(values)


def floor_bare(path) -> int:
    """Unzip and parse the same parts with expat and no handlers. Returns bytes parsed."""
    total = 0
    with zipfile.ZipFile(path) as z:
        for name in _sheet_names(z):
            data = z.read(name)
            ParserCreate().Parse(data, True)
            total += len(data)
    return total
