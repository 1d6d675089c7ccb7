"""Walking a form definition's raw YAML data, every access guarded.

`yaojian check` reads definitions as the maintainer wrote them, before they are known to
be valid, so nothing here assumes a key exists or a value has its type: a broken value is
skipped, and the schema (or a check) reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator


def items(value: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """(path, item) for each mapping in a list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield path + (i,), item


def get(data: Any, key: str) -> Any:
    """data[key] when data is a mapping, else None."""
    return data.get(key) if isinstance(data, dict) else None


@dataclass
class RawRow:
    """A row of a raw grid table, with where it is written."""

    id: str
    label: str
    kind: Any
    path: tuple
    parent: str | None  # printed parent (sub-rows)
    part_of: Any
    group: str | None


def grid_rows(table: dict, path: tuple) -> list[RawRow]:
    """Every row of a raw grid table, sub-rows after their parent."""
    out: list[RawRow] = []
    for gpath, group in items(table.get("groups"), path + ("groups",)):
        for rpath, row in items(group.get("rows"), gpath + ("rows",)):
            if isinstance(row.get("id"), str):
                out.append(RawRow(row["id"], str(row.get("label", row["id"])), row.get("kind"), rpath, None,
                                row.get("part_of"), get(group, "id")))
            sub = row.get("subitems")
            for spath, srow in items(get(sub, "rows"), rpath + ("subitems", "rows")):
                if isinstance(srow.get("id"), str):
                    out.append(RawRow(srow["id"], str(srow.get("label", srow["id"])), srow.get("kind"), spath,
                                    row.get("id") if isinstance(row.get("id"), str) else None,
                                    srow.get("part_of"), get(group, "id")))
    return out


def key_area_rows(table: dict, path: tuple) -> list[RawRow]:
    ka = table.get("key_areas")
    out = []
    for rpath, row in items(get(ka, "rows"), path + ("key_areas", "rows")):
        if isinstance(row.get("id"), str):
            out.append(RawRow(row["id"], str(row.get("label", row["id"])), row.get("kind"), rpath, None,
                            row.get("part_of"), None))
    return out


def columns(value: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """(path, column) for each column and, after it, each of its sub-columns."""
    for cpath, col in items(value, path):
        yield cpath, col
        yield from items(col.get("subcolumns"), cpath + ("subcolumns",))


def sections(value: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """(path, section) for each section at any depth, parents first."""
    for spath, sec in items(value, path):
        yield spath, sec
        yield from sections(sec.get("sections"), spath + ("sections",))
