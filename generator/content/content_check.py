"""`yaojian check` for content/: schemas, then the files against each other.

Every file is validated against its kind's schema; then ids must be unique, every
reference must resolve (organisations, documents, clauses, procedures, forms, steps,
phases, figures), every verbatim quote must stand in the clause it cites, date ranges
must run forwards and stated shares must match their figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterator

from generator.content import KINDS, OFFICE_SCHEMA, Content, as_list, squash
from generator.findings import Finding
from generator.schemacheck import SchemaSet, suggest
from generator.yamlsrc import Source

Path_ = tuple


def walk(data: Any, pattern: tuple, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Values matching a path pattern; '*' is any key or index, '**' any depth."""
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        yield from walk(data, rest, path)
        children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
        for k, v in children:
            yield from walk(v, pattern, path + (k,))
        return
    if head == "*":
        children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
        for k, v in children:
            yield from walk(v, rest, path + (k,))
        return
    if isinstance(data, dict) and head in data:
        yield from walk(data[head], rest, path + (head,))


# (folder, pattern, target) — the references each kind may make.
REFERENCES: tuple[tuple[str, tuple, str], ...] = (
    ("documents", ("issuers", "*"), "organisation"),
    ("documents", ("authors", "*"), "organisation"),
    ("documents", ("clauses", "**", "form", "id"), "form"),
    ("organisations", ("organisations", "*", "parent"), "organisation"),
    ("organisations", ("organisations", "*", "office"), "organisation"),
    ("organisations", ("organisations", "*", "hosted_by"), "organisation"),
    ("organisations", ("organisations", "*", "members", "*", "organisation"), "organisation"),
    ("organisations", ("organisations", "*", "source"), "clause"),
    ("organisations", ("organisations", "*", "members", "*", "source"), "clause"),
    ("responsibilities", ("document",), "document"),
    ("responsibilities", ("responsibilities", "*", "actor"), "organisation"),
    ("responsibilities", ("responsibilities", "*", "recipient"), "organisation"),
    ("responsibilities", ("responsibilities", "*", "source"), "clause"),
    ("responsibilities", ("responsibilities", "*", "procedure"), "procedure"),
    ("procedures", ("document",), "document"),
    ("procedures", ("source",), "clause"),
    ("procedures", ("steps", "*", "actor"), "organisation"),
    ("procedures", ("steps", "*", "recipient"), "organisation"),
    ("procedures", ("steps", "*", "source"), "clause"),
    ("procedures", ("steps", "*", "form"), "form"),
    ("procedures", ("steps", "*", "after", "*"), "step"),
    ("campaigns", ("document",), "document"),
    ("campaigns", ("source",), "clause"),
    ("campaigns", ("lead",), "organisation"),
    ("campaigns", ("phases", "*", "source"), "clause"),
    ("campaigns", ("phases", "*", "parent"), "phase"),
    ("campaigns", ("tasks", "*", "source"), "clause"),
    ("campaigns", ("reporting", "*", "form"), "form"),
    ("campaigns", ("reporting", "*", "actor"), "organisation"),
    ("campaigns", ("reporting", "*", "recipient"), "organisation"),
    ("campaigns", ("reporting", "*", "source"), "clause"),
    ("criteria", ("document",), "document"),
    ("criteria", ("source",), "clause"),
    ("criteria", ("items", "*", "source"), "clause"),
    ("criteria", ("form", "id"), "form"),
    ("figures", ("document",), "document"),
    ("figures", ("figures", "*", "source"), "clause"),
    ("figures", ("figures", "*", "part_of"), "figure"),
    ("office", ("office", "organisation"), "organisation"),
    ("office", ("campaign",), "campaign"),
    ("office", ("units", "*", "organisation"), "organisation"),
)

TARGET_ZH = {
    "organisation": "机构",
    "document": "文件",
    "clause": "条款",
    "procedure": "工作流程",
    "form": "报表",
    "step": "步骤",
    "phase": "阶段",
    "figure": "数字",
    "campaign": "专项行动",
}

