"""The JSON Schema of a filed form: committed = generated, accepts a correct filing, and
rejects each kind of bad value with exactly one keyword (the validator maps keyword →
finding code), in jsonschema and in jsonschema-rs alike."""

from __future__ import annotations

import copy

import jsonschema
import jsonschema_rs
import pytest

from generator.forms.model import load_forms
from generator.forms.schema import form_schema, generated


@pytest.fixture(scope="module")
def forms(project):
    return load_forms(project.forms)


@pytest.fixture(scope="module")
def schemas(forms, content):
    return {fid: form_schema(form, content) for fid, form in forms.items()}


def sample(form) -> dict:
    """A correct filing of `form`: every kind of good value somewhere."""
    header = {}
    for f in form.header:
        header[f.id] = {"text": "永川区市场监督管理局", "date": "2022-06-30", "longtext": None}[f.kind]
    tables: dict = {}
    for t in form.tables:
        if t.kind == "grid":
            rows = {}
            for i, row in enumerate(t.rows):
                good = [0, "/", 3, 1] if row.kind == "count" else [0, "/", 2.5, 10]
                cells = {c.id: good[j % 4] for j, c in enumerate(t.columns)}
                rows[row.id] = {**cells, t.total.id: None if i % 2 else 3}
            ka = {r.id: {c.id: 0 if r.kind == "count" else 1.25 for c in t.key_areas.columns} for r in t.key_areas.rows}
            tables[t.id] = {"rows": rows, "key_areas": ka}
        elif t.kind == "cases":
            case = {}
            for f in t.fields:
                case[f.id] = {
                    "text": "YC-2022-001", "longtext": "案情概述……", "date": "2022-08-31", "amount": 120.5,
                    "count": 1, "choice": [f.options[0].id] if f.options else None,
                    "multi": [o.id for o in f.options[: max(1, f.min)]],
                }[f.kind]
            case["penalty"] = None
            tables[t.id] = [case, {**case, "number": "YC-2022-002", "value": "/"}]
        else:
            tables[t.id] = {s.id: "无" for s in t.all_sections() if s.fillable}
    return {"form": form.id, "form_version": form.version, "header": header, "tables": tables}


def py_keywords(schema, instance) -> list[str]:
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return sorted(e.validator for e in v.iter_errors(instance))


def rs_keywords(schema, instance) -> list[str]:
    v = jsonschema_rs.validator_for(schema, validate_formats=True)
    return sorted(str(list(e.schema_path)[-1]) for e in v.iter_errors(instance))


def test_committed_schemas_are_what_the_definitions_generate(project, content):
    for name, text in generated(project, content).items():
        committed = project.schemas / name
        assert committed.exists(), f"schemas/{name} is missing: run python -m generator.forms.schema"
        assert committed.read_text(encoding="utf-8") == text, f"schemas/{name} is stale: run python -m generator.forms.schema"
    assert sorted(p.name for p in (project.schemas / "forms").glob("*.json")) == sorted(n.split("/")[1] for n in generated(project, content))


def test_schemas_are_valid_2020_12(schemas):
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema_rs.meta.validate(schema)


@pytest.mark.parametrize("form_id", ["monthly-progress", "quarterly-report", "summary-report"])
def test_accepts_a_correct_filing(forms, schemas, form_id):
    doc = sample(forms[form_id])
    assert py_keywords(schemas[form_id], doc) == []
    assert rs_keywords(schemas[form_id], doc) == []


def test_an_empty_case_list_is_a_correct_filing(forms, schemas):
    doc = sample(forms["monthly-progress"])
    doc["tables"]["major_cases"] = []
    assert py_keywords(schemas["monthly-progress"], doc) == []


