"""What the .docx reader returns: the body's paragraphs in order, and the properties."""

from __future__ import annotations


class Paragraph:
    """One paragraph of the body (a table cell's paragraphs included, `in_table` set).

    `text`: the visible text (runs joined; tabs as "\\t", line breaks as "\\n"; deleted
    revisions and field codes left out); `style`: the paragraph style id ("" for Normal);
    `index`: its place among the body's paragraphs (0-based)."""

    __slots__ = ("text", "style", "in_table", "index")

    def __init__(self, text: str, style: str = "", in_table: bool = False, index: int = 0):
        self.text, self.style, self.in_table, self.index = text, style, in_table, index

    def __repr__(self) -> str:
        return f"Paragraph({self.index}, {self.text[:30]!r}, style={self.style!r})"


class Document:
    __slots__ = ("paragraphs", "custom_properties", "title", "application")

    def __init__(self, paragraphs: list[Paragraph], custom_properties: dict[str, str], title: str = "",
                 application: str = ""):
        self.paragraphs = paragraphs
        self.custom_properties = custom_properties
        self.title = title
        self.application = application
