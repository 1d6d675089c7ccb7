"""The draft `content/documents/ID.yaml`, written by hand so that guesses carry comments.

Keys come in the order the existing documents use; every guessed value is followed by
`# 待核对：……` saying where it came from.  Scalars are quoted by PyYAML's own emitter, so
that "1." or "2024-12-19" stay strings and nothing a document says can break the YAML.
"""

from __future__ import annotations

import yaml

from generator.importer.metadata import Meta
from generator.importer.tree import Node

REVIEW = "待核对："
CLAUSE_KEYS = ("num", "role", "title", "subtitle", "text")


def scalar(value) -> str:
    out = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    out = out.rstrip("\n")
    if out.endswith("\n..."):
        out = out[: -len("\n...")]
    return out.strip()


def _comment(why: str) -> str:
    return "  # " + REVIEW + why.replace("\n", " ")


def render(doc_id: str, id_why: str, meta: Meta, top: list[Node], *, source_file: str, furniture: list[str],
           source_note: str, origin: str, today: str) -> str:
    out = [
        f"# 草稿：由 yaojian import 从“{origin}”生成（{today}）。",
        "# 标有“待核对”的内容是推测的，请逐项核对后删去这些注释；条款文字逐字取自原文。",
        "# 条款编号 id 可以改成更有意义的名称（改名前先确认没有别处引用）。",
    ]
    for problem in meta.missing:
        out.append(f"# 待补：{problem}。")
    out.append(f"id: {scalar(doc_id)}" + (_comment(id_why) if id_why else ""))
    f = meta.fields
    for key in ("title", "kind", "doc_number", "place"):
        if key in f:
            out.append(f"{key}: {scalar(f[key].value)}" + _comment(f[key].why))
    for key in ("issuers", "authors"):
        if key in f:
            out.append(f"{key}:" + _comment(f[key].why))
            out.extend(f"- {scalar(v)}" for v in f[key].value)
    for key in ("author", "publisher", "date"):
        if key in f:
            out.append(f"{key}: {scalar(f[key].value)}" + _comment(f[key].why))
    out.append("source:")
    out.append(f"  file: {scalar(source_file)}")
    if furniture:
        out.append("  furniture:")
        out.extend(f"  - {scalar(x)}" for x in furniture)
    if source_note:
        out.append(f"  note: {scalar(source_note)}")
    out.append("clauses:")
    for node in top:
        _clause(out, node, "")
    return "\n".join(out) + "\n"


def _clause(out: list[str], node: Node, indent: str) -> None:
    out.append(f"{indent}- id: {scalar(node.id)}")
    inner = indent + "  "
    for key in CLAUSE_KEYS:
        value = getattr(node, key)
        if value:
            out.append(f"{inner}{key}: {scalar(value)}")
    if node.rows:
        out.append(f"{inner}rows:")
        for row in node.rows:
            out.append(f"{inner}- {scalar([str(c) for c in row])}")
    if node.children:
        out.append(f"{inner}children:")
        for child in node.children:
            _clause(out, child, inner)
