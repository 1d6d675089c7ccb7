"""`yaojian check` for forms/: every form definition, located, against its schema and itself.

Each `forms/*.yaml` is read with positions and validated against
`schemas/form-definition.schema.json`; then the definition is checked as a whole: ids
unique where the workbook and the filed document need them unique, every `part_of` and
every rule naming rows, groups, fields, options and tables that exist (and of the right
kind: an amount cannot be part of a count), clause references resolving in content/, the
file named after the form id, the changelog ending at `version`.  Content entries that
point into a form (`form: {id, table, field}`) must land on a table or field of it.

The checks read the raw YAML data (not the model) so that a broken definition gives
located findings, never a traceback: every access is guarded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.findings import Finding
from generator.forms.pointers import check_pointers
from generator.forms.raw import RawRow, columns, get, grid_rows, items, key_area_rows, sections
from generator.schemacheck import suggest
from generator.yamlsrc import Source, SourceError, load as load_yaml

SCHEMA = "form-definition.schema.json"
_CLAUSE_REF = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*#[a-z0-9]+(-[a-z0-9]+)*$")
HEADER_KINDS = ("text", "longtext", "date", "amount", "count")
NUMBER_KINDS = ("amount", "count")
CHOICE_KINDS = ("choice", "multi")
KIND_ZH = {"count": "件数", "amount": "金额"}
# Where each rule kind may be written: the kind of table, or "form" for the top-level rules.
RULE_PLACES = {"same-count": "grid", "flag-matches-threshold": "cases", "cases-within-bands": "form"}
PLACE_ZH = {"grid": "grid 表的 rules", "cases": "cases 表的 rules", "form": "报表顶层的 rules"}  # "…只能写在 X 中"


@dataclass
class FormsCheck:
    findings: list[Finding] = field(default_factory=list)
    form_ids: set[str] = field(default_factory=set)
    files: int = 0


def check_forms(project, schemas, content) -> FormsCheck:
    """Check every definition in forms/ and the content entries that point into one."""
    from generator.forms.layout import COVER_SHEET

    paths = sorted(project.forms.glob("*.yaml")) if project.forms.is_dir() else []
    result = FormsCheck(files=len(paths))
    clauses = set(content.clauses) if content is not None else set()
    definitions: dict[str, dict] = {}
    first: dict[str, str] = {}
    for path in paths:
        try:
            source = load_yaml(path, project.display(path))
        except SourceError as exc:
            result.findings.append(exc.finding)
            result.form_ids.add(path.stem)  # its id is unknown; don't also report every reference to it
            continue
        result.findings.extend(schemas.check(source, SCHEMA))
        data = source.data
        if not isinstance(data, dict):
            continue
        form_id = data.get("id")
        if isinstance(form_id, str):
            result.form_ids.add(form_id)
            if form_id in first:
                result.findings.append(source.finding("duplicate-id", ("id",), params={"id": form_id, "first": first[form_id]}))
            else:
                first[form_id] = f"{source.file}:{source.position(('id',))[0]}"
                definitions[form_id] = data
            if form_id != path.stem:
                result.findings.append(source.finding("file-name-mismatch", ("id",), params={"file": path.name, "id": form_id}))
        result.findings.extend(_Definition(source, data, clauses, COVER_SHEET).check())
    if content is not None:
        result.findings.extend(check_pointers(content, definitions))
    result.findings = _dedupe(result.findings)
    return result


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per place and message: a YAML alias (`*band_rules`) used by three tables
    points at one spot in the file, which is reported once."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.code, f.file, f.line, f.col, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# -- one definition ----------------------------------------------------------------------


class _Definition:
    def __init__(self, source: Source, data: dict, clauses: set[str], cover_sheet: str):
        self.source = source
        self.data = data
        self.clauses = clauses
        self.cover_sheet = cover_sheet
        self.out: list[Finding] = []
        self.tables: dict[str, dict] = {}
        for tpath, table in items(data.get("tables"), ("tables",)):
            if isinstance(table.get("id"), str):
                self.tables.setdefault(table["id"], table)

    # findings
    def _add(self, code: str, path: tuple, **params: Any) -> None:
        self.out.append(self.source.finding(code, path, params=params))

    def _dangling(self, path: tuple, what: str, ref: Any, pool) -> None:
        self._add("dangling-reference", path, target_kind=what, ref=ref, suggestion=suggest(ref, pool))

    def _rule(self, path: tuple, kind: str, problem: str) -> None:
        self._add("invalid-rule", path, rule=kind, problem=problem)

    def _unique(self, pairs: list[tuple[tuple, Any]]) -> None:
        """duplicate-id for every id seen before in `pairs` ((path of the id, id))."""
        seen: dict[str, int] = {}
        for path, value in pairs:
            if not isinstance(value, str):
                continue
            if value in seen:
                self._add("duplicate-id", path, id=value, first=f"第 {seen[value]} 行")
            else:
                seen[value] = self.source.position(path)[0]

    def check(self) -> list[Finding]:
        self._version()
        self._clauses()
        header = list(items(self.data.get("header"), ("header",)))
        self._unique([(p + ("id",), f.get("id")) for p, f in header])
        for p, f in header:
            self._field(p, f, header=True)
        tables = list(items(self.data.get("tables"), ("tables",)))
        self._unique([(p + ("id",), t.get("id")) for p, t in tables])
        self._unique([(p + ("sheet",), t.get("sheet")) for p, t in tables])
        for p, t in tables:
            if t.get("sheet") == self.cover_sheet:
                self._add("duplicate-id", p + ("sheet",), id=self.cover_sheet, first="封面（填报说明页）")
        for p, t in tables:
            kind = t.get("kind")
            if kind == "grid":
                self._grid(p, t)
            elif kind == "cases":
                self._cases(p, t)
            elif kind == "sections":
                self._unique([(sp + ("id",), s.get("id")) for sp, s in sections(t.get("sections"), p + ("sections",))])
        for rp, rule in items(self.data.get("rules"), ("rules",)):
            self._form_rule(rp, rule)
        return self.out

    def _version(self) -> None:
        version = self.data.get("version")
        log = self.data.get("changelog")
        if not isinstance(version, str) or not isinstance(log, list) or not log:
            return
        last = get(log[-1], "version")
        if isinstance(last, str) and last != version:
            self._add("version-mismatch", ("version",), version=version, last=last)

    def _clauses(self) -> None:
        refs: list[tuple[tuple, Any]] = [(("source",), self.data.get("source")), (("instructions",), self.data.get("instructions"))]
        for p, f in items(self.data.get("header"), ("header",)):
            refs += [(p + ("source",), f.get("source")), (p + ("hint_clause",), f.get("hint_clause"))]
        for p, t in items(self.data.get("tables"), ("tables",)):
            refs += [(p + ("source",), t.get("source")), (p + ("none_note",), t.get("none_note"))]
            refs.append((p + ("key_areas", "source"), get(t.get("key_areas"), "source")))
            for fp, f in items(t.get("fields"), p + ("fields",)):
                refs += [(fp + ("source",), f.get("source")), (fp + ("hint_clause",), f.get("hint_clause"))]
            for sp, s in sections(t.get("sections"), p + ("sections",)):
                refs.append((sp + ("clause",), s.get("clause")))
        for path, ref in refs:
            if isinstance(ref, str) and _CLAUSE_REF.match(ref) and ref not in self.clauses:
                doc = ref.split("#")[0]
                self._dangling(path, "条款", ref, [c for c in self.clauses if c.startswith(doc + "#")])

    def _field(self, path: tuple, f: dict, header: bool = False) -> None:
        kind = f.get("kind")
        options = list(items(f.get("options"), path + ("options",)))
        self._unique([(p + ("id",), o.get("id")) for p, o in options])
        if header and isinstance(kind, str) and kind not in HEADER_KINDS:
            self._add("schema-violation", path + ("kind",), field="kind",
                      problem=f"表头字段只能是 {'、'.join(HEADER_KINDS)}，不能是 {kind}")
        if "options" in f and kind not in CHOICE_KINDS:
            self._add("schema-violation", path + ("options",), field="options", problem="只有 choice 或 multi 字段可以有 options")
        if "min" in f:
            if kind != "multi":
                self._add("schema-violation", path + ("min",), field="min", problem="只有 multi 字段可以有 min")
            elif isinstance(f["min"], int) and options and f["min"] > len(options):
                self._add("schema-violation", path + ("min",), field="min",
                          problem=f"至少勾选 {f['min']} 项，但只有 {len(options)} 个选项")

    # grid tables
    def _grid(self, path: tuple, t: dict) -> None:
        self._unique([(p + ("id",), c.get("id")) for p, c in columns(t.get("columns"), path + ("columns",))]
                     + [(path + ("total", "id"), get(t.get("total"), "id"))])
        for p, c in items(t.get("columns"), path + ("columns",)):
            if "subcolumns" in c:
                self._add("schema-violation", p + ("subcolumns",), field="subcolumns",
                          problem="环节栏不能有子栏；子栏（如 涉网）只用于重点领域案件")
        self._unique([(p + ("id",), g.get("id")) for p, g in items(t.get("groups"), path + ("groups",))])
        rows = grid_rows(t, path)
        self._unique([(r.path + ("id",), r.id) for r in rows])
        self._parts(rows)
        ka = t.get("key_areas")
        if isinstance(ka, dict):
            self._unique([(p + ("id",), c.get("id")) for p, c in columns(ka.get("columns"), path + ("key_areas", "columns"))])
            ka_rows = key_area_rows(t, path)
            self._unique([(r.path + ("id",), r.id) for r in ka_rows])
            self._parts(ka_rows)
        for rp, rule in items(t.get("rules"), path + ("rules",)):
            if self._placed(rp, rule, "grid") and rule.get("kind") == "same-count":
                for side in ("a", "b"):
                    self._selector(rp + (side,), rule.get(side), t, rows)

    def _parts(self, rows: list[RawRow]) -> None:
        """Each row's whole (part_of, else its printed parent) exists, is another row, of the same kind, with no cycle."""
        by_id = {r.id: r for r in rows}
        for r in rows:
            if r.part_of is not None and not isinstance(r.part_of, str):
                continue
            whole_id = r.part_of or r.parent
            if whole_id is None:
                continue
            at = r.path + ("part_of",) if r.part_of else r.path + ("kind",)
            whole = by_id.get(whole_id)
            if whole is None:
                self._dangling(at, "行", whole_id, by_id)
                continue
            if whole.id == r.id:
                self._add("invalid-part", at, row=r.label, whole=whole.label, problem="一行不能是它自身的一部分")
                continue
            if r.kind in KIND_ZH and whole.kind in KIND_ZH and r.kind != whole.kind:
                self._add("invalid-part", at, row=r.label, whole=whole.label,
                          problem=f"前者是{KIND_ZH[r.kind]}，后者是{KIND_ZH[whole.kind]}，{KIND_ZH[r.kind]}不能是{KIND_ZH[whole.kind]}的一部分")
                continue
            seen = {r.id}
            node = whole
            while node is not None:
                if node.id in seen:
                    self._add("invalid-part", at, row=r.label, whole=whole.label, problem="“一部分”关系首尾相接，形成循环")
                    break
                seen.add(node.id)
                nxt = node.part_of if isinstance(node.part_of, str) else node.parent
                node = by_id.get(nxt) if nxt else None

    def _selector(self, path: tuple, sel: Any, t: dict, rows: list[RawRow]) -> None:
        if not isinstance(sel, dict):
            return
        by_id = {r.id: r for r in rows}
        picked: list[tuple[tuple, RawRow]] = []
        group = sel.get("group")
        if isinstance(group, str):
            groups = {g.get("id") for _, g in items(t.get("groups"), ())}
            if group not in groups:
                self._dangling(path + ("group",), "分组", group, groups)
            picked = [(path + ("group",), r) for r in rows if r.group == group and r.parent is None]
        listed = sel.get("rows") if isinstance(sel.get("rows"), list) else []
        for i, rid in enumerate(listed):
            if not isinstance(rid, str):
                continue
            if rid not in by_id:
                self._dangling(path + ("rows", i), "行", rid, by_id)
            else:
                picked.append((path + ("rows", i), by_id[rid]))
        for at, r in picked:
            if r.kind != "count":
                self._rule(at, "same-count", f"只比较件数，「{r.label}」是{KIND_ZH.get(r.kind, str(r.kind))}")

    # cases tables
    def _cases(self, path: tuple, t: dict) -> None:
        fields = list(items(t.get("fields"), path + ("fields",)))
        self._unique([(p + ("id",), f.get("id")) for p, f in fields])
        for p, f in fields:
            self._field(p, f)
        by_id = {f.get("id"): f for _, f in fields if isinstance(f.get("id"), str)}
        for rp, rule in items(t.get("rules"), path + ("rules",)):
            if not (self._placed(rp, rule, "cases") and rule.get("kind") == "flag-matches-threshold"):
                continue
            self._field_ref(rp + ("field",), rule.get("field"), by_id, NUMBER_KINDS, rule["kind"], "金额或件数字段")
            flag = rule.get("flag")
            if isinstance(flag, dict):
                target = self._field_ref(rp + ("flag", "field"), flag.get("field"), by_id, CHOICE_KINDS, rule["kind"], "勾选字段")
                if target is not None:
                    self._option_ref(rp + ("flag", "option"), flag.get("option"), target)

    def _field_ref(self, path: tuple, ref: Any, fields: dict, kinds: tuple, rule: str, what: str) -> dict | None:
        if not isinstance(ref, str):
            return None
        f = fields.get(ref)
        if f is None:
            self._dangling(path, "字段", ref, fields)
            return None
        if f.get("kind") not in kinds:
            self._rule(path, rule, f"「{f.get('label', ref)}」是 {f.get('kind')} 字段，这里需要{what}（{'、'.join(kinds)}）")
            return None
        return f

    def _option_ref(self, path: tuple, ref: Any, f: dict) -> None:
        options = {o.get("id") for _, o in items(f.get("options"), ())}
        if isinstance(ref, str) and ref not in options:
            self._dangling(path, f"「{f.get('label', f.get('id'))}」的选项", ref, options)

    def _placed(self, path: tuple, rule: dict, place: str) -> bool:
        """Whether a rule of a known kind is written where its kind belongs (reported if not)."""
        kind = rule.get("kind")
        if kind not in RULE_PLACES:
            return False  # an unknown kind is the schema's finding
        if RULE_PLACES[kind] != place:
            self._rule(path + ("kind",), kind, f"这种规则只能写在 {PLACE_ZH[RULE_PLACES[kind]]} 中")
            return False
        return True

    # rules across tables
    def _form_rule(self, path: tuple, rule: dict) -> None:
        if not (self._placed(path, rule, "form") and rule.get("kind") == "cases-within-bands"):
            return
        kind = rule["kind"]
        cases_id = rule.get("cases")
        cases = self.tables.get(cases_id) if isinstance(cases_id, str) else None
        if isinstance(cases_id, str):
            if cases is None:
                self._dangling(path + ("cases",), "表格", cases_id, self.tables)
            elif cases.get("kind") != "cases":
                self._rule(path + ("cases",), kind, f"「{cases_id}」不是案件清单（cases 表）")
                cases = None
        category = None
        if cases is not None:
            fields = {f.get("id"): f for _, f in items(cases.get("fields"), ()) if isinstance(f.get("id"), str)}
            category = self._field_ref(path + ("category",), rule.get("category"), fields, ("choice",), kind, "单选字段")
            self._field_ref(path + ("value",), rule.get("value"), fields, NUMBER_KINDS, kind, "金额字段")
        mapping = rule.get("tables")
        if not isinstance(mapping, dict):
            return
        bands = [(path + ("bands", i), b) for i, b in enumerate(rule.get("bands") or []) if isinstance(b, str)] \
            if isinstance(rule.get("bands"), list) else []
        for option, table_id in mapping.items():
            at = path + ("tables", option)
            if category is not None:
                self._option_ref(at, option, category)
            if not isinstance(table_id, str):
                continue
            table = self.tables.get(table_id)
            if table is None:
                self._dangling(at, "表格", table_id, self.tables)
                continue
            if table.get("kind") != "grid":
                self._rule(at, kind, f"「{table_id}」不是统计表（grid 表）")
                continue
            rows = {r.id: r for r in grid_rows(table, ())}
            for bpath, band in bands:
                if band not in rows:
                    self._dangling(bpath, f"「{table_id}」表中的行", band, rows)
                elif rows[band].kind != "count":
                    self._rule(bpath, kind, f"「{rows[band].label}」是金额，货值分档应为件数")
