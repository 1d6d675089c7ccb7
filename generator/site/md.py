"""Small helpers to write Markdown safely from content text.

Content text is Chinese prose that may hold any character; `esc` makes it inert in
Markdown (no emphasis, no links, no HTML, no list or heading starts, no attr_list) so that
a verbatim clause is shown verbatim.  `html` escapes for raw HTML blocks.
"""

from __future__ import annotations

import html as _html
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#+!~^])")
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])")


def esc(text) -> str:
    """Text as inline Markdown that renders to exactly that text."""
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\n", " ")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _LINE_START.sub(r"\1\2\\\3", s)
    if s.startswith("-"):
        s = "\\" + s
    return s


def html(text) -> str:
    """Text escaped for raw HTML (attribute-safe)."""
    return _html.escape("" if text is None else str(text), quote=True)


def link(text: str, target: str) -> str:
    """A Markdown link; `text` is escaped, `target` a docs path (may start with '/')."""
    return f"[{esc(text)}]({target})"


def table(headers: list[str], rows: list[list[str]], keep_empty: bool = False) -> str:
    """A Markdown table; cells are Markdown already (escape content with `esc`).

    A column empty in every row is left out (unless `keep_empty`)."""
    if not rows:
        return ""
    if not keep_empty:
        keep = [i for i in range(len(headers)) if any((row[i] or "").strip() for row in rows)]
        headers = [headers[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    for row in rows:
        cells = [(c or "").replace("\n", " ") or "—" for c in row]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def heading(level: int, text_md: str, anchor: str | None = None, classes: str = "") -> str:
    attrs = []
    if anchor:
        attrs.append(f"#{anchor}")
    if classes:
        attrs.extend(f".{c}" for c in classes.split())
    suffix = " { " + " ".join(attrs) + " }" if attrs else ""
    return f"{'#' * max(1, min(level, 6))} {text_md}{suffix}\n"
