"""Blocks to the clause tree of `content/documents/*.yaml`.

First the document's frame: masthead (版头), document number (发文字号), the notice that
forwards or issues the document (通知: 主送, text, 落款, 成文日期, 公开属性), the body with its
title (正文, with the 发文单位 line), or a title alone (标题) and, for a news article, its
byline (署名) and subheadings (小标题).  Then the clauses by their numbering (see
`numbering`), the 附件说明 list, the attachments (附件 N, each restarting the numbering),
their 填报项/填表须知/表格/注, and the closing 抄送 and 印发 lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer import numbering as nb
from generator.importer.blocks import Para, Table

ORG_SUFFIX = ("办公室", "人民政府", "政府", "局", "委员会", "委", "厅", "所", "院", "中心", "部", "办", "公司", "队")
DOC_NUMBER = re.compile(r"^\S{1,15}?[〔\[(（【]\s*\d{4}\s*[〕\])）】]\s*\d+\s*号$")
SUBTITLE = re.compile(r"^[（(][^（）()]{1,12}[）)]$")
NOTES_RANK = nb.RANK["paren_cn"]


@dataclass
class Node:
    role: str | None = None
    num: str | None = None
    title: str | None = None
    subtitle: str | None = None
    text: str | None = None
    rows: list | None = None
    children: list["Node"] = field(default_factory=list)
    where: int = 0
    kind: str | None = None  # numbering kind, for numbered clauses
    rank: int = 99
    value: int | None = None
    id: str = ""

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Split:
    where: int
    num: str
    title: str
    text: str
    how: str


@dataclass
class Skip:
    where: int
    expected: str
    found: str


@dataclass
class TreeNotes:
    splits: list[Split] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    roles: list[Node] = field(default_factory=list)  # clauses whose role the layout gave
    enumerations: list[tuple[int, int]] = field(default_factory=list)  # where, how many items
    article: bool = False
    numbered: int = 0
    tables: int = 0


def org_like(text: str) -> bool:
    return (
        2 <= len(text) <= 30 and not nb.SENTENCE.search(text) and not re.search(r"[，,、：:]", text)
        and text.endswith(ORG_SUFFIX)
    )


def _short_title(text: str, limit: int = 60) -> bool:
    return len(text) <= limit and not nb.SENTENCE.search(text) and not nb.match(text) and not nb.is_structural(text)


class _Builder:
    def __init__(self, blocks: list):
        self.blocks = blocks
        self.i = 0
        self.top: list[Node] = []
        self.container: Node | None = None
        self.stack: list[Node] = []
        self.notes = TreeNotes()
        self.last_value: dict[tuple[int, str], int] = {}

    # -- helpers ---------------------------------------------------------------------
    def peek(self, k: int = 0):
        j = self.i + k
        return self.blocks[j] if 0 <= j < len(self.blocks) else None

    def peek_text(self, k: int = 0) -> str:
        b = self.peek(k)
        return b.text if isinstance(b, Para) else ""

    def parent(self) -> Node | None:
        return self.stack[-1] if self.stack else self.container

    def add(self, node: Node, parent: Node | None = None, *, use_stack: bool = True) -> Node:
        if parent is None and use_stack:
            parent = self.parent()
        (parent.children if parent is not None else self.top).append(node)
        return node

    def add_top(self, node: Node) -> Node:
        self.container = None
        self.stack = []
        self.top.append(node)
        return node

    def role(self, node: Node) -> Node:
        if node.role:
            self.notes.roles.append(node)
        return node

    # -- the document's head ---------------------------------------------------------
    def head(self) -> None:
        notice = None
        t0 = self.peek_text()
        if t0 and (t0.endswith("文件") and len(t0) <= 40 or org_like(t0)) and (
            DOC_NUMBER.match(self.peek_text(1)) or nb.looks_like_title(self.peek_text(1))
        ):
            self.add_top(self.role(Node(role="版头", text=t0, where=self.peek().where)))
            self.i += 1
        if DOC_NUMBER.match(self.peek_text()):
            self.add_top(self.role(Node(role="发文字号", text=self.peek_text(), where=self.peek().where)))
            self.i += 1
        t = self.peek_text()
        if t and nb.looks_like_title(t) and t.endswith("通知"):
            notice = self.add_top(self.role(Node(role="通知", title=t, where=self.peek().where)))
            self.i += 1
            self.notice_children(notice)
        t = self.peek_text()
        if not t:
            return
        if notice is not None:
            if _short_title(t):
                body = self.add_top(self.role(Node(role="正文", title=t, where=self.peek().where)))
                self.container = body
                self.i += 1
                a = self.peek_text()
                parts = a.split()
                if a and not nb.SENTENCE.search(a) and parts and all(org_like(p) for p in parts) and len(parts) >= 1 \
                        and not nb.match(a):
                    self.add(self.role(Node(role="发文单位", text=a, where=self.peek().where)))
                    self.i += 1
            return
        if _short_title(t, 90) and not org_like(t):
            self.add_top(self.role(Node(role="标题", text=t, where=self.peek().where)))
            self.i += 1
        b = self.peek()
        if isinstance(b, Para) and all(nb.BULLET.match(line) for line in b.lines):
            items = [nb.BULLET.sub("", line).strip() for line in b.lines]
            group = Node(role="署名" if any(re.match(r"^(作者|来源|记者|编辑)", x) for x in items) else None, where=b.where)
            group.children = [Node(text=x, where=b.where) for x in items if x]
            if group.role:
                self.notes.article = True
            self.add_top(self.role(group))
            self.i += 1

    def notice_children(self, notice: Node) -> None:
        for _ in range(20):
            b = self.peek()
            if not isinstance(b, Para):
                return
            t = b.text
            if nb.match(t) or nb.is_structural(t) and not (nb.DATE.match(t) or nb.RELEASE.match(t)):
                return
            if nb.DATE.match(t):
                self.add(self.role(Node(role="成文日期", text=t, where=b.where)), notice)
                self.i += 1
                if nb.RELEASE.match(self.peek_text()):
                    self.add(self.role(Node(role="公开属性", text=self.peek_text(), where=self.peek().where)), notice)
                    self.i += 1
                return
            if nb.RELEASE.match(t):
                node = Node(role="公开属性", text=t, where=b.where)
            elif not notice.children and t.endswith(("：", ":")):
                node = Node(role="主送", text=t, where=b.where)
            elif org_like(t) and nb.DATE.match(self.peek_text(1)):
                node = Node(role="落款", text=t, where=b.where)
            else:
                node = Node(text=t, where=b.where)
            self.add(self.role(node), notice)
            self.i += 1

    # -- the body ---------------------------------------------------------------------
    def body(self) -> None:
        while self.i < len(self.blocks):
            b = self.peek()
            if isinstance(b, Table):
                self.table(b, None)
                self.i += 1
                continue
            self.para(b)

    def table(self, table: Table, caption: Para | None) -> None:
        node = Node(role="表格", text=caption.text if caption else None, rows=table.rows,
                    where=caption.where if caption else table.where)
        if caption is not None:
            while self.stack and self.stack[-1].rank >= NOTES_RANK:
                self.stack.pop()
        self.add(node)
        self.notes.tables += 1

    def para(self, b: Para) -> None:
        t = b.text
        w = b.where
        nxt = self.peek_text(1)
        if org_like(t) and nb.PRINTED.search(nxt) and not nb.CC.match(nxt):
            self.add_top(self.role(Node(role="印发", text=f"{t} {nxt}", where=w)))
            self.i += 2
            return
        if nb.CC.match(t):
            self.add_top(self.role(Node(role="抄送", text=t, where=w)))
        elif nb.PRINTED.search(t):
            self.add_top(self.role(Node(role="印发", text=t, where=w)))
        elif nb.EDITOR.match(t):
            self.add_top(self.role(Node(role="责任编辑", text=t, where=w)))
        elif nb.ATTACHMENT.match(t):
            self.attachment(b)
            return
        elif nb.ATTACHMENT_LIST.match(t) and not nb.ATTACHMENT.match(t):
            self.stack = []
            group = self.add(self.role(Node(role="附件说明", where=w)))
            group.children.append(Node(text=t, where=w))
            self.i += 1
            while re.match(r"^\d{1,2}\s*[.．、]\s*\S", self.peek_text()):
                group.children.append(Node(text=self.peek_text(), where=self.peek().where))
                self.i += 1
            return
        elif re.match(r"^填报(单位|日期|人|时间)\s*[:：]", t):
            self.stack = []
            self.add(self.role(Node(role="填报项", text=t, where=w)))
        elif m := re.match(r"^(填表须知|填报说明)\s*[:：]", t):
            self.stack = []
            group = self.add(self.role(Node(role="填表须知", title=t[:m.end()], where=w, rank=NOTES_RANK)))
            self.stack = [group]
            rest = t[m.end():].strip()
            if rest:
                self.numbered_or_text(rest, w)
        elif re.match(r"^注\s*[:：]", t):
            self.stack = []
            self.add(self.role(Node(role="注", text=t, where=w)))
        elif re.match(r"^表\s*\d+", t) and isinstance(self.peek(1), Table):
            self.table(self.peek(1), b)
            self.i += 2
            return
        elif len(b.lines) >= 2 and all(nb.BULLET.match(x) for x in b.lines):
            group = self.add(Node(where=w))
            group.children = [Node(text=nb.BULLET.sub("", x).strip(), where=w) for x in b.lines if nb.BULLET.sub("", x).strip()]
        elif len(b.lines) >= 3 and all(len(x) <= 40 and not nb.SENTENCE.search(x) and not nb.PROSE_COMMA.search(x)
                                       for x in b.lines) and not nb.match(b.lines[0]):
            group = self.add(self.role(Node(role="名单", where=w)))
            group.children = [Node(text=x.strip(), where=w + k) for k, x in enumerate(b.lines)]
        elif self.notes.article and _short_title(t, 30) and not re.search(r"[，,、]", t):
            self.add_top(self.role(Node(role="小标题", title=t, where=w)))
            self.container = self.top[-1]
        else:
            self.numbered_or_text(t, w)
        self.i += 1

    def numbered_or_text(self, t: str, w: int) -> None:
        number = nb.match(t)
        if number is None:
            self.enumerate_inside(self.add(Node(text=t, where=w)))
            return
        self.notes.numbered += 1
        while self.stack and self.stack[-1].rank >= number.rank:
            self.stack.pop()
        parent = self.parent()
        key = (id(parent), number.kind)
        last = self.last_value.get(key)
        if number.value is not None:
            expected = (last or 0) + 1
            if number.value != expected:
                self.notes.skips.append(Skip(w, _show(number, expected), number.num))
            self.last_value[key] = number.value
        title, text, how = nb.split_title(number)
        node = Node(num=number.num, title=title, text=text, where=w, kind=number.kind, rank=number.rank,
                    value=number.value)
        if how:
            self.notes.splits.append(Split(w, number.num, title or "", text or "", how))
        self.add(node, parent, use_stack=False)
        self.stack.append(node)
        self.enumerate_inside(node)

    def enumerate_inside(self, node: Node) -> None:
        """一是/二是 inside the paragraph become its children (the lead stays its text)."""
        if not node.text:
            return
        lead, items = nb.split_enumeration(node.text)
        if not items:
            return
        node.text = lead
        rank = nb.RANK["enum"]
        for num, rest in items:
            node.children.append(Node(num=num, text=rest, where=node.where, kind="enum", rank=rank,
                                      value=nb.cn_value(num[:-1])))
            self.notes.numbered += 1
        self.notes.enumerations.append((node.where, len(items)))

    def attachment(self, b: Para) -> None:
        node = self.add_top(self.role(Node(role="附件", num=b.text, where=b.where)))
        self.i += 1
        t = self.peek_text()
        if t and _short_title(t) and not nb.match(t):
            node.title = t
            self.i += 1
            if SUBTITLE.match(self.peek_text()):
                node.subtitle = self.peek_text()
                self.i += 1
        self.container = node
        self.stack = []


def _show(number: nb.Number, value: int) -> str:
    """The number the document should have had, written like the one it has."""
    core = re.sub(r"[第章条、（）()是.．\s]", "", number.num)
    if core.isdigit():
        want = str(value)
    else:
        want = nb.cn_numeral(value)
    return number.num.replace(core, want, 1)


def build(blocks: list) -> tuple[list[Node], TreeNotes]:
    builder = _Builder(blocks)
    builder.head()
    builder.body()
    notes = builder.notes
    if notes.numbered == 0:
        notes.warnings.append(
            "全文没有找到任何条款编号（一、（一）1.（1）第一条 一是 等），已按自然段逐段导入；请核对是否需要手工分级。"
        )
    return builder.top, notes
