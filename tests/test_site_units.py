"""The site's small parts on their own: Markdown escaping, deadlines, flow layout, the
page registry."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import markdown
import pytest

from generator.site import deadlines as dl
from generator.site import flow, registry
from generator.site.md import esc, table
from generator.site.page import Page, relative_url

REPO = Path(__file__).resolve().parents[1]


def _render(md: str) -> str:
    out = markdown.markdown(md, extensions=["attr_list", "md_in_html", "tables"])
    return html.unescape(re.sub(r"<[^>]+>", "", out)).strip()


@pytest.mark.parametrize("text", [
    "1. 表 1 中“案情概述”", "# 不是标题", "- 不是列表", "+ 也不是", "> 不是引用", "*不斜体* _也不_ **不粗**",
    "<input type=\"checkbox\"/> 勾选", "a|b 表格竖线", "句末 {: #x .y }", "[链接](http://x)", "`代码`", "&amp; 与 &",
    "![图](x.png)", "=== 标题线", "2022. 年份", "价格 3.5 万元", "\\ 反斜杠",
])
def test_escaped_text_renders_as_itself(text):
    assert _render(esc(text)) == text


def test_every_clause_text_renders_as_itself(content):
    bad = []
    for clause in content.clauses.values():
        for key in ("num", "title", "text"):
            value = clause.data.get(key)
            if value and _render(esc(value)) != " ".join(value.split("\n")).strip():
                bad.append((clause.ref, key))
    assert not bad


def test_table_drops_empty_columns_and_escapes_nothing_twice():
    md = table(["a", "b", "c"], [["1", "", esc("x|y")], ["2", "", "z"]])
    assert md.splitlines()[0] == "| a | c |"
    assert "x\\|y" in md


def test_monthly_deadline_occurs_each_month_from_start_to_end():
    d = {"kind": "recurring", "freq": "monthly", "day": 1, "start": "2022-06-01", "end": "2022-12-01", "text": "每月 1 日前"}
    assert dl.occurrences(d) == [date(2022, m, 1) for m in range(6, 13)]
    assert dl.describe(d).startswith("每月1日前（2022年6月1日至2022年12月1日，共7次）")


def test_other_deadline_kinds():
    assert dl.occurrences({"kind": "absolute", "date": "2022-06-20", "text": "x"}) == [date(2022, 6, 20)]
    rel = {"kind": "relative", "after": "案件立案", "within": {"hours": 24}, "text": "24小时内"}
    assert dl.occurrences(rel) == [] and dl.describe(rel) == "案件立案后24小时内"
    assert dl.describe({"kind": "immediate", "text": "及时"}) == "及时"
    q = {"kind": "recurring", "freq": "quarterly", "day": 20, "start": "2022-03-01", "end": "2022-12-31", "text": "x"}
    assert dl.occurrences(q) == [date(2022, 3, 20), date(2022, 6, 20), date(2022, 9, 20), date(2022, 12, 20)]
    m31 = {"kind": "recurring", "freq": "monthly", "day": 31, "start": "2022-01-01", "end": "2022-03-31", "text": "x"}
    assert dl.occurrences(m31) == [date(2022, 1, 31), date(2022, 2, 28), date(2022, 3, 31)]
    backwards = {"kind": "recurring", "freq": "monthly", "day": 1, "start": "2022-12-01", "end": "2022-01-01", "text": "x"}
    assert dl.occurrences(backwards) == []


def test_flow_tracks_conditions_joins_and_loops():
    """`after` gives parallel tracks ([]), joins (two ids) and, by default, a chain; a condition
    is a decision box entered by a dashed edge; `repeat` draws a loop; nothing is cut."""
    steps = [{"id": "a"}, {"id": "b", "after": []}, {"id": "c", "condition": "遇有重大特殊情况"},
             {"id": "d", "after": ["a", "c"], "repeat": "定期"}]
    assert flow.edges_of(steps) == [(-1, 0), (-1, 1), (1, 2), (0, 3), (2, 3)]
    long = "动作" * 30
    svg = flow.svg(steps, [(f"{i}. 甲", long, "期限：及时") for i in range(4)],
                   [f"step-{s['id']}" for s in steps], "测试<流程>", "启动：发现线索")
    root = ET.fromstring(svg)  # well-formed, text escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert "测试<流程>流程图" in root.find(f"{ns}title").text
    assert len(root.findall(f".//{ns}polygon")) == 1  # one decision box
    conds = [p for p in root.iter(f"{ns}path") if "yj-edge-cond" in (p.get("class") or "")]
    assert len(conds) == 1 and conds[0].get("stroke-dasharray")
    assert root.findall(f".//{ns}path[@class='yj-loop']")
    texts = "".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert long in texts and "…" not in texts and "遇有重大特殊情况？" in texts
    nodes = {n.key: n for n in flow.layout(steps, [("h", "b", "")] * 4, ["x"] * 4, "开始")}
    assert nodes["a"].col != nodes["b"].col and nodes["a"].rank == nodes["b"].rank  # parallel tracks
    assert nodes["d"].rank > nodes["cond-2"].rank  # the join waits for both


def test_wrap_counts_cjk_wider_than_latin_and_never_cuts():
    assert flow.wrap("药" * 40, 10) == ["药" * 10] * 4
    assert len(flow.wrap("a" * 40, 10)) == 3  # 0.6em each: 16 a line
    assert "".join(flow.wrap("药" * 100, 10)) == "药" * 100


def test_flow_rows_hold_three_tracks_at_most():
    steps = [{"id": str(i), "after": []} for i in range(5)]
    nodes = flow.layout(steps, [("h", "b", "")] * 5, ["x"] * 5, "开始")
    assert max(n.col for n in nodes) == flow.MAX_COLS - 1
    assert len({(n.rank, n.col) for n in nodes}) == len(nodes)  # no two boxes in one place


def test_relative_url_for_raw_html():
    assert relative_url("schedule/index.md", "procedures/x.md", "step-a") == "../procedures/x.html#step-a"
    assert relative_url("index.md", "schedule/index.md") == "schedule/index.html"
    assert relative_url("schedule/index.md", "schedule/yaojian.ics") == "yaojian.ics"


def test_page_rejects_bad_paths_and_sections():
    with pytest.raises(ValueError):
        Page("/abs.md", "x", "", "home")
    with pytest.raises(ValueError):
        Page("x.html", "x", "", "home")
    with pytest.raises(ValueError):
        Page("x.md", "x", "", "nowhere")


def test_form_pages_come_first_and_other_pages_link_to_them(tmp_path, site_project):
    """The 报表 section is made from the form definitions before the other pages, so a
    link to a form goes to its page; the blank workbook and schema land in the docs folder."""
    import shutil

    from generator import content as content_mod
    from generator.project import Project
    from generator.site.context import build_context

    root = tmp_path / "proj"
    shutil.copytree(site_project, root)
    shutil.copy(REPO / "forms" / "monthly-progress.yaml", root / "forms" / "monthly-progress.yaml")
    project = Project(root)
    ctx = build_context(project, content_mod.load(project), date(2022, 6, 15))
    assert ctx.form_link("monthly-progress").endswith("(/forms/index.md)")
    collected = registry.collect(ctx)
    assert ctx.form_link("monthly-progress").endswith("(/forms/monthly-progress.md)")
    nav = registry.nav(collected.pages)
    forms_nav = next(entry["报表"] for entry in nav if "报表" in entry)
    assert forms_nav[0] == "forms/index.md" and "forms/monthly-progress.md" in forms_nav[1].values()
    docs = tmp_path / "docs"
    registry.write_files(project, docs)
    assert (docs / "downloads" / "monthly-progress.xlsx").read_bytes()[:2] == b"PK"
    assert (docs / "schemas" / "forms" / "monthly-progress.schema.json").is_file()


def test_pages_kept_out_of_the_navigation_still_build_strictly(tmp_path, site_project):
    """A provider's nav=False page is built and searchable, and strict mkdocs does not object."""
    from generator.project import Project
    from generator.site.build import run_mkdocs, write_docs
    from generator.site.registry import Collected, nav

    pages = [Page("index.md", "首页", "# 首页\n\n[隐藏页](/forms/hidden.md)\n", "home"),
             Page("forms/index.md", "报表", "# 报表\n", "forms"),
             Page("forms/hidden.md", "隐藏", "# 隐藏\n\n只在链接里出现。\n", "forms", nav=False)]
    docs = tmp_path / "docs"
    write_docs(docs, Collected(pages, []))
    site = tmp_path / "site"
    problems = run_mkdocs(Project(site_project), docs, site, nav(pages), ["forms/hidden.md"])
    assert problems == []
    assert (site / "forms" / "hidden.html").is_file()