# (folder, pattern of an id-bearing object list, scope) — ids unique per scope.
ID_SCOPES: tuple[tuple[str, tuple, str], ...] = (
    ("documents", ("id",), "document"),
    ("organisations", ("organisations", "*", "id"), "organisation"),
    ("responsibilities", ("responsibilities", "*", "id"), "responsibility"),
    ("procedures", ("id",), "procedure"),
    ("campaigns", ("id",), "campaign"),
    ("criteria", ("id",), "criteria"),
    ("figures", ("id",), "figures"),
)


def check_content(content: Content, schemas: SchemaSet, form_ids: set[str]) -> list[Finding]:
    findings = list(content.findings)
    for folder, schema in KINDS.items():
        for source in content.sources.get(folder, []):
            findings.extend(schemas.check(source, f"content/{schema}.schema.json"))
    for source in content.sources.get("office", []):
        findings.extend(schemas.check(source, f"content/{OFFICE_SCHEMA}.schema.json"))
    findings.extend(_check_ids(content))
    findings.extend(_check_references(content, form_ids))
    findings.extend(_check_quotes(content))
    findings.extend(_check_ranges(content))
    findings.extend(_check_figures(content))
    findings.extend(_check_office(content))
    findings.extend(_check_step_order(content))
    return findings


def _check_step_order(content: Content) -> list[Finding]:
    """A step follows earlier steps only (`after`), so the step order reads as the flow;
    a loop is said with `repeat`, not with an edge back."""
    out: list[Finding] = []
    for source in content.sources.get("procedures", []):
        steps = source.data.get("steps") if isinstance(source.data, dict) else None
        if not isinstance(steps, list):
            continue
        seen: set = set()
        all_ids = {s.get("id") for s in steps if isinstance(s, dict)}
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            for k, ref in enumerate(step.get("after") or [] if isinstance(step.get("after"), list) else []):
                if ref in all_ids and ref not in seen:
                    out.append(source.finding("schema-violation", ("steps", i, "after", k), params={
                        "field": "after",
                        "problem": f"步骤「{step.get('id')}」只能接在它前面的步骤之后，「{ref}」不在它前面"
                                   "（循环请用 repeat 说明）"}))
            seen.add(step.get("id"))
    return out


def _check_ids(content: Content) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[tuple[str, str], str] = {}
    for folder, pattern, scope in ID_SCOPES:
        for source in content.sources.get(folder, []):
            for path, value in walk(source.data, pattern):
                if not isinstance(value, str):
                    continue
                key = (scope, value)
                line, _ = source.position(path)
                here = f"{source.file}:{line}"
                if key in seen:
                    out.append(source.finding("duplicate-id", path, params={"id": value, "first": seen[key]}))
                else:
                    seen[key] = here
    # clause ids per document, step ids per procedure, phase ids per campaign, figure ids per set
    local = (
        ("documents", ("clauses", "**", "id"), lambda p: p[-2] != "form"),
        ("procedures", ("steps", "*", "id"), None),
        ("campaigns", ("phases", "*", "id"), None),
        ("campaigns", ("reporting", "*", "id"), None),
        ("criteria", ("items", "*", "id"), None),
        ("figures", ("figures", "*", "id"), None),
    )
    for folder, pattern, keep in local:
        for source in content.sources.get(folder, []):
            ids: dict[str, int] = {}
            for path, value in walk(source.data, pattern):
                if keep and not keep(path) or not isinstance(value, str):
                    continue
                line, _ = source.position(path)
                if value in ids:
                    out.append(source.finding("duplicate-id", path, params={"id": value, "first": f"第 {ids[value]} 行"}))
                else:
                    ids[value] = line
    return out


def _targets(content: Content, form_ids: set[str]) -> dict[str, set[str]]:
    return {
        "organisation": set(content.organisations),
        "document": set(content.documents),
        "clause": set(content.clauses),
        "procedure": set(content.procedures),
        "form": set(form_ids),
        "figure": set(),
        "campaign": set(content.campaigns),
    }


def _unknowable(content: Content, target: str, ref: str) -> bool:
    """Whether `ref` may be defined in a file that could not be parsed: then its absence is
    no finding (the file's own syntax error is the one to fix)."""
    unparsed = content.unparsed
    if target == "organisation":
        return bool(unparsed.get("organisations"))  # any organisations file may define any id
    if target == "procedure":
        return ref in unparsed.get("procedures", ())  # a procedure's file is named by its id
    if target == "document":
        return ref in unparsed.get("documents", ())
    if target == "clause":
        return ref.split("#", 1)[0] in unparsed.get("documents", ())
    return False


