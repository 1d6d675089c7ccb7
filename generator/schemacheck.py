"""JSON Schema validation of positioned YAML sources, as located findings.

Schemas live in the project's `schemas/` folder (2020-12) and may `$ref` each other by
file name.  Each schema error becomes one Finding with a stable code and a Chinese
message; an unknown key (`additionalProperties: false`) is a warning with a
"did you mean" suggestion instead of an error.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Iterable

from generator.findings import Finding
from generator.yamlsrc import Source

_TYPE_ZH = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true/false",
    "array": "列表",
    "object": "键值对象",
    "null": "空值",
}


def type_zh(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数字"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对象"
    return type(value).__name__


def suggest(word: object, choices: Iterable[object]) -> str:
    """A Chinese "did you mean" tail for a misspelt key, id or value, or "".

    Candidates that are not strings are ignored; they are tried in sorted order, so the
    suggestion does not depend on the order of a set."""
    pool = sorted(c for c in choices if isinstance(c, str))
    match = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    return f"，是否为「{match[0]}」？" if match else ""


class SchemaSet:
    """The JSON Schemas of one folder, resolvable by file name."""

    def __init__(self, folder: Path):
        from referencing import Registry, Resource

        self.folder = folder
        self.schemas: dict[str, dict] = {}
        self._validators: dict[str, Any] = {}
        resources = []
        for path in sorted(folder.rglob("*.schema.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            name = path.relative_to(folder).as_posix()
            self.schemas[name] = schema
            resources.append((schema.get("$id", name), Resource.from_contents(schema)))
            if schema.get("$id") and schema["$id"] != name:
                resources.append((name, Resource.from_contents(schema)))
        self.registry = Registry().with_resources(resources)

    def validator(self, name: str):
        """The compiled validator of one schema, made once per SchemaSet."""
        hit = self._validators.get(name)
        if hit is None:
            from jsonschema import Draft202012Validator, FormatChecker

            hit = self._validators[name] = Draft202012Validator(self.schemas[name], registry=self.registry,
                                                                format_checker=FormatChecker())
        return hit

    def check(self, source: Source, name: str) -> list[Finding]:
        validator = self.validator(name)
        findings: list[Finding] = []
        seen: set[tuple] = set()
        for error in sorted(validator.iter_errors(source.data), key=lambda e: list(map(str, e.absolute_path))):
            for finding in _to_findings(source, error):
                key = (finding.code, finding.line, finding.col, finding.path, repr(sorted(finding.params.items())))
                if key not in seen:  # one error per missing field names them all: report each once
                    seen.add(key)
                    findings.append(finding)
        return findings


def _field(path: tuple) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else "（文件顶层）"


def _to_findings(source: Source, error) -> list[Finding]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    field = _field(path)
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        return [
            source.finding("unknown-key", path + (k,), key=True, params={"key": k, "suggestion": suggest(k, allowed)})
            for k in extras
        ]
    if keyword == "required":
        # jsonschema raises one error per missing field ("'quote' is a required property").
        missing = [r for r in error.validator_value if isinstance(error.instance, dict) and r not in error.instance]
        missing = [r for r in missing if repr(r) in error.message] or missing
        return [source.finding("missing-field", path, key=True, params={"field": m}) for m in missing]
    if keyword == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        return [
            source.finding(
                "wrong-type", path,
                params={"field": field, "expected_type": "或".join(_TYPE_ZH.get(t, t) for t in expected),
                        "actual_type": type_zh(error.instance)},
            )
        ]
    if keyword in ("enum", "const"):
        choices = error.validator_value if keyword == "enum" else [error.validator_value]
        return [
            source.finding(
                "invalid-choice", path,
                params={"field": field, "value": error.instance, "choices": "、".join(map(str, choices))
                        + suggest(str(error.instance), map(str, choices))},
            )
        ]
    if keyword in ("pattern", "format"):
        rule = error.schema.get("description") or (
            f"应为 {error.validator_value} 格式" if keyword == "format" else f"应符合 {error.validator_value}"
        )
        if keyword == "format" and error.validator_value == "date":
            rule = "应为真实存在的日期，写作 YYYY-MM-DD"
        return [source.finding("invalid-format", path, params={"field": field, "value": error.instance, "rule": rule})]
    if keyword in ("oneOf", "anyOf"):
        return [_alternatives(source, error, path, field)]
    problem = {
        "minItems": "至少需要 {v} 项",
        "maxItems": "最多 {v} 项",
        "minLength": "不能为空",
        "minimum": "不能小于 {v}",
        "maximum": "不能大于 {v}",
        "uniqueItems": "列表中有重复项",
        "minProperties": "不能为空",
    }.get(keyword)
    # Never echo jsonschema's English message (it dumps the whole instance): name the rule.
    text = problem.format(v=error.validator_value) if problem else f"不符合结构规则“{keyword}”"
    return [source.finding("schema-violation", path, params={"field": field, "problem": text})]


def _alternatives(source: Source, error, path: tuple, field: str) -> Finding:
    """A oneOf/anyOf failure in words: which of the alternative fields to write.

    The content schemas use these only as "write exactly one (oneOf) / at least one (anyOf)
    of these fields"; other shapes get a plain Chinese sentence, never the English dump.
    """
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    names = [b["required"] for b in branches if isinstance(b, dict) and list(b) == ["required"]]
    if len(names) != len(branches) or not names or not isinstance(error.instance, dict):
        return source.finding("schema-violation", path, params={"field": field, "problem": "不符合任何一种允许的写法"})
    choices = "或".join("「" + "、".join(n) + "」" for n in names)
    present = [n for n in names if all(k in error.instance for k in n)]
    if error.validator == "oneOf" and len(present) > 1:
        keys = [k for n in present for k in n]
        last = max(keys, key=lambda k: source.position(path + (k,), key=True))
        return source.finding("schema-violation", path + (last,), key=True, params={
            "field": field, "problem": f"{choices}只能写其中一个，不能同时写"})
    need = "必须写且只能写" if error.validator == "oneOf" else "至少要写"
    return source.finding("schema-violation", path, key=True, params={"field": field, "problem": f"{need}{choices}之一"})
