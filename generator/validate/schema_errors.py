"""The filed document against its form's JSON Schema, each error as a finding in place.

The schema is `schemas/forms/<form id>.schema.json` (generated from the definition by the
forms engineer); it is compiled once per process with `jsonschema_rs`.  Each error's
instance path is a layout key, so its finding names the sheet, the cell and the form's
own words.  The mapping goes by the failing keyword and the value, not by the schema's
exact wording: null → blank-cell (required-field for a text or date field), minimum →
negative-value, a fraction where a count is due → non-integer-count, pattern/enum/type on
text → invalid-value, format → invalid-date, minItems/maxItems → choice-missing /
choice-multiple.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.findings import Finding
from generator.forms.model import Form
from generator.validate.document import Filed
from generator.validate.plan import Plan

_COMPILED: dict[tuple, object] = {}


def schema_path(schemas: Path, form: Form) -> Path:
    return Path(schemas) / "forms" / f"{form.id}.schema.json"


def validator(schemas: Path, form: Form):
    """The compiled validator of a form's schema (cached per file state)."""
    import jsonschema_rs

    path = schema_path(schemas, form)
    try:
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns, form.version)
    except OSError:
        key = ("fallback", form.id, form.version, id(form))
    hit = _COMPILED.get(key)
    if hit is None:
        if key[0] == "fallback":  # a project whose schemas/forms/ is not generated
            from generator.forms.schema import form_schema

            schema = form_schema(form)
        else:
            schema = json.loads(path.read_text(encoding="utf-8"))
        hit = _COMPILED[key] = jsonschema_rs.validator_for(schema, validate_formats=True)
    return hit


def check(filed: Filed, plan: Plan, schemas: Path) -> tuple[list[Finding], set[tuple]]:
    """Schema findings, and the keys they concern (the rules leave those out)."""
    v = validator(schemas, plan.form)
    findings: list[Finding] = []
    bad: set[tuple] = set()
    for err in v.iter_errors(filed.document):
        key = _key(list(err.instance_path))
        if key is None or key in bad or key in filed.absent:
            continue
        if key in filed.formulas:
            continue  # a 合计 the template's formula computed: its parts carry the findings
        bad.add(key)
        f = _finding(filed, plan, key, type(err.kind).__name__, err.instance)
        if f is not None:
            findings.append(f)
    return findings, bad


def _key(path: list) -> tuple | None:
    if len(path) == 2 and path[0] == "header":
        return ("header", path[1])
    if len(path) >= 3 and path[0] == "tables":
        t = path[1]
        if len(path) == 5 and path[2] in ("rows", "key_areas"):
            return (t, path[2], path[3], path[4])
        if len(path) >= 4 and isinstance(path[2], int):
            return (t, path[2], path[3], None)
        if len(path) == 3:
            return (t, path[2])
    if len(path) == 2 and path[0] == "tables":
        return (path[1],)
    return None


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _finding(filed: Filed, plan: Plan, key: tuple, keyword: str, instance) -> Finding | None:
    form = plan.form
    read = filed.values.get(key)
    typed = read.text if read is not None and read.text is not None else (None if instance is None else _shown(instance))
    if keyword == "MaxLength" and isinstance(instance, str):
        table = form.table(key[0]) if key[0] != "header" else None
        if table is None:
            label = form.header_field(key[1]).label
        elif table.kind == "cases":
            label = table.field(key[2]).label
        else:
            w = filed.place(key)
            label = w.row_label if w is not None else key[-1]
        return filed.finding("text-too-long", key, {"label": label, "limit": _limit(table, key, form),
                                                    "count": len(instance)},
                             value=instance[:20] + ("…" if len(instance) > 20 else ""))
    if key[0] == "header":
        f = form.header_field(key[1])
        return _field_finding(filed, key, f, keyword, instance, typed)
    table = form.table(key[0])
    if len(key) == 1:
        return None
    if table.kind == "grid":
        slot = plan.slots[key]
        if instance is None:
            return filed.finding("blank-cell", key)
        if keyword in ("Minimum", "ExclusiveMinimum"):
            hint = "金额" if slot.kind == "amount" else "数量"
            return filed.finding("negative-value", key, {"unit_hint": hint}, value=typed)
        if isinstance(instance, (int, float)) and not isinstance(instance, bool) and slot.kind == "count":
            return filed.finding("non-integer-count", key, {"unit": slot.unit or "件"}, value=typed)
        return filed.finding("invalid-value", key, {"kind_hint": _kind_hint(slot.kind)}, value=typed)
    if table.kind == "cases":
        f = table.field(key[2])
        return _field_finding(filed, key, f, keyword, instance, typed)
    if table.kind == "sections":
        if instance is None or keyword == "MinLength":
            hint = ""
            if table.none_answers:
                hint = "如本期没有相关情况，请填写“" + "”或“".join(table.none_answers) + "”。"
            w = filed.place(key)
            label = w.row_label if w is not None else key[1]
            return filed.finding("required-field", key, {"label": label, "hint": hint})
        return filed.finding("invalid-value", key, {"kind_hint": ""}, value=typed)
    return None  # pragma: no cover


def _limit(table, key: tuple, form: Form) -> int:
    from generator.forms.model import TEXT_LIMITS

    if key[0] == "header":
        f = form.header_field(key[1])
    elif table is not None and table.kind == "cases":
        f = table.field(key[2])
    else:
        return TEXT_LIMITS["longtext"]
    return getattr(f, "text_limit", None) or TEXT_LIMITS.get(f.kind, 200)


def _kind_hint(kind: str) -> str:
    if kind == "count":
        return "（此处应填整数、“/”或“0”）"
    if kind == "amount":
        return "（此处应填金额数字、“/”或“0”）"
    return ""


def _field_finding(filed: Filed, key: tuple, f, keyword: str, instance, typed) -> Finding:
    if f.is_choice:
        if keyword == "MaxItems" or (isinstance(instance, list) and len(instance) > 1 and f.kind == "choice"):
            labels = [f.option(o).label for o in instance if isinstance(o, str)]
            return filed.finding("choice-multiple", key, {"label": f.label, "count": len(instance), "ticked": labels},
                                 value="、".join(labels))
        rule = "勾选一项" if f.kind == "choice" else (f"至少勾选 {max(f.min, 1)} 项" if f.min > 1 else "至少勾选一项")
        return filed.finding("choice-missing", key, {"label": f.label, "rule": rule})
    if instance is None or keyword == "MinLength":
        return filed.finding("required-field", key, {"label": f.label, "hint": f.hint or ""})
    if f.kind == "date":
        return filed.finding("invalid-date", key, {"label": f.label}, value=typed)
    if f.kind in ("amount", "count"):
        if keyword in ("Minimum", "ExclusiveMinimum"):
            return filed.finding("negative-value", key, {"unit_hint": "金额" if f.kind == "amount" else "数量"}, value=typed)
        if isinstance(instance, (int, float)) and not isinstance(instance, bool) and f.kind == "count":
            return filed.finding("non-integer-count", key, {"unit": f.unit or "件"}, value=typed)
        return filed.finding("invalid-value", key, {"kind_hint": _kind_hint(f.kind)}, value=typed)
    return filed.finding("invalid-value", key, {"kind_hint": ""}, value=typed)
