"""`yaojian build` for real (mkdocs-material, strict) on the site fixture project: pages,
anchors, links, verbatim text, search index, calendar, and what a failed build leaves."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from conftest import REPO, run_cli
from site_html import broken_links, fold, pages

DOCS = ["dongying-2017-61", "yongchuan-2022", "guangxi-2024", "wulateqianqi-2022"]


@pytest.fixture(scope="module")
def parsed(built_site):
    return pages(built_site)


@pytest.fixture(scope="module")
def content(site_project):
    from generator import content as content_mod
    from generator.project import Project

    return content_mod.load(Project(site_project))


@pytest.fixture(scope="module", params=["fixture", "repository"])
def any_site(request):
    """Both builds: the fixture project's and the repository's own; (site, parsed pages, content)."""
    from generator import content as content_mod
    from generator.project import Project

    if request.param == "fixture":
        site, root = request.getfixturevalue("built_site"), request.getfixturevalue("site_project")
    else:
        site, root = request.getfixturevalue("real_site"), REPO
    return site, pages(site), content_mod.load(Project(root))


def test_every_section_is_built(built_site):
    for path in [
        "index.html", "documents/index.html", "organisations/index.html", "procedures/index.html",
        "schedule/index.html", "criteria/index.html", "forms/index.html", "errors/index.html",
        "schedule/yaojian.ics", "search/search_index.json", "assets/javascripts/yaojian-search.js",
        "assets/stylesheets/yaojian.css",
    ]:
        assert (built_site / path).is_file(), path
    for doc in DOCS:
        assert (built_site / "documents" / f"{doc}.html").is_file()


def test_no_staging_folders_left(site_project, built_site):
    assert not [p.name for p in site_project.iterdir() if p.name.startswith(".site.")]


def test_every_clause_has_its_anchor(any_site):
    _, parsed, content = any_site
    missing = [ref for ref, clause in content.clauses.items()
               if clause.id not in parsed[f"documents/{clause.doc}.html"].ids]
    assert not missing


def test_every_clause_stands_verbatim_on_its_page(any_site):
    """Each clause's own text, folded as search folds it, is in its document page's text."""
    _, parsed, content = any_site
    missing = []
    for doc in DOCS:
        page = fold(parsed[f"documents/{doc}.html"].article)
        for clause in content.roots[doc]:
            for c in clause.walk():
                for key in ("num", "title", "subtitle", "text"):
                    if c.data.get(key) and fold(c.data[key]) not in page:
                        missing.append(f"{c.ref} {key}")
    assert not missing


def test_every_link_and_anchor_resolves(any_site):
    site, parsed, _ = any_site
    assert not broken_links(site, parsed)


def test_clause_links_point_at_clause_anchors(any_site):
    """Links into documents use the clause id as anchor, and there are many of them."""
    _, parsed, content = any_site
    links = [(page, v) for page, info in parsed.items() for _, _, v in info.links if "documents/" in v and "#" in v]
    assert len(links) > 50
    for page, value in links:
        fragment = value.rpartition("#")[2]
        doc = value.rpartition("#")[0].rpartition("/")[2].removesuffix(".html")
        if doc in DOCS:
            assert f"{doc}#{fragment}" in content.clauses, (page, value)


def test_extracts_are_shown_under_their_clause(built_site):
    html = (built_site / "documents" / "dongying-2017-61.html").read_text(encoding="utf-8")
    clause = html.index('id="s2-2"')
    extract = html.index("../organisations/dy-amr.html#dy-r-report-up")
    nxt = html.index('id="s2-3"')
    assert clause < extract < nxt
    assert "../procedures/dy-case-report.html#step-clue" in html[clause:nxt]


def test_organisation_page_lists_duties_roster_and_steps(built_site):
    wg = (built_site / "organisations" / "yc-wg.html").read_text(encoding="utf-8")
    for name in ("李世红", "杨鸿", "罗进", "周正", "杨彦华", "冷崇姣"):
        assert name in wg
    amr = (built_site / "organisations" / "dy-amr.html").read_text(encoding="utf-8")
    assert 'id="dy-r-report-up"' in amr and "24小时" in amr
    assert "../documents/dongying-2017-61.html#s2-2" in amr
    assert "../procedures/dy-clue-notice.html#step-notify" in amr


def test_procedure_page_has_steps_table_and_inline_svg(built_site):
    import xml.etree.ElementTree as ET

    html = (built_site / "procedures" / "dy-clue-notice.html").read_text(encoding="utf-8")
    for head in ("执行者", "动作", "期限", "产出", "来源"):
        assert f"<th>{head}</th>" in html
    start = html.index("<svg", html.index('class="yj-flow"'))
    end = html.index("</svg>", start) + len("</svg>")
    svg = ET.fromstring(html[start:end])
    ns = "{http://www.w3.org/2000/svg}"
    # the start and five steps; step 4's condition is a decision box entered by a dashed edge
    assert len(svg.findall(f".//{ns}rect")) == 6
    assert len(svg.findall(f".//{ns}polygon")) == 1
    edges = svg.findall(f".//{ns}path[@marker-end]")
    # start→1, 1→2, 2→3, 2→condition, condition→4 (dashed), 3→5, and step 4's loop (随时)
    assert len(edges) == 7
    assert len([e for e in edges if e.get("stroke-dasharray")]) == 1
    assert "<script" not in html[start:end]


def test_home_shows_current_phase_and_next_deadlines(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "当前阶段：<strong>整治阶段</strong>" in html
    nxt = html.index("近期期限")
    assert html.index("2022年6月20日", nxt) < html.index("2022年7月1日", nxt)


def test_calendar_file_imports(built_site):
    from icalendar import Calendar

    cal = Calendar.from_ical((built_site / "schedule" / "yaojian.ics").read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    monthly = events["yc-campaign-report-monthly@yaojian"]
    rule = monthly["rrule"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYMONTHDAY"] == [1]
    assert rule["UNTIL"][0] == date(2022, 12, 1)
    assert monthly.decoded("dtstart") == date(2022, 6, 1)
    assert events["yc-campaign-report-q2@yaojian"].decoded("dtstart") == date(2022, 6, 20)
    phase = events["yc-campaign-phase-rectify@yaojian"]
    assert (phase.decoded("dtstart"), phase.decoded("dtend")) == (date(2022, 5, 6), date(2022, 11, 1))
    assert all(e.get("dtstamp") for e in events.values())
    # the same deadline extracted twice (campaign report and the units' duty) is one event
    assert "duty-yc-r-monthly@yaojian" not in events
    raw = (built_site / "schedule" / "yaojian.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"VERSION:2.0" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_search_index_holds_segmented_chinese(any_site):
    built_site = any_site[0]
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]
    texts = [d["text"] for d in index["docs"]]
    assert sum("\u200b" in t for t in texts) > len(texts) / 2
    assert any("专项\u200b整治" in t for t in texts)


def test_site_asks_nothing_of_the_internet(any_site):
    built_site, parsed, _ = any_site
    for page, info in parsed.items():
        for tag, attr, value in info.links:
            assert not value.startswith(("http://", "https://", "//")) or value.startswith("http://www.w3.org/"), \
                (page, value)
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in html and "unpkg" not in html and "fonts.gstatic" not in html


def test_errors_page_lists_every_finding_code(any_site):
    parsed = any_site[1]
    from generator.findings import catalogue

    # a clerk's codes on 错误代码, the content checks' codes (the maintainer's) on 维护说明
    on_pages = parsed["errors/index.html"].ids | parsed["errors/maintainer.html"].ids
    assert set(catalogue()) <= on_pages
    clerk = {code for code, kind in catalogue().items() if kind.area != "source"}
    assert clerk <= parsed["errors/index.html"].ids


# -- bad input and failed builds ----------------------------------------------------------


def _copy(site_project, tmp_path):
    dest = tmp_path / "proj"
    shutil.copytree(site_project, dest, ignore=shutil.ignore_patterns("site", ".site.*"))
    good = dest / "site"
    good.mkdir()
    (good / "index.html").write_text("the good site", encoding="utf-8")
    return dest, good


def test_content_that_fails_the_check_stops_the_build(site_project, tmp_path):
    dest, good = _copy(site_project, tmp_path)
    path = dest / "content" / "responsibilities" / "dongying.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("actor: dy-police", "actor: dy-polise"), encoding="utf-8")
    check = run_cli("check", "--root", str(dest))
    build = run_cli("build", "--root", str(dest))
    assert check.returncode == build.returncode == 1
    assert build.stdout == check.stdout
    assert "content/responsibilities/dongying.yaml:" in build.stdout and "dy-polise" in build.stdout
    assert (good / "index.html").read_text(encoding="utf-8") == "the good site"
    assert sorted(p.name for p in dest.iterdir()) == ["content", "forms", "mkdocs.yml", "schemas", "site"]


def test_a_misspelt_key_stops_the_build_though_check_only_warns(site_project, tmp_path):
    """A misspelt optional key is a warning for `check` (exit 0, 1 with --strict), but the
    site would leave its data out without a word: `build` refuses and keeps the old site."""
    dest, good = _copy(site_project, tmp_path)
    path = dest / "content" / "responsibilities" / "dongying.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    deadline: " in text
    path.write_text(text.replace("    deadline: ", "    dedline: ", 1), encoding="utf-8")
    check = run_cli("check", "--root", str(dest))
    assert check.returncode == 0 and "dedline" in check.stdout and "[unknown-key]" in check.stdout
    assert run_cli("check", "--strict", "--root", str(dest)).returncode == 1
    build = run_cli("build", "--root", str(dest))
    assert build.returncode == 1, build.stderr
    assert "dedline" in build.stdout and "未生成网站" in build.stderr and "不会出现在网站上" in build.stderr
    assert (good / "index.html").read_text(encoding="utf-8") == "the good site"


def test_a_failing_mkdocs_build_keeps_the_old_site(site_project, tmp_path):
    dest, good = _copy(site_project, tmp_path)
    yml = dest / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  - attr_list\n", "  - attr_list\n  - no_such_extension\n"),
                   encoding="utf-8")
    build = run_cli("build", "--root", str(dest))
    assert build.returncode == 1
    assert "网站生成失败" in build.stderr and "no_such_extension" in build.stderr
    assert (good / "index.html").read_text(encoding="utf-8") == "the good site"
    assert not [p.name for p in dest.iterdir() if p.name.startswith(".site.")]


def test_a_good_build_replaces_the_old_site(site_project, tmp_path):
    dest, good = _copy(site_project, tmp_path)
    build = run_cli("build", "--root", str(dest))
    assert build.returncode == 0, build.stderr
    assert "网站已生成" in build.stderr
    assert "the good site" not in (good / "index.html").read_text(encoding="utf-8")
    assert not [p.name for p in dest.iterdir() if p.name.startswith(".site.")]


def test_build_has_chinese_help():
    out = run_cli("build", "--help")
    assert out.returncode == 0 and "site/" in out.stdout and "生成" in out.stdout


def test_readme_lists_build():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count("`yaojian build") >= 2  # Chinese and English


def test_criteria_lists_come_from_the_form_definitions(real_site):
    """大案要案情形 and the 重点领域 lists are read from forms/, where they are written once."""
    from generator.forms.model import load_forms

    html = (real_site / "criteria" / "index.html").read_text(encoding="utf-8")
    monthly = load_forms(REPO / "forms")["monthly-progress"]
    for option in monthly.table("major_cases").field("situation").options:
        assert option.label in html
    for column in monthly.table("drug").key_areas.columns:
        assert column.label in html


def test_forms_section_comes_from_the_forms_part(real_site):
    """generator.site.forms plugs in: a page and a blank workbook per form, JSON Schemas."""
    for form_id in ("monthly-progress", "quarterly-report", "summary-report"):
        assert (real_site / "forms" / f"{form_id}.html").is_file()
        assert (real_site / "downloads" / f"{form_id}.xlsx").is_file()
    assert list((real_site / "schemas").rglob("*.json"))
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert 'href="forms/monthly-progress.html"' in home
