"""The repository's own site in a real browser (Debian chromium through Playwright, no
internet): Chinese search recall, following a result to its clause, print, screenshots,
offline."""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
import socketserver
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO
from site_html import fold, pages

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
ARTIFACTS = REPO / "test-artifacts"
QUERIES = [
    line.strip()
    for line in (REPO / "tests" / "data" / "search-queries.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
TOP = 5  # "among the first results"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server(real_site):
    handler = functools.partial(_Quiet, directory=str(real_site))
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def requests_seen():
    return []


@pytest.fixture(scope="module")
def context(requests_seen):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        ctx.on("request", lambda r: requests_seen.append(r.url))
        yield ctx
        ctx.close()
        browser.close()


@pytest.fixture(scope="module")
def page(context, server):
    pg = context.new_page()
    pg.goto(f"{server}/index.html")
    _wait_search_ready(pg)
    return pg


@pytest.fixture(scope="module")
def parsed(real_site):
    return pages(real_site)


@pytest.fixture(scope="module")
def repo_content():
    from generator import content as content_mod
    from generator.project import Project

    return content_mod.load(Project(REPO))


def _wait_search_ready(pg) -> None:
    pg.keyboard.press("s")
    pg.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && m.textContent.trim() && !m.textContent.includes('初始化'); }"
    )


def search(pg, query: str) -> list[str]:
    """Type a query as a person does; the result pages' hrefs, best first."""
    pg.evaluate(
        "() => { const l = document.querySelector('.md-search-result__list');"
        " const i = document.createElement('li'); i.id = 'yj-stale'; l.appendChild(i); }"
    )
    box = pg.locator("input[data-md-component=search-query]")
    if not box.evaluate("el => el === document.activeElement"):
        pg.keyboard.press("s")
    box.fill(query)
    box.press("End")  # Material listens for keyup
    pg.wait_for_function("() => !document.getElementById('yj-stale')", timeout=10_000)
    return pg.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link:first-child", "els => els.map(e => e.href)"
    )


def _page_of(url: str, server: str) -> str:
    return urlsplit(url).path.lstrip("/") or "index.html"


def test_query_set_stands_in_the_documents(repo_content):
    content = repo_content
    texts = [fold(content.document_text(d)) for d in content.documents]
    assert len(QUERIES) >= 30
    assert not [q for q in QUERIES if not any(fold(q) in t for t in texts)]


def test_search_finds_every_remembered_phrase(page, server, parsed):
    misses, lines = [], []
    for query in QUERIES:
        hits = [_page_of(h, server) for h in search(page, query)]
        top = hits[:TOP]
        ok = any(fold(query) in fold(parsed[p].article) for p in top if p in parsed)
        lines.append(f"{'OK ' if ok else 'MISS'} {query} -> {', '.join(top)}")
        if not ok:
            misses.append(query)
    recall = 1 - len(misses) / len(QUERIES)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "search-recall.txt").write_text(
        f"recall {recall:.0%} over {len(QUERIES)} phrases (a page holding the phrase in the first {TOP})\n"
        + "\n".join(lines) + "\n", encoding="utf-8")
    assert not misses, f"recall {recall:.0%}; missed: {misses}"


@pytest.mark.parametrize("query, document", [
    ("整治", "documents/yongchuan-2022.html"),  # stock search matches token prefixes only
    ("药品安全", "documents/wulateqianqi-2022.html"),  # stock search drops the last word
    ("每月1日前", "documents/yongchuan-2022.html"),  # the document writes 每月 1 日前
    ("东区政办发", "documents/dongying-2017-61.html"),
])
def test_the_document_itself_is_among_the_first_results(page, server, query, document):
    assert document in [_page_of(h, server) for h in search(page, query)][:TOP]


def test_results_highlight_the_match(page):
    search(page, "首办负责制")
    marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    assert "首办负责制" in marks


def test_no_result_for_text_not_on_the_site(page):
    assert search(page, "量子纠缠") == []
    assert "没有找到" in page.locator(".md-search-result__meta").inner_text()


