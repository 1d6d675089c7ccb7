"""One definition drives everything: change it in a temp copy and the workbook labels, the
schema properties and the page rows all follow, with no other file touched."""

from __future__ import annotations

import openpyxl
import pytest

from generator import content as content_mod
from generator.forms.definition_check import check_forms
from generator.forms.layout import layout
from generator.forms.model import load_forms
from generator.forms.schema import form_schema
from generator.site.forms import pages
from generator.forms.workbook import write_workbooks
from generator.project import Project
from generator.schemacheck import SchemaSet

RENAMED = "现场检查（次）"
NEW_ROW = "{id: hotline, label: 热线举报（件）, kind: count, unit: 件}"
NEW_COLUMN = "{id: illegal_ads, label: 违法广告}"


@pytest.fixture
def drifted(project_copy, tmp_path):
    path = project_copy / "forms" / "monthly-progress.yaml"
    text = path.read_text(encoding="utf-8")
    # 表2 only: its first 现场检查（件） row, a new 案件来源 row after 其他, a new key-area column
    text = text.replace("{id: inspection, label: 现场检查（件）", "{id: inspection, label: " + RENAMED, 1)
    anchor = "          - {id: other, label: 其他（件）, kind: count, unit: 件}\n"
    assert anchor in text
    text = text.replace(anchor, anchor + "          - " + NEW_ROW + "\n", 1)
    col_anchor = "        - {id: illegal_online_sales, label: 非法网售}\n"
    assert col_anchor in text
    text = text.replace(col_anchor, col_anchor + "        - " + NEW_COLUMN + "\n", 1)
    path.write_text(text, encoding="utf-8")
    project = Project(project_copy)
    content = content_mod.load(project)
    result = check_forms(project, SchemaSet(project.schemas), content)
    assert [f.message for f in result.findings] == []  # a legitimate change
    return project, content


def test_workbook_labels_follow(drifted, tmp_path):
    project, content = drifted
    form = load_forms(project.forms)["monthly-progress"]
    book = next(p for p in write_workbooks(project, tmp_path / "out", content) if p.stem == "monthly-progress")
    ws = openpyxl.load_workbook(book)["表2 药品"]
    sheet = layout(form).sheet_of_table("drug")
    by_text = {p.text: p for p in sheet.places if p.text}
    assert ws[by_text[RENAMED].ref].value == RENAMED
    assert ws[by_text["热线举报（件）"].ref].value == "热线举报（件）"
    assert ws[by_text["违法广告"].ref].value == "违法广告"
    values = {c.value for row in ws.iter_rows() for c in row}
    assert "现场检查（件）" not in values
    new_cell = sheet.inputs[("drug", "rows", "hotline", "use")]
    assert ws[new_cell.ref].protection.locked is False
    ads = sheet.inputs[("drug", "key_areas", "cases", "illegal_ads")]
    assert ws[ads.ref].protection.locked is False
    # the rows below moved down by one, and so did their 合计 formulas
    total = sheet.inputs[("drug", "rows", "band_1", "total")]
    assert ws[total.ref].value.startswith(f"=IF(COUNT(D{total.row}:G{total.row})")


def test_schema_properties_follow(drifted):
    project, content = drifted
    schema = form_schema(load_forms(project.forms)["monthly-progress"], content)
    drug = schema["properties"]["tables"]["properties"]["drug"]["properties"]
    rows = drug["rows"]["properties"]
    assert "hotline" in rows and "hotline" in drug["rows"]["required"]
    assert rows["inspection"]["properties"]["use"]["title"] == f"表2 药品 · {RENAMED} × 使用"
    assert "illegal_ads" in drug["key_areas"]["properties"]["cases"]["properties"]
    assert "illegal_ads" not in schema["properties"]["tables"]["properties"]["cosmetic"]["properties"]["key_areas"]["properties"]["cases"]["properties"]


def test_page_rows_follow(drifted):
    project, content = drifted
    page = next(p for p in pages(project, content) if p.path == "forms/monthly-progress.md").markdown
    drug = page[page.index("{ #drug }"): page.index("{ #device }")]
    assert f"| 案件来源 | {RENAMED} |" in drug
    assert "| 案件来源 | 热线举报（件） | 件 | 整数 |" in drug
    assert "| 违法广告 |" in drug
    assert "现场检查（件）" not in drug
    device = page[page.index("{ #device }"):]
    assert "热线举报" not in device and "现场检查（件）" in device
