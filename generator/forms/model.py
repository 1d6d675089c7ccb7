"""The form model: one definition per form (forms/<id>.yaml), typed.

Everything about a form — its blank workbook, the JSON Schema of a filed form, the
validation rules and its page — is derived from these objects; nothing about a form's
rows, columns or rules is written anywhere else.

Kinds of table:
- `grid`    rows × stage columns with a 合计 column, row groups, "其中" sub-rows, and an
            optional 重点领域案件 grid (key areas) with "涉网" sub-columns (表2–4);
- `cases`   a list of cases, one row each, with text, date, amount and checkbox fields (表1);
- `sections` headed free-text sections whose headings and guidance are document clauses
            (附件2, 附件3).

Cell kinds: `count` ("/" or a whole number ≥ 0) and `amount` ("/" or a number ≥ 0).
Loading assumes a definition that `yaojian check` accepts; `load_forms` is fast (C YAML
loader, no positions) because the validator loads it on every run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

from generator.memo import Memo
from generator.yamlcache import read_folder, stamp

NA = "/"  # 不涉及: what a count or amount cell holds where the figure does not apply
TICK = "√"  # a ticked checkbox
CELL_KINDS = ("count", "amount")
# Longest text a text field takes when its definition gives no max_length (an Excel cell
# holds at most 32767 characters); a free-text section takes the longtext limit.
TEXT_LIMITS = {"text": 200, "longtext": 30000}
NUMBER_KINDS = ("amount", "count")
CHOICE_KINDS = ("choice", "multi")
FIELD_KINDS = ("text", "longtext", "date", *NUMBER_KINDS, *CHOICE_KINDS)
TABLE_KINDS = ("grid", "cases", "sections")
# The rules a definition may declare, and where each is written: in a grid's or a cases
# table's `rules`, or in the form's top-level `rules` ("form").
SAME_COUNT, FLAG_MATCHES_THRESHOLD, CASES_WITHIN_BANDS = "same-count", "flag-matches-threshold", "cases-within-bands"
RULE_PLACES = {SAME_COUNT: "grid", FLAG_MATCHES_THRESHOLD: "cases", CASES_WITHIN_BANDS: "form"}


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Field:
    """A header field or a field of a case (表1)."""

    id: str
    label: str
    kind: str
    required: bool = False
    unit: str | None = None
    options: tuple[Option, ...] = ()
    min: int = 0  # multi: at least this many ticks
    max_length: int | None = None  # text/longtext: at most this many characters
    hint: str | None = None
    hint_clause: str | None = None
    note: str | None = None
    source: str | None = None

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)

    @property
    def text_limit(self) -> int | None:
        """The most characters a text field takes (None for other kinds)."""
        if self.kind not in TEXT_LIMITS:
            return None
        return self.max_length or TEXT_LIMITS[self.kind]


@dataclass(frozen=True)
class Row:
    """A row of a grid: its label, cell kind and unit, its group, and what it is part of."""

    id: str
    label: str
    kind: str
    unit: str | None = None
    group: str | None = None  # group id
    group_label: str | None = None  # None: a row with no group cell (e.g. 列入…名单 rows)
    parent: str | None = None  # the row it is printed under as "其中"
    subitems_label: str | None = None  # "其中", for sub-rows
    part_of: str | None = None  # the row whose part it is, where not the printed parent
    note: str | None = None

    @property
    def whole(self) -> str | None:
        """The row this one is a part of (≤ rule), if any."""
        return self.part_of or self.parent


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    parent: str | None = None  # the column this one is a part of (涉网 under 无证经营)
    note: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    label: str | None
    rows: tuple[Row, ...]  # in print order, sub-rows right after their parent


@dataclass(frozen=True)
class KeyAreas:
    """The 重点领域案件 grid under a table: rows × key-area columns, no total."""

    title: str
    corner: str
    columns: tuple[Column, ...]  # in print order, sub-columns right after their parent
    rows: tuple[Row, ...]
    source: str | None = None
    note: str | None = None

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)


@dataclass(frozen=True)
class Rule:
    """A declared rule: its kind, severity (None: the finding code's own) and parameters."""

    kind: str
    params: dict[str, Any]
    severity: str | None = None


@dataclass(frozen=True)
class Section:
    id: str
    clause: str  # "doc#clause": the heading (num + title) and guidance come from it
    sections: tuple["Section", ...] = ()

    def walk(self) -> Iterator["Section"]:
        yield self
        for s in self.sections:
            yield from s.walk()

    @property
    def fillable(self) -> bool:
        """A section with sub-sections is a heading only; leaves take the filer's text."""
        return not self.sections


def _content_key(obj) -> str:
    """A digest of a definition object's content (its compared fields, recursively)."""
    import hashlib
    from dataclasses import fields

    text = repr(tuple(getattr(obj, f.name) for f in fields(obj) if f.compare))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Table:
    id: str
    kind: str
    sheet: str
    title: str | None = None
    number: str | None = None
    source: str | None = None
    note: str | None = None
    rules: tuple[Rule, ...] = ()
    # grid
    cumulative: bool = False
    corner_rows: str | None = None
    corner_columns: str | None = None
    columns: tuple[Column, ...] = ()
    total: Column | None = None
    groups: tuple[Group, ...] = ()
    key_areas: KeyAreas | None = None
    # cases
    fields: tuple[Field, ...] = ()
    capacity: int = 0
    # sections
    sections: tuple[Section, ...] = ()
    none_answers: tuple[str, ...] = ()
    none_note: str | None = None

    @cached_property
    def content_key(self) -> str:
        """What caches that outlive one Table object key by: a digest of the table."""
        return _content_key(self)

    @property
    def heading(self) -> str:
        """The table's title as printed: "表 2. 药品案件查办情况"."""
        return " ".join(p for p in (self.number, self.title) if p)

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for g in self.groups for r in g.rows)

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)

    def column(self, column_id: str) -> Column:
        if self.total is not None and column_id == self.total.id:
            return self.total
        return next(c for c in self.columns if c.id == column_id)

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)

    def all_sections(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()


@dataclass(frozen=True)
class Form:
    id: str
    version: str
    title: str
    source: str | None
    period: str | None
    header: tuple[Field, ...]
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...] = ()
    instructions: str | None = None  # "doc#clause" of 填表须知
    changelog: tuple[dict, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @cached_property
    def content_key(self) -> str:
        """What caches that outlive one Form object key by: a digest of the definition."""
        return _content_key(self)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def header_field(self, field_id: str) -> Field:
        return next(f for f in self.header if f.id == field_id)

    def changes_since(self, version: str) -> list[str]:
        """The changelog entries newer than `version`, oldest first."""
        out: list[str] = []
        newer = False
        for entry in self.changelog:
            if newer:
                out.extend(entry.get("changes", []))
            if str(entry.get("version")) == str(version):
                newer = True
        return out


# -- building from YAML data ------------------------------------------------------------


def _rules(items: Any) -> tuple[Rule, ...]:
    out = []
    for item in items or ():
        params = {k: v for k, v in item.items() if k not in ("kind", "severity")}
        out.append(Rule(item["kind"], params, item.get("severity")))
    return tuple(out)


def _field(d: dict) -> Field:
    return Field(
        id=d["id"],
        label=d["label"],
        kind=d["kind"],
        required=bool(d.get("required", False)),
        unit=d.get("unit"),
        options=tuple(Option(o["id"], o["label"]) for o in d.get("options", ())),
        min=int(d.get("min", 0)),
        max_length=d.get("max_length"),
        hint=d.get("hint"),
        hint_clause=d.get("hint_clause"),
        note=d.get("note"),
        source=d.get("source"),
    )


def _row(d: dict, group: dict, parent: dict | None = None, sub_label: str | None = None) -> Row:
    return Row(
        id=d["id"],
        label=d["label"],
        kind=d["kind"],
        unit=d.get("unit"),
        group=group.get("id"),
        group_label=group.get("label"),
        parent=parent["id"] if parent else None,
        subitems_label=sub_label,
        part_of=d.get("part_of"),
        note=d.get("note"),
    )


def _group(d: dict) -> Group:
    rows: list[Row] = []
    for r in d.get("rows", ()):
        rows.append(_row(r, d))
        sub = r.get("subitems")
        if sub:
            for s in sub.get("rows", ()):
                rows.append(_row(s, d, parent=r, sub_label=sub.get("label")))
    return Group(d["id"], d.get("label"), tuple(rows))


def _columns(items: Any) -> tuple[Column, ...]:
    out: list[Column] = []
    for c in items or ():
        out.append(Column(c["id"], c["label"], note=c.get("note")))
        for s in c.get("subcolumns", ()):
            out.append(Column(s["id"], s["label"], parent=c["id"], note=s.get("note")))
    return tuple(out)


def _section(d: dict) -> Section:
    return Section(d["id"], d["clause"], tuple(_section(s) for s in d.get("sections", ())))


def _table(d: dict) -> Table:
    kind = d["kind"]
    common = dict(
        id=d["id"], kind=kind, sheet=d["sheet"], title=d.get("title"), number=d.get("number"),
        source=d.get("source"), note=d.get("note"), rules=_rules(d.get("rules")),
    )
    if kind == "grid":
        ka = d.get("key_areas")
        key_areas = None
        if ka:
            key_areas = KeyAreas(
                title=ka["title"], corner=ka["corner"], columns=_columns(ka.get("columns")),
                rows=tuple(_row(r, {}) for r in ka.get("rows", ())), source=ka.get("source"), note=ka.get("note"),
            )
        total = d.get("total")
        corner = d.get("corner") or {}
        return Table(
            **common,
            cumulative=bool(d.get("cumulative", False)),
            corner_rows=corner.get("rows"),
            corner_columns=corner.get("columns"),
            columns=_columns(d.get("columns")),
            total=Column(total["id"], total["label"]) if total else None,
            groups=tuple(_group(g) for g in d.get("groups", ())),
            key_areas=key_areas,
        )
    if kind == "cases":
        return Table(**common, fields=tuple(_field(f) for f in d.get("fields", ())), capacity=int(d.get("capacity", 0)))
    if kind == "sections":
        return Table(
            **common,
            sections=tuple(_section(s) for s in d.get("sections", ())),
            none_answers=tuple(d.get("none_answers", ())),
            none_note=d.get("none_note"),
        )
    raise ValueError(f"unknown table kind {kind!r}")


def form_from_data(data: dict, path: Path | None = None) -> Form:
    """A Form from a definition's data (as `yaojian check` accepts it)."""
    return Form(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        source=data.get("source"),
        period=data.get("period"),
        header=tuple(_field(f) for f in data.get("header", ())),
        tables=tuple(_table(t) for t in data.get("tables", ())),
        rules=_rules(data.get("rules")),
        instructions=data.get("instructions"),
        changelog=tuple(data.get("changelog", ())),
        path=path,
    )


_FOLDERS: Memo[dict[str, Form]] = Memo(8)


def load_forms(folder: Path) -> dict[str, Form]:
    """Every form definition in a folder, by id (the definitions as `yaojian check` accepts them)."""
    folder = Path(folder)
    files = stamp(folder)
    key = (str(folder.resolve()), json.dumps(files))
    return _FOLDERS.get(key, lambda: {f.id: f for f in (form_from_data(d, p) for p, d in read_folder(folder, "forms", files))})
