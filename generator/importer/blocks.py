"""What a source reader hands on: paragraphs and tables in reading order, and the one error.

A reader (plain text or Word) turns a file into `Para` and `Table` blocks; everything after
that (furniture, joins, the clause tree) works on blocks and never on the file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailure(Exception):
    """The input cannot be imported (unreadable, empty, wrong format, bad usage).

    The message is Chinese and complete: what is wrong and what to do.
    """


@dataclass
class Para:
    """One paragraph: its lines (a paragraph of a text file may wrap over several lines),
    where it starts in the source, and whether a page break comes right before it."""

    lines: list[str]
    where: int  # 1-based line of a text file, paragraph number of a Word file
    page_break_before: bool = False
    indents: list[bool] | None = None  # which lines of a text file began with white space

    @property
    def text(self) -> str:
        return join_lines(self.lines)


@dataclass
class Table:
    """A table kept verbatim: rows of cell texts."""

    rows: list[list[str]]
    where: int
    page_break_before: bool = False


@dataclass
class Source:
    """A read file: its blocks, how it was read, and what the reader noticed."""

    name: str
    blocks: list = field(default_factory=list)
    encoding: str = ""
    notes: list[str] = field(default_factory=list)  # Chinese, for the report
    unit: str = "行"  # how `where` counts: 行 (text) or 段 (Word paragraphs)


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def join_pair(left: str, right: str) -> str:
    """Two pieces of one sentence joined: nothing between Chinese text or digits, one
    space between two Latin words (English wraps at a space)."""
    if not left:
        return right
    if not right:
        return left
    if _ascii_letter(left[-1]) and _ascii_letter(right[0]):
        return left + " " + right
    return left + right


def join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        out = join_pair(out, line.strip())
    return out