# The place every document, organisation and procedure belongs to (its 辖区), and the place
# shared by all: "did you mean" suggests only ids of the referrer's own place or a shared one.
SHARED_PLACE = "全国"


def _places(content: Content) -> dict[str, dict[str, str]]:
    docs = {doc_id: str(doc.get("place") or "") for doc_id, doc in content.documents.items()}
    orgs: dict[str, str] = {}
    for _source, data in content.items("organisations"):
        for org in data.get("organisations") or ():
            if isinstance(org, dict) and isinstance(org.get("id"), str):
                orgs[org["id"]] = str(data.get("place") or "")
    procedures = {pid: docs.get(str(p.get("document")), "") for pid, p in content.procedures.items()}
    clauses = {ref: docs.get(ref.split("#", 1)[0], "") for ref in content.clauses}
    return {"organisation": orgs, "procedure": procedures, "document": docs, "clause": clauses}


def _place_of(content: Content, data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    if isinstance(data.get("place"), str):
        return data["place"]
    doc = content.documents.get(data.get("document")) if isinstance(data.get("document"), str) else None
    return str(doc.get("place") or "") if doc else ""


def _check_references(content: Content, form_ids: set[str]) -> list[Finding]:
    out: list[Finding] = []
    targets = _targets(content, form_ids)
    places = _places(content)
    for folder, pattern, target in REFERENCES:
        for source in content.sources.get(folder, []):
            data = source.data
            here = _place_of(content, data)
            local: set[str] | None = None
            if target == "step":
                local = {s.get("id") for s in data.get("steps", []) if isinstance(s, dict)} if isinstance(data, dict) else set()
            elif target == "phase":
                local = {s.get("id") for s in data.get("phases", []) if isinstance(s, dict)} if isinstance(data, dict) else set()
            elif target == "figure":
                local = {s.get("id") for s in data.get("figures", []) if isinstance(s, dict)} if isinstance(data, dict) else set()
            pool = local if local is not None else targets[target]
            nearby = pool
            if local is None and here and target in places:
                place_of = places[target]
                nearby = {c for c in pool if place_of.get(c, "") in ("", here, SHARED_PLACE)}
            for path, value in walk(data, pattern):
                for i, ref in enumerate(as_list(value)):
                    if not isinstance(ref, str) or ref in pool or _unknowable(content, target, ref):
                        continue
                    at = path + (i,) if isinstance(value, list) else path
                    out.append(
                        source.finding(
                            "dangling-reference", at,
                            params={"target_kind": TARGET_ZH[target], "ref": ref, "suggestion": suggest(ref, nearby)},
                        )
                    )
    return out


def _scope_text(content: Content, refs: list) -> str | None:
    texts = []
    for ref in refs:
        clause = content.clause(ref) if isinstance(ref, str) else None
        if clause is None:
            return None  # a dangling reference is reported elsewhere
        texts.append(squash(clause.full_text))
    return "\u0000".join(texts) if texts else None


def _check_quotes(content: Content) -> list[Finding]:
    out: list[Finding] = []
    # Fields besides `quote` and `deadline.text` that quote their source verbatim, by the
    # key that holds the object ("" for the file's top level).
    verbatim = {
        ("campaigns", "phases"): ("text",),
        ("campaigns", "period"): ("text",),
        ("criteria", ""): ("intro",),
        ("criteria", "items"): ("text",),
        ("organisations", "members"): ("name", "title"),
    }

    def visit(source: Source, node: Any, path: tuple, refs: list, folder: str) -> None:
        if isinstance(node, dict):
            if "source" in node:
                refs = as_list(node.get("source"))
            scope = _scope_text(content, refs) if refs else None
            quoted: list[tuple[tuple, Any]] = []
            if "quote" in node:
                quoted.append((path + ("quote",), node["quote"]))
            if isinstance(node.get("deadline"), dict) and "text" in node["deadline"]:
                quoted.append((path + ("deadline", "text"), node["deadline"]["text"]))
            owner = next((p for p in reversed(path) if isinstance(p, str)), "")
            for key in verbatim.get((folder, owner), ()):
                if key in node:
                    quoted.append((path + (key,), node[key]))
            for qpath, quote in quoted:
                if scope is not None and isinstance(quote, str) and squash(quote) not in scope:
                    shown = quote if len(quote) <= 30 else quote[:28] + "……"
                    out.append(source.finding(
                        "quote-not-in-clause", qpath, params={"quote": shown, "ref": "、".join(map(str, refs))}
                    ))
            for k, v in node.items():
                if k != "deadline":
                    visit(source, v, path + (k,), refs, folder)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(source, v, path + (i,), refs, folder)

    for folder in ("organisations", "responsibilities", "procedures", "campaigns", "criteria", "figures"):
        for source in content.sources.get(folder, []):
            visit(source, source.data, (), [], folder)
    return out


def _check_ranges(content: Content) -> list[Finding]:
    out: list[Finding] = []
    for source in content.sources.get("campaigns", []) + content.sources.get("procedures", []) + content.sources.get(
        "responsibilities", []
    ):
        for path, node in walk(source.data, ("**",)):
            if isinstance(node, dict) and _is_date(node.get("start")) and _is_date(node.get("end")):
                if node["start"] > node["end"]:
                    out.append(source.finding(
                        "schema-violation", path + ("end",),
                        params={"field": "end", "problem": f"结束日期 {node['end']} 早于开始日期 {node['start']}"},
                    ))
    return out


def _is_date(value: Any) -> bool:
    """A real YYYY-MM-DD date (an impossible one such as 2022-02-30 is reported by the schema)."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_figures(content: Content) -> list[Finding]:
    out: list[Finding] = []
    for source in content.sources.get("figures", []):
        figures = source.data.get("figures", []) if isinstance(source.data, dict) else []
        by_id = {f.get("id"): f for f in figures if isinstance(f, dict)}
        for i, fig in enumerate(figures):
            if not isinstance(fig, dict):
                continue
            if fig.get("part_of") is not None and fig.get("part_of") == fig.get("id"):
                out.append(source.finding("schema-violation", ("figures", i, "part_of"), params={
                    "field": "part_of", "problem": "一个数字不能是它自身的一部分"}))
                continue
            parent = by_id.get(fig.get("part_of"))
            value = fig.get("value")
            if parent is None or not isinstance(value, (int, float)) or not isinstance(parent.get("value"), (int, float)):
                continue
            if value > parent["value"]:
                out.append(source.finding("schema-violation", ("figures", i, "value"), params={
                    "field": "value", "problem": f"{value} 大于其所属的「{parent.get('label')}」{parent['value']}"}))
            share = fig.get("share_percent")
            if isinstance(share, (int, float)) and parent["value"]:
                computed = (Decimal(str(value)) * 100 / Decimal(str(parent["value"]))).quantize(Decimal("0.01"))
                if computed != Decimal(str(share)).quantize(Decimal("0.01")):
                    out.append(source.finding("schema-violation", ("figures", i, "share_percent"), params={
                        "field": "share_percent",
                        "problem": f"按 {value}/{parent['value']} 计算应为 {computed}%，填写为 {share}%"}))
    return out


def _check_office(content: Content) -> list[Finding]:
    """The office profile: its campaign files reports, each 报送单位 is named once."""
    out: list[Finding] = []
    for source in content.sources.get("office", []):
        data = source.data if isinstance(source.data, dict) else {}
        camp = content.campaigns.get(data.get("campaign"))
        if camp is not None and not any(isinstance(r, dict) and r.get("form") for r in camp.get("reporting") or ()):
            out.append(source.finding("schema-violation", ("campaign",), params={
                "field": "campaign", "problem": f"专项行动 {data['campaign']} 没有带报表的报送安排，报送服务无法计算期限"}))
        names: dict[str, int] = {}
        orgs = content.organisations
        for i, unit in enumerate(data.get("units") or ()):
            if not isinstance(unit, dict):
                continue
            name = unit.get("name") or (orgs.get(unit.get("organisation")) or {}).get("name")
            if not name:
                continue
            if name in names:
                out.append(source.finding("duplicate-id", ("units", i), params={"id": name, "first": f"第 {names[name] + 1} 个单位"}))
            else:
                names[name] = i
    return out