def test_following_a_result_lands_on_the_clause(context, server):
    pg = context.new_page()
    pg.goto(f"{server}/index.html")
    _wait_search_ready(pg)
    search(pg, "24小时内将案件进展情况")
    link = pg.locator('.md-search-result a[href*="documents/dongying-2017-61.html#s2-2"]').first
    link.click()
    pg.wait_for_url("**/documents/dongying-2017-61.html#s2-2")
    inside = pg.evaluate(
        "() => { const r = document.getElementById('s2-2').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )
    assert inside
    assert "24小时内将案件进展情况" in pg.locator("article").inner_text().replace(" ", "")
    pg.close()


def _not_blank(pg, png: bytes) -> dict:
    return pg.evaluate(
        """async (b64) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + b64;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width; c.height = img.height;
            const x = c.getContext('2d');
            x.drawImage(img, 0, 0);
            const d = x.getImageData(0, 0, c.width, c.height).data;
            const colours = new Set(); let dark = 0, n = 0;
            for (let i = 0; i < d.length; i += 4 * 5) {
                colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                if (d[i] + d[i + 1] + d[i + 2] < 300) dark++;
                n++;
            }
            return {colours: colours.size, dark: dark / n};
        }""",
        base64.b64encode(png).decode(),
    )


@pytest.mark.parametrize("kind", ["home", "document", "procedure", "schedule", "roster"])
def test_screenshot_is_not_blank(context, server, repo_content, kind):
    procedure = min(repo_content.procedures)
    group = min(o for o, org in repo_content.organisations.items() if org.get("members"))
    path = {
        "home": "index.html", "document": "documents/dongying-2017-61.html", "schedule": "schedule/index.html",
        "procedure": f"procedures/{procedure}.html", "roster": f"organisations/{group}.html",
    }[kind]
    pg = context.new_page()
    pg.goto(f"{server}/{path}")
    pg.wait_for_load_state("networkidle")
    png = pg.screenshot(full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"site-{kind}.png").write_bytes(png)
    stats = _not_blank(pg, png)
    assert stats["colours"] > 20 and 0.002 < stats["dark"] < 0.6, stats
    pg.close()


def test_page_prints_on_a4_without_chrome(context, server):
    pg = context.new_page()
    pg.goto(f"{server}/documents/dongying-2017-61.html")
    pg.emulate_media(media="print")
    hidden = pg.evaluate(
        """() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-search',
                  '.md-footer'].map(s => {
            const el = document.querySelector(s);
            return [s, !el || getComputedStyle(el).display === 'none'];
        })"""
    )
    assert all(ok for _, ok in hidden), hidden
    assert pg.locator("article").is_visible()
    pdf = pg.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-document-a4.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf or b"/MediaBox [0 0 595" in pdf
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True).stdout.decode()
        flat = "".join(text.split())
        assert "及时报告上级部门" in flat
        assert "搜索" not in flat and "目录" not in flat
    pg.close()


def test_no_request_leaves_localhost(context, server, requests_seen):
    pg = context.new_page()
    for path in ["index.html", "documents/yongchuan-2022.html", "organisations/index.html", "procedures/index.html",
                 "schedule/index.html", "criteria/index.html", "forms/index.html", "errors/index.html"]:
        pg.goto(f"{server}/{path}")
        pg.wait_for_load_state("networkidle")
    _wait_search_ready(pg)
    search(pg, "药品")
    pg.close()
    assert requests_seen, "the recorder saw nothing"
    outside = sorted({u for u in requests_seen if urlsplit(u).hostname not in ("127.0.0.1",) and
                      not u.startswith(("data:", "blob:", "about:"))})
    assert not outside


def test_calendar_file_is_served_for_download(server):
    import urllib.request

    from icalendar import Calendar

    with urllib.request.urlopen(f"{server}/schedule/yaojian.ics") as resp:
        cal = Calendar.from_ical(resp.read())
    assert any("RRULE" in e for e in cal.walk("VEVENT"))


@pytest.mark.parametrize("when, status, first", [
    ("2022-09-25T10:00:00", "进行中，当前阶段：整治阶段", "2022年10月1日"),
    ("2022-11-10T10:00:00", "进行中，当前阶段：总结阶段", "2022年11月20日"),
    ("2022-04-01T10:00:00", "未开始，2022年5月6日开始", "2022年6月1日"),
    ("2030-01-01T10:00:00", "已结束（2022年11月30日）", None),
])
def test_home_follows_the_readers_date(context, server, when, status, first):
    """The site is built once; the home page shows the phase and next deadlines of the day it is read."""
    from datetime import datetime

    pg = context.new_page()
    pg.clock.set_fixed_time(datetime.fromisoformat(when))
    pg.goto(f"{server}/index.html")
    box = pg.locator("[data-yj-campaign]").filter(has_text="永川区").first
    assert status in box.locator("[data-yj=status]").inner_text()
    visible = box.locator("[data-yj=next] tr[data-date]:not([hidden]) td:first-child").all_inner_texts()
    if first:
        assert visible[0] == first and len(visible) <= 6
        assert box.locator("[data-yj=over]").is_hidden()
    else:
        assert len(visible) == 4 and box.locator("[data-yj=over]").is_visible()
    pg.close()
