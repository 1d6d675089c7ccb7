"""Clause numbering as Chinese official documents write it, and headings run into text.

Levels, outermost first: 第一章, 第一条, 一、, （一）/(一), 1./1．/1、, （1）/(1), and the
一是/二是 enumerations that open a paragraph.  Full-width and half-width brackets mix in
real documents; both are accepted and the number is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "〇零一二三四五六七八九"
_CN = "一二三四五六七八九十百零〇两"

# (kind, rank, pattern); the pattern's group 1 is the number as written.
LEVELS: tuple[tuple[str, int, re.Pattern], ...] = (
    ("chapter", 0, re.compile(rf"^(第[{_CN}]+章)\s*")),
    ("article", 1, re.compile(rf"^(第[{_CN}]+条)\s*")),
    ("cn", 2, re.compile(rf"^([{_CN}]+、)\s*")),
    ("paren_cn", 3, re.compile(rf"^([（(]\s*[{_CN}]+\s*[）)])\s*")),
    ("arabic", 4, re.compile(r"^(\d{1,2}\s?[.．、](?![\d.．]))\s*")),
    ("paren_arabic", 5, re.compile(r"^([（(]\s*\d{1,2}\s*[）)])\s*")),
    ("enum", 6, re.compile(rf"^([{_CN}]+是)(?=[^\s，,。：:])")),
)
RANK = {kind: rank for kind, rank, _ in LEVELS}
KIND_ZH = {
    "chapter": "第一章", "article": "第一条", "cn": "一、", "paren_cn": "（一）",
    "arabic": "1.", "paren_arabic": "（1）", "enum": "一是",
}

SENTENCE = re.compile(r"[。；;！？!?]")
BULLETS = ("•", "·", "●", "▪", "■", "◆")  # list bullets that open a line
BULLET = re.compile(r"^[•·●▪■◆]\s*")
DATE = re.compile(r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
ATTACHMENT = re.compile(r"^附\s*件\s*\d{0,2}$")
ATTACHMENT_LIST = re.compile(r"^附\s*件\s*(?:[:：]\s*\d{0,2}|\d{1,2})\s*[.．、:：]?\s*\S")
CC = re.compile(r"^抄\s*送\s*[:：]")
PRINTED = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$")
RELEASE = re.compile(r"^[（(]此件[^）)]{1,10}[）)]$")
EDITOR = re.compile(r"^[（(]\s*(责任编辑|编辑|责编)\s*[:：]")


@dataclass
class Number:
    kind: str
    rank: int
    num: str  # as written, e.g. "（一）" or "1."
    value: int | None
    rest: str


def cn_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None when it is not a plain Chinese numeral."""
    digits = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def cn_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (as clause numbers are written); other numbers as digits."""
    digits = "〇一二三四五六七八九"
    if 0 < n < 10:
        return digits[n]
    if 10 <= n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if 20 <= n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def match(text: str) -> Number | None:
    for kind, rank, pattern in LEVELS:
        m = pattern.match(text)
        if not m:
            continue
        num = m.group(1)
        core = re.sub(r"[第章条、（）()是.．\s]", "", num)
        value = int(core) if core.isdigit() else cn_value(core)
        rest = text[m.end():]
        if kind in ("cn", "paren_cn", "arabic", "paren_arabic") and not rest:
            return None
        return Number(kind, rank, num.replace(" ", "") if kind != "arabic" else num.strip(), value, rest)
    return None


def is_structural(text: str) -> bool:
    """A line that opens a part of the document's frame rather than continuing prose."""
    return bool(
        ATTACHMENT.match(text) or ATTACHMENT_LIST.match(text) or CC.match(text) or DATE.match(text)
        or PRINTED.search(text) or RELEASE.match(text) or EDITOR.match(text)
        or re.match(r"^(注|填表须知|填报说明|填报单位|填报日期)\s*[:：]", text)
    )


def looks_like_title(text: str) -> bool:
    """A document or notice title: "关于……的通知/意见/方案"."""
    if len(text) > 200:
        return False
    return bool(re.search(r"关于.+的(通知|意见|方案|决定|办法|报告|通报|批复|函)$", text))


_RUN_IN_PAREN = re.compile(r"^([^。；;，,：:（）()]{2,40}[（(]([^（）()]{1,60})[）)])(.+)$", re.S)
_SHORT_SENTENCE = re.compile(r"^([^。；;！？!?：:“”]{2,24}。)(.+)$")


def split_title(number: Number) -> tuple[str | None, str | None, str]:
    """(title, text, how) of a numbered paragraph; `how` says why, when a heading was
    split off its text ('' when nothing was split)."""
    rest = number.rest.strip()
    if number.kind in ("enum", "article"):
        return None, rest, ""
    if number.kind == "chapter":
        return rest, None, ""
    m = _RUN_IN_PAREN.match(rest)
    if m and re.search(r"\d", m.group(2)) and re.search("[年月日]", m.group(2)) and SENTENCE.search(m.group(3)):
        return m.group(1), m.group(3).strip(), "标题后的括号时间"
    if not SENTENCE.search(rest) and len(rest) <= 40:
        return rest, None, ""
    if number.kind in ("cn", "paren_cn"):
        m = _SHORT_SENTENCE.match(rest)
        if m:
            return m.group(1), m.group(2).strip(), "标题为首句"
    return None, rest, ""

PROSE_COMMA = re.compile(r"[，,。；;]")

_ENUM_INSIDE = re.compile(rf"(?<=[。；;：:，,])\s*([{_CN}]+是)(?=[^\s，,。：:])")


def split_enumeration(text: str) -> tuple[str, list[tuple[str, str]]]:
    """A paragraph that enumerates inside itself ("……工作：一是……；二是……。") as its lead
    and its items [(一是, ……；), (二是, ……。)]; ([], unchanged) unless the items run 一是,
    二是, … from one.  The pieces put back together are the paragraph, character for character."""
    found = [m for m in _ENUM_INSIDE.finditer(text)]
    items: list[re.Match] = []
    for m in found:
        if cn_value(m.group(1)[:-1]) == len(items) + 1:
            items.append(m)
    if len(items) < 2:
        return text, []
    lead = text[: items[0].start()]
    out = []
    for k, m in enumerate(items):
        end = items[k + 1].start() if k + 1 < len(items) else len(text)
        out.append((m.group(1), text[m.end():end]))
    if not lead.strip():
        return text, []
    return lead, out
