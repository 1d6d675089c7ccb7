"""The site as a clerk reads it (issue 14), on the repository's own real build: no developer
text or template residue on clerk pages, flow diagrams whose text fits its boxes (measured
in Chromium), branches drawn for conditions, A4 print without orphaned headings or tables
wider than the page, and no page-level horizontal scroll on a 390 px phone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from site_html import pages
from test_site_browser import ARGS, CHROMIUM  # one way to launch the browser, no network

playwright_api = pytest.importorskip("playwright.sync_api")
MAINTAINER = "errors/maintainer.html"  # the one page meant for the maintainer
FORM_IDS = ("monthly-progress", "quarterly-report", "summary-report")
SOURCE_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
browser_only = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def test_clerk_pages_have_no_developer_text(real_site):
    problems = []
    for path, parsed in pages(real_site).items():
        if path == MAINTAINER:
            continue
        text = parsed.article
        for bad in ("{", "Permanent link", "Not found", "JSON Schema", "yaojian ", "--previous", *FORM_IDS):
            if bad in text:
                i = text.index(bad)
                problems.append(f"{path}: {bad!r} in …{text[max(0, i - 30):i + 30]}…")
        if SOURCE_FILE.search(text):
            problems.append(f"{path}: source file name {SOURCE_FILE.search(text).group(0)}")
    assert not problems, "\n".join(problems[:40])


def test_maintainer_page_keeps_the_technical_notes(real_site):
    text = pages(real_site)[MAINTAINER].article
    assert "000_bc7b3ba4e6289f70.txt" in text and "monthly-progress" in text and "yaojian check" in text


def test_sources_name_the_article_section_and_are_never_cut(real_site):
    parsed = pages(real_site)
    assert "紧盯案件不放松 · 一是" in "".join(p.article for p in parsed.values())
    cut = [(path, m.group(0)) for path, p in parsed.items() if path != MAINTAINER
           for m in re.finditer(r"（[^（）]{4,14}…）", p.article)]
    assert not cut, cut[:10]


def test_schedule_lists_event_deadlines_once_in_the_sources_words(real_site):
    text = pages(real_site)["schedule/index.html"].article
    event = text[text.index("按事件计的期限"):]
    assert "立即" in event and "随时" in event and "分阶段及时" in event
    # 重点案件分阶段报告: its ten steps in order, each once
    block = event[event.index("重点案件分阶段报告"):]
    order = [block.index(f"第{n}步") for n in range(1, 11)]
    assert order == sorted(order)
    assert event.count("线索发现环节结束后，将案件进展情况向上级主管部门书面报告") == 1


def test_every_step_shows_its_clause_words(real_site):
    text = pages(real_site)["procedures/dy-key-case-reporting.html"].article
    quotes = text[text.index("原文摘句"):]
    assert "第3—9步" in quotes and "每个办案环节结束后的24小时内" in quotes
    assert "第1步" in quotes and "第2步" in quotes and "第10步" in quotes


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _procedures(site: Path) -> list[Path]:
    return sorted(p for p in (site / "procedures").glob("*.html") if p.name != "index.html")


@browser_only
def test_flow_text_fits_its_boxes(real_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for proc in _procedures(real_site):
        page.goto(proc.as_uri())
        overflow = page.evaluate("""() => {
          const out = [];
          for (const g of document.querySelectorAll('.yj-flow svg g.yj-node')) {
            const left = +g.dataset.textLeft, right = +g.dataset.textRight;
            const shape = g.querySelector('rect, polygon').getBBox();
            for (const t of g.querySelectorAll('text')) {
              const b = t.getBBox();
              if (b.x < shape.x || b.x + b.width > right + 1 || b.y < shape.y || b.y + b.height > shape.y + shape.height + 1)
                out.push(t.textContent + ' ' + JSON.stringify([b.x, b.width, left, right]));
              if (t.textContent.includes('…')) out.push('ellipsis: ' + t.textContent);
            }
          }
          return out;
        }""")
        assert not overflow, f"{proc.name}: {overflow[:5]}"
        assert page.locator(".yj-flow svg g.yj-node").count() >= 2, proc.name
    page.close()


@browser_only
def test_a_condition_renders_a_branch(real_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((real_site / "procedures" / "dy-key-case-reporting.html").as_uri())
    conds = page.locator(".yj-flow svg g.yj-cond")
    assert conds.count() >= 2
    assert "遇有重大特殊情况" in conds.all_text_contents()[0] + "".join(conds.all_text_contents())
    assert page.locator(".yj-flow svg path.yj-edge-cond").count() >= 2
    # three tracks start together: the report to 本级政府, the 24-hour stages and 公安's cases
    xs = page.evaluate("""() => [...document.querySelectorAll('.yj-flow svg g.yj-node')]
        .map(g => g.querySelector('rect, polygon').getBBox().x)""")
    assert len({round(x) for x in xs}) >= 3
    page.close()


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@browser_only
@pytest.mark.parametrize("doc", ["procedures/dy-key-case-reporting.html", "forms/monthly-progress.html"])
def test_a4_print_keeps_headings_and_fits_tables(real_site, browser, tmp_path, doc):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((real_site / doc).as_uri())
    headings = [h.strip() for h in page.locator("article h2, article h3").all_text_contents() if h.strip()]
    page.emulate_media(media="print")
    # no table wider than the printable width of A4 (210 mm - 2 x 15 mm margins ≈ 680 px)
    page.set_viewport_size({"width": 680, "height": 1000})
    too_wide = page.evaluate("""() => [...document.querySelectorAll('article table')]
        .filter(t => t.getBoundingClientRect().width > document.querySelector('article').clientWidth + 1
                     || t.scrollWidth > t.clientWidth + 1)
        .map(t => t.innerText.slice(0, 40))""")
    assert not too_wide, too_wide
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    orphans = []
    for n, text in enumerate(_pdf_pages(pdf), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and any(lines[-1].startswith(h.rstrip("¶").strip()) for h in headings):
            orphans.append((n, lines[-1]))
    assert not orphans, orphans
    # nothing printed beyond the right edge of the paper
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    beyond = [m.group(2) for m in re.finditer(r'xMax="([\d.]+)"[^>]*>([^<]*)<', bbox) if float(m.group(1)) > width]
    assert not beyond, beyond[:10]


@browser_only
def test_phone_has_no_page_level_horizontal_scroll(real_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    for doc in ["procedures/dy-key-case-reporting.html", "procedures/dy-risk-control.html", "schedule/index.html",
                "forms/monthly-progress.html", "documents/yongchuan-2022.html", "errors/index.html", "index.html"]:
        page.goto((real_site / doc).as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{doc}: {width}px wide"
    # the steps become cards: the 期限 of a step is on screen without scrolling sideways
    page.goto((real_site / "procedures" / "dy-key-case-reporting.html").as_uri())
    cell = page.locator(".yj-steps td:nth-child(4)").first.bounding_box()
    assert cell["x"] + cell["width"] <= 390
    page.close()


@browser_only
def test_from_a_folder_the_search_says_it_needs_the_site_served(real_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((real_site / "index.html").as_uri())
    assert "搜索需通过网址访问本站" in page.locator(".yj-search-offline").inner_text()
    page.close()


def test_overlapping_phases_each_have_a_bar_and_phase_ends_are_no_deadlines(real_site):
    html = (real_site / "schedule" / "index.html").read_text(encoding="utf-8")
    wq = html[html.index('id="wulateqianqi-2022-months"'):]
    wq = wq[:wq.index('<table class="yj-month"')]
    for phase in ("动员部署阶段", "组织实施阶段", "专项检查", "督导检查"):
        assert f">{phase}</span>" in wq  # in the legend and as a bar of its own
    assert wq.count('class="yj-gantt-row"') == 4
    months = html[html.index('id="wulateqianqi-2022-months"'):]
    months = months[:months.index('id="yongchuan-2022"')] if 'id="yongchuan-2022"' in months else months
    for month in ("2022年4月", "2022年10月"):  # 动员部署 and 组织实施 end there: no 截止 marks
        box = months[months.index(f"<caption>{month}</caption>"):]
        box = box[:box.index('<div class="yj-month-box">')] if '<div class="yj-month-box">' in box else box
        assert "yj-due-mark" not in box and "yj-month-dues" not in box, month


def test_attachment_tables_print_under_their_clause_from_the_form(real_site):
    from generator.forms.model import load_forms

    from conftest import REPO

    form = load_forms(REPO / "forms")["monthly-progress"]
    html = (real_site / "documents" / "yongchuan-2022.html").read_text(encoding="utf-8")
    for table in form.tables:
        if table.kind not in ("grid", "cases"):
            continue
        number = re.sub(r"\D", "", table.number or "")
        start = html.index(f'id="a1-t{number}"')
        block = html[start:html.index("yj-extracts", html.index("yj-form-table", start))]
        labels = [r.label for r in table.rows] if table.kind == "grid" else [f.label for f in table.fields]
        for label in labels:
            assert label in block.replace("&amp;", "&"), (table.id, label)
        assert f"monthly-progress.html#{table.id}" in html[start:start + len(block) + 600]


def test_every_procedure_quotes_the_words_behind_each_step(real_site):
    from generator import content as content_mod
    from generator.project import Project

    from conftest import REPO

    procs = content_mod.load(Project(REPO)).procedures
    parsed = pages(real_site)
    for pid, proc in procs.items():
        text = parsed[f"procedures/{pid}.html"].article
        quotes = text[text.index("原文摘句"):]
        covered: set[int] = set()
        for m in re.finditer(r"第(\d+)(?:—(\d+))?步：", quotes):
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            covered |= set(range(first, last + 1))
        assert covered == set(range(1, len(proc["steps"]) + 1)), pid
