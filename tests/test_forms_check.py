"""`yaojian check` on form definitions: real broken definitions give located findings.

Each case breaks a copy of the project's own definitions the way a maintainer might and
asserts the code, the place (`path:line:col`) and, where it helps, the suggestion.
"""

from __future__ import annotations

import re
from pathlib import Path


from conftest import run_cli
from generator.project_check import format_finding
from generator.forms.definition_check import check_forms
from generator.project import Project
from generator.schemacheck import SchemaSet

MONTHLY = "forms/monthly-progress.yaml"


def forms_findings(root: Path):
    from generator import content as content_mod

    project = Project(root)
    result = check_forms(project, SchemaSet(project.schemas), content_mod.load(project))
    return result.findings


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> int:
    """Replace `old` (which must occur) in a file; the 1-based line of its first occurrence."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def only(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no {code} among {[format_finding(f) for f in findings]}"
    return hits


def test_the_definitions_are_clean(project):
    from generator import content as content_mod

    result = check_forms(project, SchemaSet(project.schemas), content_mod.load(project))
    assert [format_finding(f) for f in result.findings] == []
    assert result.form_ids == {"monthly-progress", "quarterly-report", "summary-report"}
    assert result.files == 3


def test_dangling_part_of_is_located_with_a_suggestion(project_copy):
    line = edit(project_copy, MONTHLY, "part_of: fine_amount", "part_of: fine_amout")
    hits = only(forms_findings(project_copy), "dangling-reference")
    # the sub-rows are one YAML anchor used by three tables: reported once, where it is written
    assert len(hits) == 1
    f = hits[0]
    assert (f.file, f.line) == (MONTHLY, line)
    assert "fine_amout" in f.message and "是否为「fine_amount」" in f.message


def test_an_amount_cannot_be_part_of_a_count(project_copy):
    # Without part_of, 对个人罚款金额 (万元) would be part of its printed parent 处罚到人数 (人次).
    edit(project_copy, MONTHLY, "                  part_of: fine_amount\n", "")
    hits = only(forms_findings(project_copy), "invalid-part")
    assert "对个人罚款金额" in hits[0].message and "处罚到人数（人次）" in hits[0].message
    assert "金额不能是件数的一部分" in hits[0].message


def test_part_of_itself_and_cycles(project_copy):
    edit(project_copy, MONTHLY, "part_of: fine_amount", "part_of: personal_fine")
    assert "自身" in only(forms_findings(project_copy), "invalid-part")[0].message


def test_duplicate_row_within_a_table(project_copy):
    line = edit(
        project_copy, MONTHLY,
        "          - {id: sampling, label: 监督抽检（件）, kind: count, unit: 件}\n          - {id: adverse_monitoring, label: 不良反应监测（件）",
        "          - {id: inspection, label: 监督抽检（件）, kind: count, unit: 件}\n          - {id: adverse_monitoring, label: 不良反应监测（件）",
    )
    hits = only(forms_findings(project_copy), "duplicate-id")
    assert [(f.line, f.params["id"]) for f in hits] == [(line, "inspection")]
    assert hits[0].col == 18


def test_rule_naming_an_unknown_row(project_copy):
    line = edit(project_copy, MONTHLY, "b: {rows: [band_1, band_2", "b: {rows: [band_1, band_9")
    hits = only(forms_findings(project_copy), "dangling-reference")
    assert len(hits) == 1 and hits[0].line == line and "band_9" in hits[0].message


def test_unknown_rule_kind_gets_the_choices_and_a_suggestion(project_copy):
    line = edit(project_copy, MONTHLY, "- kind: same-count", "- kind: same-cuont")
    hits = only(forms_findings(project_copy), "invalid-choice")
    assert len(hits) == 1 and hits[0].line == line
    assert "cases-within-bands" in hits[0].message and "是否为「same-count」" in hits[0].message


def test_unknown_key_gets_did_you_mean(project_copy):
    line = edit(project_copy, MONTHLY, "    cumulative: true\n", "    cumulativ: true\n")
    hits = only(forms_findings(project_copy), "unknown-key")
    assert hits[0].line == line and hits[0].severity == "warning"
    assert "是否为「cumulative」" in hits[0].message


def test_rule_in_the_wrong_place(project_copy):
    edit(project_copy, MONTHLY, "  - kind: cases-within-bands", "  - kind: same-count")
    hits = forms_findings(project_copy)
    assert any(f.code == "invalid-rule" and "grid 表" in f.message for f in hits)


def test_flag_rule_needs_an_option_of_a_choice_field(project_copy):
    line = edit(project_copy, MONTHLY, "option: value_over_500k", "option: value_over_50k")
    hits = only(forms_findings(project_copy), "dangling-reference")
    assert hits[0].line == line and "是否为「value_over_500k」" in hits[0].message
    edit(project_copy, MONTHLY, "flag: {field: situation,", "flag: {field: summary,")
    assert any(f.code == "invalid-rule" and "案情概述" in f.message for f in forms_findings(project_copy))


def test_cases_within_bands_resolves_tables_options_and_bands(project_copy):
    edit(project_copy, MONTHLY, "tables: {drug: drug, device: device, cosmetic: cosmetic}",
         "tables: {drug: drug, device: devices, cosmetics: cosmetic}")
    edit(project_copy, MONTHLY, "bands: [band_4, band_5, band_6]", "bands: [band_4, band_5, band_7]")
    messages = [f.message for f in forms_findings(project_copy) if f.code == "dangling-reference"]
    assert any("devices" in m and "是否为「device」" in m for m in messages)
    assert any("cosmetics" in m for m in messages)
    assert any("band_7" in m for m in messages)


def test_clause_references_resolve(project_copy):
    line = edit(project_copy, MONTHLY, "instructions: yongchuan-2022#a1-notes", "instructions: yongchuan-2022#a1-note")
    hits = only(forms_findings(project_copy), "dangling-reference")
    assert hits[0].line == line and "条款" in hits[0].message and "是否为「yongchuan-2022#a1-notes」" in hits[0].message
    edit(project_copy, "forms/quarterly-report.yaml", "clause: yongchuan-2022#a2-s3}", "clause: yongchuan-2022#a2-s9}")
    assert any("a2-s9" in f.message for f in forms_findings(project_copy))


def test_file_name_and_version(project_copy):
    (project_copy / "forms" / "summary-report.yaml").rename(project_copy / "forms" / "summary.yaml")
    line = edit(project_copy, MONTHLY, 'version: "1.0"\ntitle', 'version: "1.1"\ntitle')
    findings = forms_findings(project_copy)
    assert only(findings, "file-name-mismatch")[0].file == "forms/summary.yaml"
    mismatch = only(findings, "version-mismatch")[0]
    assert mismatch.line == line and "1.1" in mismatch.message and "1.0" in mismatch.message


def test_unquoted_version_is_a_type_error(project_copy):
    line = edit(project_copy, MONTHLY, 'version: "1.0"\ntitle', "version: 1.0\ntitle")
    assert only(forms_findings(project_copy), "wrong-type")[0].line == line


def test_content_pointers_resolve_into_the_form(project_copy):
    criteria = project_copy / "content" / "criteria"
    criteria.mkdir(exist_ok=True)
    (criteria / "major-case-situations.yaml").write_text(
        "id: major-case-situations\ntitle: 大案要案情形\ndocument: yongchuan-2022\n"
        "source: yongchuan-2022#a1-t1\nform: {id: monthly-progress, table: major_cases, field: situaton}\n",
        encoding="utf-8",
    )
    (criteria / "drug-key-areas.yaml").write_text(
        "id: drug-key-areas\ntitle: 药品重点领域\ndocument: yongchuan-2022\n"
        "source: yongchuan-2022#a1-t2\nform: {id: monthly-progress, table: drugs, field: key_areas}\n",
        encoding="utf-8",
    )
    edit(project_copy, "content/documents/yongchuan-2022.yaml", "      table: cosmetic", "      table: cosmetics")
    findings = [f for f in forms_findings(project_copy) if f.code == "dangling-reference"]
    where = {(f.file, f.path): f.message for f in findings}
    assert "是否为「situation」" in where[("content/criteria/major-case-situations.yaml", "form.field")]
    assert "是否为「drug」" in where[("content/criteria/drug-key-areas.yaml", "form.table")]
    assert any(f == "content/documents/yongchuan-2022.yaml" and p.endswith("form.table") for f, p in where)


def test_cli_reports_path_line_col_and_exits_1(project_copy):
    line = edit(project_copy, MONTHLY, "b: {rows: [band_1, band_2", "b: {rows: [band_1, band_9")
    proc = run_cli("check", "--root", str(project_copy))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert re.search(rf"^{re.escape(MONTHLY)}:{line}:\d+: 错误：引用的行「band_9」不存在", proc.stdout, re.M), proc.stdout


def test_cli_survives_broken_yaml(project_copy):
    (project_copy / MONTHLY).write_text("id: monthly-progress\ntables: [\n", encoding="utf-8")
    (project_copy / "forms" / "quarterly-report.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    proc = run_cli("check", "--root", str(project_copy))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{MONTHLY}:3:1: 错误：YAML 语法错误" in proc.stdout
    assert "forms/quarterly-report.yaml:1:1: 错误：「（文件顶层）」应为键值对象" in proc.stdout


def _paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, path + (i,))


def test_no_traceback_whatever_a_value_is_replaced_by(project):
    """Every value of the definitions replaced by a wrong type still gives findings, never an exception."""
    import copy

    from generator import content as content_mod
    from generator.forms.definition_check import _Definition
    from generator.forms.pointers import check_pointers
    from generator.yamlsrc import load

    content = content_mod.load(project)
    clauses = set(content.clauses)
    for name in ("monthly-progress", "quarterly-report", "summary-report"):
        source = load(project.forms / f"{name}.yaml", f"forms/{name}.yaml")
        paths = [p for p in _paths(source.data) if p]
        for path in paths:
            for bad in (None, 7, "x", [1], {"id": 3}):
                data = copy.deepcopy(source.data)
                node = data
                for part in path[:-1]:
                    node = node[part]
                node[path[-1]] = bad
                source.data = data
                _Definition(source, data, clauses, "填报说明").check()
                check_pointers(content, {name: data})
