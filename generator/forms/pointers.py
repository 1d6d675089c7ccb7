"""Content entries that point into a form: `form: {id, table, field}` must land.

Criteria lists (and documents' clauses) may name a form's table or field instead of
repeating its rows; `yaojian check` makes sure the table, and the field, exist.  An
unknown form id is content's own check (dangling-reference); here the table and field
are resolved once the form is known.
"""

from __future__ import annotations

from typing import Any, Iterator

from generator.findings import Finding
from generator.forms.raw import grid_rows, items, sections
from generator.schemacheck import suggest


def field_targets(table: dict) -> dict[str, str]:
    """What a content pointer's `field` may name in a raw table, with what it is (for messages)."""
    kind = table.get("kind")
    out: dict[str, str] = {}
    if kind == "cases":
        for _, f in items(table.get("fields"), ()):
            if isinstance(f.get("id"), str):
                out[f["id"]] = "字段"
    elif kind == "grid":
        if isinstance(table.get("key_areas"), dict):
            out["key_areas"] = "重点领域案件"
        for _, g in items(table.get("groups"), ()):
            if isinstance(g.get("id"), str):
                out[g["id"]] = "分组"
        for row in grid_rows(table, ()):
            out.setdefault(row.id, "行")
    elif kind == "sections":
        for _, s in sections(table.get("sections"), ()):
            if isinstance(s.get("id"), str):
                out[s["id"]] = "部分"
    return out


def pointers(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every `form: {id, …}` mapping in a content file, with its path."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "form" and isinstance(v, dict):
                yield path + (k,), v
            else:
                yield from pointers(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from pointers(v, path + (i,))


def check_pointers(content, definitions: dict[str, dict]) -> list[Finding]:
    """`form: {id, table, field}` in content/ lands on a table (and field) of that form.

    An unknown form id is content's own check (dangling-reference); here only the table
    and field are resolved, once the form is known."""
    out: list[Finding] = []
    for sources in content.sources.values():
        for source in sources:
            for path, ptr in pointers(source.data):
                data = definitions.get(ptr.get("id")) if isinstance(ptr.get("id"), str) else None
                if data is None:
                    continue
                tables = {t.get("id"): t for _, t in items(data.get("tables"), ()) if isinstance(t.get("id"), str)}
                table_id = ptr.get("table")
                if table_id is None:
                    if "field" in ptr:
                        out.append(source.finding("missing-field", path, key=True, params={"field": "table"}))
                    continue
                if not isinstance(table_id, str):
                    continue
                table = tables.get(table_id)
                if table is None:
                    out.append(source.finding("dangling-reference", path + ("table",), params={
                        "target_kind": f"报表「{ptr['id']}」中的表格", "ref": table_id, "suggestion": suggest(table_id, tables)}))
                    continue
                fld = ptr.get("field")
                if isinstance(fld, str):
                    targets = field_targets(table)
                    if fld not in targets:
                        out.append(source.finding("dangling-reference", path + ("field",), params={
                            "target_kind": f"表格「{table_id}」中的栏目", "ref": fld, "suggestion": suggest(fld, targets)}))
    return out
