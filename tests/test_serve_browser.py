"""The upload service in a real browser: Debian's chromium driven by Playwright logs in,
uploads a workbook through the page and reads the findings; the office reads the status
board and the charts.  Every request stays on 127.0.0.1."""

from __future__ import annotations

import json
import re
import random
import shutil

import pytest

from service_fixtures import REPO, add_account, start_server
from service_support import monthly_form, random_document, workbook_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is needed: scripts/install-test-deps.sh installs it")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = str(tmp / "ledger.db")
    add_account(db, tmp / "files", "gaj", PASSWORD, unit="区公安局")
    add_account(db, tmp / "files", "office", PASSWORD)
    srv = start_server(tmp, db=db)
    yield srv, tmp
    srv.stop()


def test_a_unit_logs_in_uploads_and_reads_the_findings(browser, site, tmp_path):
    from generator.project import Project

    srv, _ = site
    project = Project(REPO)
    form = monthly_form(project)
    doc = random_document(form, "区公安局", "2022-05-31", random.Random(4))
    bad = json.loads(json.dumps(doc))
    bad["tables"]["device"]["rows"]["complaint"]["total"] = 321
    path = tmp_path / "五月月报.xlsx"
    path.write_bytes(workbook_bytes(project, form, bad))

    page = browser.new_page()
    failed_requests = []
    page.on("requestfailed", lambda r: failed_requests.append(r.url))
    page.goto(srv.url + "/")
    assert page.title().startswith("登录")
    page.fill("input[name=username]", "gaj")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/upload")
    assert "报送单位：区公安局" in page.inner_text("main")
    page.select_option("#period", "2022-05")
    page.set_input_files("#file", str(path))
    page.click("#submit")
    page.wait_for_url("**/filings/*")
    verdict = page.inner_text("#verdict")
    assert "有错" in verdict and "1 个错误" in verdict
    report = page.inner_text("#report")
    assert "表3 医疗器械" in report and "投诉举报（件）" in report and "合计" in report
    # the finding's kind in Chinese; its code only as a muted tooltip, never as text
    assert "〔合计与各环节之和不符〕" in report
    assert "total-mismatch" not in report and re.search(r"[a-z]+-[a-z]+", report) is None
    assert page.get_attribute("#report [data-code=total-mismatch]", "title") == "代码：total-mismatch"
    assert page.is_visible("#annotated")
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)

    # the fixed file: the page says what was fixed
    path.write_bytes(workbook_bytes(project, form, doc))
    page.click("#reupload")
    assert page.input_value("#period") == "2022-05"  # the same form and period, chosen already
    page.set_input_files("#file", str(path))
    page.click("#submit")
    page.wait_for_url("**/filings/*")
    assert "通过" in page.inner_text("#verdict")
    assert "改正 1 项，新增 0 项" in page.inner_text("#comparison")
    page.click("text=全部报送")
    assert "第 2 版" in page.inner_text("main")
    assert not failed_requests, failed_requests
    page.close()


def test_the_office_reads_the_status_board_and_charts(browser, site):
    srv, _ = site
    page = browser.new_page()
    page.goto(srv.url + "/login")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/status")
    matrix = page.inner_text("#status-matrix")
    assert "区公安局" in matrix and "按时率" in matrix
    page.goto(srv.url + "/rollup?form=monthly-progress&period=2022-05")
    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150  # drawn, not collapsed
    assert page.is_visible("#download-rollup")
    page.close()