# (where, bad value, the one keyword it fails, what it means: blank-cell, non-integer-count,
# negative-value and invalid-value are the validator's codes; the others name the case)
M = "monthly-progress"
BAD = [
    (M, ("tables", "drug", "rows", "inspection", "operation"), None, "type", "blank-cell"),
    (M, ("tables", "drug", "rows", "inspection", "operation"), 2.5, "type", "non-integer-count"),
    (M, ("tables", "drug", "rows", "inspection", "operation"), -1, "minimum", "negative-value"),
    (M, ("tables", "drug", "rows", "inspection", "operation"), "无", "pattern", "invalid-value"),
    (M, ("tables", "drug", "rows", "inspection", "operation"), "／", "pattern", "invalid-value"),
    (M, ("tables", "drug", "rows", "inspection", "operation"), True, "type", "invalid-value"),
    (M, ("tables", "drug", "rows", "amount", "use"), None, "type", "blank-cell"),
    (M, ("tables", "drug", "rows", "amount", "use"), -0.5, "minimum", "negative-value"),
    (M, ("tables", "drug", "rows", "amount", "use"), "-", "pattern", "invalid-value"),
    (M, ("tables", "drug", "rows", "inspection", "total"), -3, "minimum", "negative-value"),
    (M, ("tables", "drug", "rows", "inspection", "total"), "N/A", "pattern", "invalid-value"),
    (M, ("tables", "device", "key_areas", "cases", "unlicensed_operation_online"), None, "type", "blank-cell"),
    (M, ("tables", "device", "key_areas", "value", "unlicensed_operation_online"), "空", "pattern", "invalid-value"),
    (M, ("header", "unit"), None, "type", "blank-cell"),
    (M, ("header", "unit"), "", "minLength", "blank-cell"),
    (M, ("header", "report_date"), None, "type", "blank-cell"),
    (M, ("header", "report_date"), "2022-02-30", "format", "invalid-date"),
    (M, ("header", "report_date"), "六月底", "format", "invalid-date"),
    (M, ("tables", "major_cases", 0, "category"), [], "minItems", "missing-choice"),
    (M, ("tables", "major_cases", 0, "category"), ["drug", "device"], "maxItems", "too-many-choices"),
    (M, ("tables", "major_cases", 0, "category"), ["food"], "enum", "invalid-value"),
    (M, ("tables", "major_cases", 0, "situation"), [], "minItems", "missing-choice"),
    (M, ("tables", "major_cases", 0, "value"), None, "type", "blank-cell"),
    (M, ("tables", "major_cases", 0, "value"), "约120万", "pattern", "invalid-value"),
    (M, ("tables", "major_cases", 0, "planned_close"), "2022-13-01", "format", "invalid-date"),
    (M, ("tables", "major_cases", 0, "summary"), None, "type", "blank-cell"),
    (M, ("form",), "quarterly-report", "const", "unknown-form"),
    ("quarterly-report", ("tables", "report", "basic"), None, "type", "blank-cell"),
    ("summary-report", ("tables", "report", "experience"), "", "minLength", "blank-cell"),
]


@pytest.mark.parametrize("form_id, where, bad, keyword, code", BAD, ids=[f"{w[-1]}={b!r}" for _, w, b, _, _ in BAD])
def test_each_bad_value_fails_exactly_one_keyword(forms, schemas, form_id, where, bad, keyword, code):
    doc = sample(forms[form_id])
    node = doc
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = bad
    assert py_keywords(schemas[form_id], doc) == [keyword]
    assert rs_keywords(schemas[form_id], doc) == [keyword]


def test_shape_errors(forms, schemas):
    schema = schemas[M]
    doc = sample(forms[M])
    extra = copy.deepcopy(doc)
    extra["tables"]["drug"]["rows"]["inspection"]["wholesale"] = 1
    assert py_keywords(schema, extra) == ["additionalProperties"] == rs_keywords(schema, extra)
    missing = copy.deepcopy(doc)
    del missing["tables"]["cosmetic"]["rows"]["closure" if "closure" in missing["tables"]["cosmetic"]["rows"] else "rectify"]
    assert py_keywords(schema, missing) == ["required"] == rs_keywords(schema, missing)
    # More cases than the template's 50 rows is a valid document (the validator warns):
    # the template's rows are a convenience, not a limit on what a unit may report.
    many = copy.deepcopy(doc)
    many["tables"]["major_cases"] = many["tables"]["major_cases"] * 26
    assert len(many["tables"]["major_cases"]) > forms[M].table("major_cases").capacity
    assert py_keywords(schema, many) == [] == rs_keywords(schema, many)


def test_titles_name_the_cell_in_the_forms_own_words(schemas):
    rows = schemas[M]["properties"]["tables"]["properties"]["drug"]["properties"]["rows"]["properties"]
    assert rows["inspection"]["properties"]["operation"]["title"] == "表2 药品 · 现场检查（件） × 经营"
    assert "处罚到人数（人次）" in rows["banned"]["description"]
    assert "罚款金额（万元）" in rows["personal_fine"]["description"]
    ka = schemas[M]["properties"]["tables"]["properties"]["device"]["properties"]["key_areas"]["properties"]
    cell = ka["cases"]["properties"]["unlicensed_operation_online"]
    assert cell["title"] == "表3 医疗器械 · 重点领域案件 · 案件数 × 无证经营（涉网）"
    assert "「无证经营」" in cell["description"]
    report = schemas["quarterly-report"]["properties"]["tables"]["properties"]["report"]["properties"]
    assert report["risk_screening"]["title"] == "季度进展报告 · (一)风险隐患排查情况"
    assert "“无”或“无更新”" in report["risk_screening"]["description"]
    assert "progress" not in report  # a heading with sub-sections takes no text
