"""Clause ids for a drafted tree, in the style of the existing documents.

Numbered clauses take their number (s1, s1-2, a1-s3, h2-1), paragraphs p1, p2 … under
their parent, the frame's parts fixed names (masthead, notice, notice-to, cc, printed …);
an id already used gets -2, -3.  They are drafts too: a person may rename them.
"""

from __future__ import annotations

from generator.importer.tree import Node

TOP_IDS = {"版头": "masthead", "发文字号": "doc-number", "通知": "notice", "正文": "body", "标题": "title",
           "署名": "byline", "抄送": "cc", "印发": "printed", "责任编辑": "editor"}
CHILD_IDS = {"主送": "to", "落款": "sign", "成文日期": "date", "公开属性": "release", "发文单位": "authors",
             "附件说明": "attachments", "填表须知": "notes", "名单": "roster", "注": "note", "填报项": "field",
             "表格": "t"}


LIST_ROLES = ("名单", "署名", "附件说明")


def assign_ids(top: list[Node]) -> None:
    used: set[str] = set()

    def unique(base: str) -> str:
        name, k = base, 2
        while name in used:
            name = f"{base}-{k}"
            k += 1
        used.add(name)
        return name

    def children(parent: Node | None, nodes: list[Node], prefix: str) -> None:
        counts: dict[str, int] = {}
        for node in nodes:
            if node.kind:
                counts["#"] = counts.get("#", 0) + 1
                value = node.value or counts["#"]
                base = f"{prefix}{value}" if prefix else f"s{value}"
                if parent is not None and parent.role in ("附件", "小标题") and node.kind != "enum":
                    base = f"{prefix}s{value}"
            elif parent is None and node.role in TOP_IDS:
                base = TOP_IDS[node.role]
            elif parent is None and node.role == "附件":
                counts["a"] = counts.get("a", 0) + 1
                base = f"a{counts['a']}"
            elif parent is None and node.role == "小标题":
                counts["h"] = counts.get("h", 0) + 1
                base = f"h{counts['h']}"
            elif node.role in CHILD_IDS:
                key = CHILD_IDS[node.role]
                counts[key] = counts.get(key, 0) + 1
                suffix = key if counts[key] == 1 and key not in ("t", "field") else f"{key}{counts[key]}"
                base = f"{prefix}{suffix}"
            elif parent is not None and parent.role in LIST_ROLES:
                counts["i"] = counts.get("i", 0) + 1
                base = f"{prefix}{counts['i']}"  # the items of a list: roster-1, roster-2 …
            else:
                counts["p"] = counts.get("p", 0) + 1
                base = f"{prefix}p{counts['p']}"
            node.id = unique(base)
            child_prefix = "" if node.role == "正文" else f"{node.id}-"
            children(node, node.children, child_prefix)

    children(None, top, "")
