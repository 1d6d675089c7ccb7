"""The JSON Schema (2020-12) of a filed form, generated from its definition.

A filed workbook is read into a document of this shape (agreed with the validator):

    {"form": "monthly-progress", "form_version": "1.0",
     "header": {"unit": "…", "report_date": "2022-06-30", "note": "…" | null},
     "tables": {"drug": {"rows": {"inspection": {"research": 0, …, "total": 3}, …},
                         "key_areas": {"cases": {"unlicensed_production": 0, …}, …}},
                "major_cases": [{"number": "…", "category": ["drug"], …, "value": 120.5}],
                "report": {"basic": "…", …}}}

A cell's value is a number, "/" (不涉及), null (blank), or the filer's text when it is
neither.  Each cell schema is built so that every bad value fails exactly one keyword,
which the validator maps to one finding code:

    count  {"type": ["integer", "string"], "minimum": 0, "pattern": "^/$"}
           null → type (blank-cell) · 2.5 → type (non-integer-count) ·
           -1 → minimum (negative-value) · "无" → pattern (invalid-value)
    amount the same with "number"; 合计 cells also allow null (a formula with no cached
           value is not a blank).

Choices are arrays of option ids (minItems/maxItems: exactly one, at least n); dates
`format: date`; required text `minLength: 1`.  Titles (sheet · row × column) and
descriptions are Chinese, so the schema documents itself.

`python -m generator.forms.schema` rewrites the committed schemas/forms/*.schema.json;
a test fails when they differ from what the definitions generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.forms import describe as d
from generator.forms.model import NUMBER_KINDS, TEXT_LIMITS, Field, Form, Row, Table

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FOLDER = "forms"  # under schemas/ (and site/schemas/)
SLASH_PATTERN = "^/$"


def schema_name(form_id: str) -> str:
    """The schema's path under schemas/: forms/<id>.schema.json (also its $id)."""
    return f"{FOLDER}/{form_id}.schema.json"


def _defs() -> dict:
    cell = "或“/”（不涉及）；null 表示留空（不符合要求），其他文字也不符合要求"
    return {
        "count": {
            "title": "件数",
            "description": f"不小于 0 的整数，{cell}。",
            "type": ["integer", "string"],
            "minimum": 0,
            "pattern": SLASH_PATTERN,
        },
        "amount": {
            "title": "金额",
            "description": f"不小于 0 的数（可有小数），{cell}。",
            "type": ["number", "string"],
            "minimum": 0,
            "pattern": SLASH_PATTERN,
        },
        "count_total": {
            "title": "合计（件数）",
            "description": "各环节之和（公式）：整数或“/”；null 表示公式没有缓存值（由程序而非 Excel/WPS 保存的文件），不算留空。",
            "type": ["integer", "string", "null"],
            "minimum": 0,
            "pattern": SLASH_PATTERN,
        },
        "amount_total": {
            "title": "合计（金额）",
            "description": "各环节之和（公式）：数或“/”；null 表示公式没有缓存值，不算留空。",
            "type": ["number", "string", "null"],
            "minimum": 0,
            "pattern": SLASH_PATTERN,
        },
    }


