"""Paragraphs out of hard-wrapped text (copied from a PDF: one line per printed line, no
blank line between paragraphs).

Inside a block of consecutive lines, three or more short lines without sentence
punctuation stay together as a list (a roster).  Otherwise a new paragraph starts at a
numbered or structural line (一、 附件 抄送 a date …), around page numbers and bullet
lists, after a one-line element (a date, 印发), after a line clearly shorter than the
block's full lines (a paragraph's last line, a heading), and — where the block indents
some lines and not others — at an indented line.  Lines of one paragraph are joined as
the blank-line reader joins them.
"""

from __future__ import annotations

from collections import Counter

from generator.importer import numbering as nb
from generator.importer.blocks import Para, join_lines

CONTINUES = ("，", ",", "、")


def _page_number(line: str) -> bool:
    """A page number or a line of web-page furniture: a line of its own, to be dropped."""
    from generator.importer.furniture import PAGE_NUMBER, WEB_FURNITURE

    return bool(PAGE_NUMBER.match(line)) or line in WEB_FURNITURE


def _one_line_element(line: str) -> bool:
    return bool(nb.DATE.match(line) or nb.RELEASE.match(line) or nb.ATTACHMENT.match(line)
                or nb.PRINTED.search(line) or nb.EDITOR.match(line)) or _page_number(line)


def _list_line(line: str, width: int) -> bool:
    return len(line) <= 40 and (width < 20 or len(line) < 0.9 * width) and not nb.SENTENCE.search(line) \
        and not nb.PROSE_COMMA.search(line) and not nb.match(line) and not nb.is_structural(line) \
        and not _page_number(line) and not line.startswith(nb.BULLETS)


def _breaks(prev: str, line: str, width: int, indented: bool | None) -> bool:
    if nb.match(line) or nb.is_structural(line) or _page_number(line) or _one_line_element(prev):
        return True
    if prev.startswith(nb.BULLETS) or line.startswith(nb.BULLETS):
        return prev.startswith(nb.BULLETS) != line.startswith(nb.BULLETS)
    short = width >= 20 and len(prev) < width - 1 and not prev.endswith(CONTINUES)
    # A full line ending a sentence is more often a wrap that happens to fall after 。 than a
    # paragraph's last line that happens to fill the width: without indentation, only a
    # short line ends a paragraph.
    return short or bool(indented)


def _full_width(lines: list[str]) -> int:
    """The length of a full line: the commonest length among the longer lines (a line
    with half-width digits holds more characters, one that avoided a 。 at the next line's
    start one fewer)."""
    lengths = Counter(len(x) for x in lines if len(x) >= 10)
    if not lengths:
        return max(len(x) for x in lines)
    top = max(lengths.values())
    return max(n for n, c in lengths.items() if c == top)


def reflow(blocks: list) -> list:
    out: list = []
    for block in blocks:
        if not isinstance(block, Para) or len(block.lines) < 2:
            out.append(block)
            continue
        lines = block.lines
        width = _full_width(lines)
        if len(lines) >= 3 and all(_list_line(x, 0) for x in lines) or all(x.startswith(nb.BULLETS) for x in lines):
            out.append(block)
            continue
        indents = block.indents if block.indents and any(block.indents) and not all(block.indents) else None
        # list runs first: three or more short plain lines in a row
        listed = [False] * len(lines)
        k = 0
        while k < len(lines):
            j = k
            while j < len(lines) and _list_line(lines[j], width):
                j += 1
            if j - k >= 3:
                for m in range(k, j):
                    listed[m] = True
            k = max(j, k + 1)
        pieces: list[tuple[int, list[str], bool]] = []  # start, lines, is a list
        for k, line in enumerate(lines):
            if listed[k]:
                if pieces and pieces[-1][2] and listed[k - 1]:
                    pieces[-1][1].append(line)
                else:
                    pieces.append((k, [line], True))
                continue
            if pieces and not pieces[-1][2] and not _breaks(lines[k - 1], line, width,
                                                            indents[k] if indents else None):
                pieces[-1][1].append(line)
            else:
                pieces.append((k, [line], False))
        for start, piece, is_list in pieces:
            keep_lines = is_list or len(piece) == 1 or all(x.startswith(nb.BULLETS) for x in piece)
            kept = piece if keep_lines else [join_lines(piece)]
            out.append(Para(kept, block.where + start, block.page_break_before and start == 0))
    return out
