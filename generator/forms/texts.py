"""The texts a form shows that come from the documents: clause texts, verbatim.

A layout place either carries its own text (from the definition) or names a clause
("doc#clause") whose words it shows: a template section's heading (num + title) and
guidance, a document's subtitle, a note, 填表须知 line by line.  The workbook, the schema's
titles and the form page all take those words from here.
"""

from __future__ import annotations

from generator.forms.layout import Place


class Texts:
    """Text of a place: its own, or the clause's it names (verbatim)."""

    def __init__(self, content):
        self.content = content

    def clause(self, ref: str | None):
        if not ref or self.content is None:
            return None
        return self.content.clauses.get(ref)

    def heading(self, ref: str | None) -> str:
        c = self.clause(ref)
        if c is None:
            return ref or ""
        return (c.data.get("num", "") + c.data.get("title", "")).strip() or c.own_text

    def guidance(self, ref: str | None) -> str:
        """A template section's guidance: the text of its own paragraphs (not of sub-sections)."""
        c = self.clause(ref)
        if c is None:
            return ""
        paras = [ch.own_text for ch in c.children if "title" not in ch.data]
        return "\n".join(p for p in paras if p) or c.data.get("text", "")

    def subtitle(self, ref: str | None) -> str:
        c = self.clause(ref)
        return c.data.get("subtitle", "") if c is not None else ""

    def own(self, ref: str | None) -> str:
        c = self.clause(ref)
        return c.own_text if c is not None else (ref or "")

    def of(self, place: Place) -> str | None:
        if place.text is not None or place.clause is None:
            return place.text
        if place.role == "heading":
            return self.heading(place.clause)
        if place.role == "guidance":
            return self.guidance(place.clause)
        if place.role == "subtitle":
            return self.subtitle(place.clause)
        return self.own(place.clause)

    def instruction_lines(self, ref: str) -> list[tuple[str, str]]:
        """填表须知: (role, text) lines — its heading, then each item verbatim."""
        c = self.clause(ref)
        if c is None:
            return [("heading", ref)]
        lines = [("heading", (c.data.get("num", "") + c.data.get("title", "")).strip())]
        if c.data.get("text"):
            lines.append(("item", c.data["text"]))
        lines += [("item", ch.own_text) for ch in c.children]
        return lines