def form_schema(form: Form, content=None) -> dict:
    """The schema of a filed `form` (content gives section headings and guidance; without
    it they are named by their clause)."""
    tables = {t.id: _table(form, t, content) for t in form.tables}
    return {
        "$schema": DIALECT,
        "$id": schema_name(form.id),
        "$comment": f"由 forms/{form.id}.yaml 生成，请勿手改；重新生成：python -m generator.forms.schema",
        "title": f"{form.title}（报回的报表，表单编号 {form.id}，模板版本 {form.version}）",
        "description": (
            "从报回的 Excel 报表读出的内容。每个填写格的值为：数、“/”（不涉及）、null（留空），"
            "或填报人所填的其他文字（不符合要求）。"
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["form", "form_version", "header", "tables"],
        "properties": {
            "form": {"title": "表单编号", "const": form.id},
            "form_version": {
                "title": "模板版本",
                "description": f"报表模板的版本；当前版本 {form.version}。",
                "type": "string",
                "pattern": r"^[0-9]+\.[0-9]+$",
            },
            "header": {
                "title": "表头",
                "type": "object",
                "additionalProperties": False,
                "required": [f.id for f in form.header],
                "properties": {f.id: _field(f, f.label) for f in form.header},
            },
            "tables": {
                "title": "各表",
                "type": "object",
                "additionalProperties": False,
                "required": list(tables),
                "properties": tables,
            },
        },
        "$defs": _defs(),
    }


def _table(form: Form, t: Table, content) -> dict:
    if t.kind == "grid":
        return _grid(t)
    if t.kind == "cases":
        return _cases(t)
    return _sections(t, content)


def _cell(kind: str, title: str, total: bool = False) -> dict:
    name = f"{kind}_total" if total else kind
    return {"$ref": f"#/$defs/{name}", "title": title}


def _row_description(t: Table, row: Row, relation: str) -> str:
    parts = [f"单位：{row.unit}" if row.unit else "", d.number_text(row.kind), "不涉及填“/”"]
    if t.cumulative:
        parts.append("截至填表日期的累计数")
    if relation:
        parts.append(relation)
    if row.note:
        parts.append(f"说明：{row.note}")
    return "；".join(p for p in parts if p) + "。"


def _grid(t: Table) -> dict:
    cols = list(t.columns) + ([t.total] if t.total else [])
    rows = {}
    for row in t.rows:
        rows[row.id] = {
            "title": f"{t.sheet} · {row.label}",
            "description": _row_description(t, row, d.row_relation(t, row)),
            "type": "object",
            "additionalProperties": False,
            "required": [c.id for c in cols],
            "properties": {
                c.id: _cell(row.kind, f"{t.sheet} · {row.label} × {c.label}", total=t.total is not None and c.id == t.total.id)
                for c in cols
            },
        }
    out = {
        "title": t.heading,
        "description": f"工作表「{t.sheet}」。" + ("各格为截至填表日期的累计数。" if t.cumulative else ""),
        "type": "object",
        "additionalProperties": False,
        "required": ["rows"] + (["key_areas"] if t.key_areas else []),
        "properties": {
            "rows": {
                "title": f"{t.heading}：各行",
                "type": "object",
                "additionalProperties": False,
                "required": [r.id for r in t.rows],
                "properties": rows,
            }
        },
    }
    if t.key_areas is not None:
        ka = t.key_areas
        ka_rows = {}
        for row in ka.rows:
            whole = d.ka_row_whole(ka, row)
            props = {}
            for c in ka.columns:
                label = c.label if c.parent is None else f"{ka.column(c.parent).label}（{c.label}）"
                cell = _cell(row.kind, f"{t.sheet} · {ka.title} · {row.label} × {label}")
                relation = d.column_relation(ka, c)
                if relation:
                    cell["description"] = relation + "。"
                props[c.id] = cell
            ka_rows[row.id] = {
                "title": f"{t.sheet} · {ka.title} · {row.label}",
                "description": _row_description(t, row, f"是{d.quote(whole.label)}的一部分" if whole else ""),
                "type": "object",
                "additionalProperties": False,
                "required": [c.id for c in ka.columns],
                "properties": props,
            }
        out["properties"]["key_areas"] = {
            "title": f"{t.heading}：{ka.title}",
            "description": f"{ka.title}：行 × {ka.corner}，无合计。" + (f"说明：{ka.note}" if ka.note else ""),
            "type": "object",
            "additionalProperties": False,
            "required": [r.id for r in ka.rows],
            "properties": ka_rows,
        }
    return out


def _field(f: Field, title: str) -> dict:
    """The schema of a header field or of a case's field."""
    desc = d.field_rule(f)
    if f.hint:
        desc = f"{f.hint}{desc}"
    if f.note:
        desc += f"说明：{f.note}"
    if f.kind in NUMBER_KINDS:
        out = {"$ref": f"#/$defs/{f.kind}", "title": title, "description": desc}
        if not f.required:
            out = {
                "title": title, "description": desc, "type": [_json_type(f.kind), "string", "null"],
                "minimum": 0, "pattern": SLASH_PATTERN,
            }
        return out
    if f.kind == "date":
        return {"title": title, "description": desc, "type": "string" if f.required else ["string", "null"], "format": "date"}
    if f.kind in ("text", "longtext"):
        if f.required:
            return {"title": title, "description": desc, "type": "string", "minLength": 1, "maxLength": f.text_limit}
        return {"title": title, "description": desc, "type": ["string", "null"], "maxLength": f.text_limit}
    options = "；".join(f"{o.id}＝{o.label}" for o in f.options)
    out = {
        "title": title,
        "description": f"{desc}取值为所勾选选项的编号：{options}。",
        "type": "array",
        "items": {"enum": [o.id for o in f.options]},
        "uniqueItems": True,
    }
    if f.kind == "choice":
        out["minItems"] = 1
        out["maxItems"] = 1
    elif f.min:
        out["minItems"] = f.min
    return out


def _json_type(kind: str) -> str:
    return "integer" if kind == "count" else "number"


def _cases(t: Table) -> dict:
    return {
        "title": t.heading,
        "description": f"工作表「{t.sheet}」：一案一行，空行不计；模板预留 {t.capacity} 行，更多的案件续填在下方各行。",
        "type": "array",
        "items": {
            "title": f"{t.sheet} · 一个案件",
            "type": "object",
            "additionalProperties": False,
            "required": [f.id for f in t.fields],
            "properties": {f.id: _field(f, f"{t.sheet} · {f.label}") for f in t.fields},
        },
    }


def _sections(t: Table, content) -> dict:
    from generator.forms.texts import Texts

    texts = Texts(content)
    props = {}
    parents = {s.id: p for p in t.all_sections() for s in p.sections}
    none = ""
    if t.none_answers:
        none = "没有内容或与上次报告一致的，可填" + "或".join(f"“{a}”" for a in t.none_answers) + "。"
    for section in t.all_sections():
        if not section.fillable:
            continue
        heading = texts.heading(section.clause)
        parent = parents.get(section.id)
        under = f"属于「{texts.heading(parent.clause)}」。" if parent else ""
        props[section.id] = {
            "title": f"{t.sheet} · {heading}",
            "description": under + texts.guidance(section.clause) + none,
            "type": "string",
            "minLength": 1,
            "maxLength": TEXT_LIMITS["longtext"],
        }
    return {
        "title": t.heading or t.sheet,
        "description": f"工作表「{t.sheet}」：按部分填写的文字。",
        "type": "object",
        "additionalProperties": False,
        "required": list(props),
        "properties": props,
    }


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def generated(project, content=None) -> dict[str, str]:
    """Every form's schema text by its name under schemas/ (forms/<id>.schema.json)."""
    from generator import content as content_mod
    from generator.forms.model import load_forms

    if content is None:
        content = content_mod.load(project)
    return {schema_name(fid): schema_text(form_schema(form, content)) for fid, form in sorted(load_forms(project.forms).items())}


def write_schemas(project, out_dir: Path, content=None) -> list[Path]:
    """Write every form's schema under `out_dir` (out_dir/forms/<id>.schema.json); the paths.

    The site build calls this with site/schemas/; `python -m generator.forms.schema`
    with the project's schemas/."""
    written = []
    for name, text in generated(project, content).items():
        path = Path(out_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Rewrite schemas/forms/*.schema.json from the definitions (--check: only say if they differ)."""
    from generator.project import find_project

    argv = sys.argv[1:] if argv is None else argv
    project = find_project()
    wanted = generated(project)
    if "--check" in argv:
        stale = [n for n, text in wanted.items()
                 if not (project.schemas / n).exists() or (project.schemas / n).read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"schemas/{name} 与报表定义不一致；请运行 python -m generator.forms.schema", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(project, project.schemas):
        print(project.display(path))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
