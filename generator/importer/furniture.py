"""Page furniture out, page-break splits joined.

Page numbers ("— 3 —", "- 3 -", "第 3 页", "第3页 共10页") and web-page furniture
("下载 APP", "分享至" …) are dropped; a short line repeated on many pages is a running
header and dropped too.  A sentence a page break cut in two ("涉" / "案价值") is joined.
Every drop and every join is recorded, for the review report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.importer import numbering
from generator.importer.blocks import Para, join_pair

PAGE_NUMBER = re.compile(
    r"^(?:[-—–－―~～]+\s*\d{1,4}\s*[-—–－―~～]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|\d{1,3})$"
)
WEB_FURNITURE = frozenset({
    "下载 APP", "下载APP", "分享至", "分享到", "×", "右键点击另存二维码!", "右键点击另存二维码！",
    "相关阅读", "网民评论", "打印", "关闭", "【打印】", "【关闭】", "关闭窗口", "打印本页", "扫一扫",
    "微信扫一扫", "返回顶部", "字号：大 中 小", "【字体：大 中 小】",
})
# Ends of a finished sentence or heading: a paragraph ending otherwise may continue.
ENDS = tuple("。；;：:！!？?）)」』】》”…")
CLOSERS = tuple("）)」』】》”")
PROSE = re.compile(r"[，,。；;、]")
FRAGMENT = re.compile(r"^[^\s，,。；;、：:]{1,4}[。，,；;、]")


@dataclass
class Dropped:
    where: int
    text: str
    why: str  # 页码 / 网页版面 / 页眉


CONTEXT = 24  # characters kept either side of a join, for the report


@dataclass
class Join:
    where: int
    left: str
    right: str
    page_break: bool

    def show(self, width: int = 12) -> str:
        return f"……{self.left[-width:]}｜{self.right[:width]}……"


def drop_furniture(blocks: list) -> tuple[list, list[Dropped]]:
    dropped: list[Dropped] = []
    singles = Counter(b.text for b in blocks if isinstance(b, Para) and len(b.lines) == 1)
    kept: list = []
    break_next = False
    for block in blocks:
        if isinstance(block, Para) and len(block.lines) > 1:
            lines = [line for line in block.lines if line.strip() not in WEB_FURNITURE]
            for line in block.lines:
                if line.strip() in WEB_FURNITURE:
                    dropped.append(Dropped(block.where + block.lines.index(line), line.strip(), "网页版面"))
            if not lines:
                continue
            block.lines = lines
        if isinstance(block, Para) and len(block.lines) == 1:
            text = block.text
            why = ""
            if PAGE_NUMBER.match(text):
                why = "页码"
            elif text in WEB_FURNITURE:
                why = "网页版面"
            elif singles[text] >= 3 and len(text) <= 40 and not numbering.match(text) and not PROSE.search(text):
                why = "页眉（每页重复）"
            if why:
                dropped.append(Dropped(block.where, text, why))
                if why != "网页版面":
                    break_next = True  # a page number or a running header marks a page turn
                continue
        if break_next:
            block.page_break_before = True
            break_next = False
        kept.append(block)
    return kept, dropped


def _joinable(left: Para, right: Para) -> bool:
    text, nxt = left.text, right.text
    if not text or not nxt or len(left.lines) >= 3:
        return False
    if text.endswith(ENDS):
        # a bracket or quote may close a reference mid-sentence: "（……〔2020〕4号）" / "要求，……"
        return text.endswith(CLOSERS) and bool(FRAGMENT.match(nxt)) and not numbering.match(nxt) \
            and not numbering.is_structural(text)
    if text.startswith(numbering.BULLETS) or nxt.startswith(numbering.BULLETS):
        return False
    if numbering.match(nxt) or numbering.is_structural(nxt):
        return False
    found = numbering.match(text)
    if found:
        # a numbered heading ("（二）及时移送犯罪线索，完善行刑衔接机制") continues only
        # when it already holds a sentence
        return bool(re.search(r"[。；;！？!?]", text))
    if numbering.is_structural(text) or numbering.looks_like_title(text):
        return False
    # prose cut mid-sentence, or a fragment that only ends a sentence ("底。各部门要……")
    return bool(PROSE.search(text)) or bool(FRAGMENT.match(nxt))


MAX_JOINS = 50  # page-break splits within one paragraph; past that it is not a split but hostile input


def join_splits(blocks: list) -> tuple[list, list[Join]]:
    joins: list[Join] = []
    out: list = []
    joined = 0
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Para) and isinstance(prev, Para) and joined < MAX_JOINS and _joinable(prev, block):
            left, right = prev.text, block.text
            joins.append(Join(block.where, left[-CONTEXT:], right[:CONTEXT], block.page_break_before))
            prev.lines = [join_pair(left, right)]
            joined += 1
            continue
        joined = 0
        out.append(block)
    return out, joins
