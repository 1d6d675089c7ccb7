"""The 报表 pages: generated from the definitions and the campaign schedule, valid Markdown
for mkdocs-material (rendered here with the same extensions the site enables)."""

from __future__ import annotations

import re

import markdown
import pytest

from generator import content as content_mod
from generator.forms import describe
from generator.forms.model import load_forms
from generator.site.forms import field_options, pages
from generator.project import Project

EXTENSIONS = ["tables", "attr_list", "admonition", "md_in_html", "toc"]


def render(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS)


def table_rows(html: str, after: str) -> list[list[str]]:
    """The body rows (cell texts) of the first table after the heading whose id is `after`."""
    start = html.index(f'id="{after}"')
    table = html[html.index("<table>", start): html.index("</table>", start)]
    body = table[table.index("<tbody>"):]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture(scope="module")
def made(project, content):
    return {p.path: p for p in pages(project, content)}


def test_an_index_and_one_page_per_form(made):
    assert sorted(made) == ["forms/index.md", "forms/monthly-progress.md", "forms/quarterly-report.md", "forms/summary-report.md"]
    assert all(p.section == "forms" for p in made.values())
    assert [p.path for p in sorted(made.values(), key=lambda p: p.order)][1:] == [
        "forms/monthly-progress.md", "forms/quarterly-report.md", "forms/summary-report.md"]
    index = render(made["forms/index.md"].markdown)
    for form_id in ("monthly-progress", "quarterly-report", "summary-report"):
        assert f'href="/forms/{form_id}.md"' in index and f'href="/downloads/{form_id}.xlsx"' in index


def test_the_page_links_the_download_the_schema_and_the_source(made):
    html = render(made["forms/monthly-progress.md"].markdown)
    assert 'href="/downloads/monthly-progress.xlsx"' in html
    # the filed form's JSON Schema is for programs: linked from 维护说明, not from the clerk's page
    assert "schema.json" not in html and "monthly-progress" not in re.sub(r'"[^"]*"', "", html)
    assert 'href="/documents/yongchuan-2022.md#a1"' in html
    assert 'class="admonition note"' in html and "未设密码" in html


def test_instructions_are_verbatim(made, content):
    html = render(made["forms/monthly-progress.md"].markdown)
    for child in content.clauses["yongchuan-2022#a1-notes"].children:
        assert child.own_text.replace("“", "&ldquo;") in html or child.own_text in html


def test_field_guide_has_every_row_with_unit_kind_and_relations(made, project):
    form = load_forms(project.forms)["monthly-progress"]
    html = render(made["forms/monthly-progress.md"].markdown)
    for t in (t for t in form.tables if t.kind == "grid"):
        rows = table_rows(html, t.id)
        assert [r[1].replace("　其中：", "") for r in rows] == [r.label for r in t.rows]
        for got, row in zip(rows, t.rows):
            assert got[2] == row.unit and got[3] == ("整数" if row.kind == "count" else "可有小数") and got[4] == "可以"
        banned = next(r for r in rows if r[1].endswith("处禁止从业人数"))
        assert "「处罚到人数（人次）」的一部分" in banned[5]
        personal = next(r for r in rows if r[1].endswith("对个人罚款金额"))
        assert "「罚款金额（万元）」的一部分" in personal[5]
    device = html[html.index('id="device-key-areas"'):]
    assert "无证经营 · 涉网" in device and "是「无证经营」栏的一部分" in device
    cases = table_rows(html, "major_cases")
    assert [r[0] for r in cases] == [f.label for f in form.table("major_cases").fields]


def test_rules_are_generated_from_every_declared_kind(made, project):
    form = load_forms(project.forms)["monthly-progress"]
    md = made["forms/monthly-progress.md"].markdown
    rules = md[md.index("## 校验规则"):]
    declared = [describe.describe_rule(form, t, r) for t in form.tables for r in t.rules]
    declared += [describe.describe_rule(form, None, r) for r in form.rules]
    assert {r for t in form.tables for r in (x.kind for x in t.rules)} | {r.kind for r in form.rules} == {
        "same-count", "flag-matches-threshold", "cases-within-bands"}
    for rule in declared:
        assert render(f"- {rule.text}") and rule.text.replace("*", "") in rules.replace("\\", "")
    assert "（警告）" in rules and "「货值 50 万元以上」" in rules


def test_who_files_and_by_when_comes_from_the_campaign_schedule(made):
    monthly = render(made["forms/monthly-progress.md"].markdown)
    row = table_rows(monthly, "who")[0]
    assert row[:4] == ["月度进展", "各单位", "工作小组办公室", "每月 1 日前（2022年6月1日至2022年12月1日）"]
    assert "各单位于每月 1 日前报送月度进展（附件 1）" in row[4]
    assert 'href="/documents/yongchuan-2022.md#s6-4-p2"' in monthly
    quarterly = table_rows(render(made["forms/quarterly-report.md"].markdown), "who")
    assert [r[3] for r in quarterly] == ["6 月 20 日、9 月 20 日前（2022年6月20日前）", "6 月 20 日、9 月 20 日前（2022年9月20日前）"]
    summary = table_rows(render(made["forms/summary-report.md"].markdown), "who")
    assert summary[0][3] == "11 月 20 日前（2022年11月20日前）"
    index = render(made["forms/index.md"].markdown)
    assert "6 月 20 日、9 月 20 日前（2022年6月20日、2022年9月20日前）" in index


def test_a_form_no_campaign_schedules_says_so(project_copy):
    for path in (project_copy / "content" / "campaigns").glob("*.yaml"):
        path.unlink()
    project = Project(project_copy)
    made = {p.path: p for p in pages(project, content_mod.load(project))}
    assert "行动安排中尚未列出这张报表的报送单位和期限" in made["forms/monthly-progress.md"].markdown
    assert "| 每月 |" in made["forms/index.md"].markdown


def test_field_options_for_criteria_that_point_into_a_form(project):
    assert field_options(project, "monthly-progress/major_cases/situation") == [
        "货值 50 万元以上", "刑事犯罪拟移送公安司法机关", "拟吊销行政许可", "其他可能有重大社会影响"]
    device = field_options(project, {"id": "monthly-progress", "table": "device", "field": "key_areas"})
    assert "涉网" not in device and device[4] == "无证经营" and len(device) == 7
    assert field_options(project, "monthly-progress/drug/value")[0] == "10 万元以下（件）"
    assert field_options(project, "monthly-progress/nope/situation") == []
    assert field_options(project, "nonsense") == []


def test_a_hostile_label_in_a_definition_reaches_the_page_as_text(project_copy):
    """Labels are the maintainer's text: markup characters in them show as themselves,
    never as HTML and never with a stray backslash."""
    path = project_copy / "forms" / "monthly-progress.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("label: 现场检查（件）", 'label: "<b>现场检查</b>（件）=*x*"', 1)
    path.write_text(text, encoding="utf-8")
    proj = Project(project_copy)
    page = next(p for p in pages(proj, content_mod.load(proj)) if p.path == "forms/monthly-progress.md")
    html = render(page.markdown)
    assert "<b>现场检查" not in html and "<em>x</em>" not in html
    assert "&lt;b&gt;现场检查&lt;/b&gt;（件）=*x*" in html
    assert "\\=" not in html and "\\&lt;" not in html
