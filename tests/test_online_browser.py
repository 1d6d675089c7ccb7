"""在线填报 in a real browser (Debian's chromium through Playwright) against a real server.

区公安局 has an accepted May filing.  It opens June online, sees May's figures carried,
changes three cells, types "-1" and sees the red message beside that cell, pastes a 3 × 4
block from the clipboard, saves, logs out, logs in again in a fresh browser context, finds
the draft, fixes the error and submits: 我的报送 shows 通过, and `yaojian validate` on the
stored workbook gives the findings the page showed (none).  Another unit gets 403 on the
draft's URLs.  Screenshots (desktop and 390 px) go to test-artifacts/online/.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from conftest import REPO, run_cli
from service_fixtures import add_account, start_server
from service_support import monthly_form, random_document, workbook_bytes
from test_serve_browser import browser  # noqa: F401  (the shared chromium fixture)

PASSWORD = "correct horse battery"
PAGE = "/online/monthly-progress/2022-06"
ARTIFACTS = REPO / "test-artifacts" / "online"


@pytest.fixture(scope="module")
def site(tmp_path_factory, project):
    tmp = tmp_path_factory.mktemp("online-browser")
    db = str(tmp / "ledger.db")
    add_account(db, tmp / "files", "gaj", PASSWORD, unit="区公安局")
    add_account(db, tmp / "files", "wjw", PASSWORD, unit="区卫健委")
    srv = start_server(tmp, db=db)
    form = monthly_form(project)
    may = random_document(form, "区公安局", "2022-05-31", random.Random(8), na_columns=0)
    may_path = tmp / "五月.xlsx"
    may_path.write_bytes(workbook_bytes(project, form, may))
    yield srv, may, may_path
    srv.stop()


def _login(context, srv, user):
    page = context.new_page()
    page.goto(srv.url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _sel(name: str) -> str:
    return "#in-" + name.replace(".", "\\.")


def _value(page, name: str) -> str:
    return page.locator(_sel(name)).input_value()


def test_a_unit_fills_june_online_from_may(browser, site, tmp_path, project):
    srv, may, may_path = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failed = []

    # May is filed by upload and accepted
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=srv.url)
    page = _login(ctx, srv, "gaj")
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(srv.url + "/upload")
    page.select_option("#period", "2022-05")
    page.set_input_files("#file", str(may_path))
    page.click("#submit")
    page.wait_for_url("**/filings/*")
    assert "通过" in page.inner_text("#verdict")

    # June online: May's figures are carried and marked
    page.goto(srv.url + "/filings")
    page.click(f"a[href$='{PAGE}']")
    page.wait_for_url("**" + PAGE)
    rows = may["tables"]["drug"]["rows"]
    for row in ("inspection", "sampling", "rectify"):
        name = f"drug.rows.{row}.operation"
        assert _value(page, name) == str(rows[row]["operation"])
        assert "carried" in page.get_attribute(_sel(name), "class")
    assert page.inner_text("#block-drug output#in-drug\\.rows\\.rectify\\.total") == str(rows["rectify"]["total"])

    # three cells change (running totals grow); 合计 follows, computed by the server
    changes = {"drug.rows.rectify.operation": rows["rectify"]["operation"] + 2,
               "drug.rows.suspension.use": rows["suspension"]["use"] + 1,
               "device.rows.closure.production": may["tables"]["device"]["rows"]["closure"]["production"] + 3}
    for name, value in changes.items():
        page.fill(_sel(name), str(value))
        page.keyboard.press("Tab")
        assert "carried" not in page.get_attribute(_sel(name), "class")
    expected_total = str(rows["rectify"]["total"] + 2)
    page.wait_for_function("t => document.getElementById('in-drug.rows.rectify.total').textContent === t", arg=expected_total)

    # "-1": the red message stands beside that cell, and the summary links to it
    bad = "drug.rows.closure.production"
    page.fill(_sel(bad), "-1")
    message = page.locator(f"{_sel(bad)} + .msg.error")
    message.wait_for(timeout=10000)
    assert "负数" in message.inner_text()
    assert "error" in page.get_attribute(_sel(bad), "class")
    assert page.locator(f"#problem-list a[href='#in-{bad}']").count() == 1
    assert "1 个错误" in page.inner_text("#verdict")

    # Excel-like keys: Enter moves down a row, ArrowRight to the next column
    page.focus(_sel("drug.rows.review.research"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "drug.rows.inspection.research"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.name") == "drug.rows.inspection.production"

    # a 3 × 4 block copied from Excel, pasted into the 重点领域案件 grid
    block = [[21, 22, 23, 24], ["31.5", "32", "33", "34"], ["41", "42.25", "43", "44"]]
    tsv = "\r\n".join("\t".join(str(v) for v in line) for line in block) + "\r\n"
    page.evaluate("t => navigator.clipboard.writeText(t)", tsv)
    page.focus(_sel("drug.key_areas.cases.unlicensed_production"))
    page.keyboard.press("Control+V")
    columns = ["unlicensed_production", "registration_fraud", "decoction_pieces", "raw_materials"]
    for i, row in enumerate(["cases", "value", "fines"]):
        for j, col in enumerate(columns):
            assert _value(page, f"drug.key_areas.{row}.{col}") == str(block[i][j])
    page.screenshot(path=str(ARTIFACTS / "online-desktop.png"))
    page.locator("#block-drug").screenshot(path=str(ARTIFACTS / "online-drug-grid.png"))

    # save: the draft's time is shown; the draft's own URL answers
    with page.expect_response(lambda r: r.url.endswith(PAGE + "/draft")) as saved:
        page.click("#save")
    draft_url = json.loads(saved.value.text())["url"]
    page.wait_for_function("() => document.getElementById('draft-status').textContent.includes('草稿已保存于')")
    page.click("header.top button.link")  # 退出
    page.wait_for_url("**/login")
    ctx.close()

    # another unit: 403 on the draft's URLs
    other = browser.new_context()
    wjw = _login(other, srv, "wjw")
    assert draft_url.startswith("/filing/online/drafts/")  # url_for: under the service's path
    assert wjw.goto(srv.root + draft_url).status == 403
    assert wjw.goto(srv.url + PAGE + "?unit=1").status == 403
    other.close()

    # a fresh context (another PC): the draft is there, error and all
    ctx2 = browser.new_context(viewport={"width": 390, "height": 844})
    page = _login(ctx2, srv, "gaj")
    page.goto(srv.url + PAGE)
    assert "草稿保存于" in page.inner_text("#draft-status")
    assert _value(page, bad) == "-1"
    assert _value(page, "drug.key_areas.fines.raw_materials") == "44"
    for name, value in changes.items():
        assert _value(page, name) == str(value)
    assert "负数" in page.inner_text(f"{_sel(bad)} + .msg.error")
    page.screenshot(path=str(ARTIFACTS / "online-phone.png"))

    # fix it: the page shows no problem left, then submit
    page.fill(_sel(bad), str(may["tables"]["drug"]["rows"]["closure"]["production"]))
    page.wait_for_function("() => document.querySelectorAll('#problem-list li').length === 0")
    shown = page.inner_text("#verdict")
    assert "没有发现问题" in shown
    page.click("#submit")
    page.wait_for_url("**/filings/*")
    assert "通过" in page.inner_text("#verdict")
    stored_href = page.get_attribute("a[href$='/file']", "href")
    page.goto(srv.url + "/filings")
    june = page.locator("section.slot", has_text="2022年6月 ·").first
    assert "通过" in june.inner_text()
    data = page.request.get(srv.root + stored_href).body()
    ctx2.close()
    assert not failed, failed

    # yaojian validate on the stored workbook: the findings the page showed (none)
    stored = tmp_path / "六月-在线填报.xlsx"
    stored.write_bytes(data)
    r = run_cli("validate", str(stored), "--previous", str(may_path), "--format", "json")
    report = json.loads(r.stdout)[0]
    assert r.returncode == 0 and report["findings"] == [] and report["valid"]
    june_doc = report
    assert june_doc["unit"] == "区公安局"
    # and the pasted block is in the stored workbook, as numbers
    from generator.validate import validate

    doc = validate(stored, project=project).document
    assert doc["tables"]["drug"]["key_areas"]["value"]["unlicensed_production"] == 31.5
    assert doc["tables"]["drug"]["rows"]["rectify"]["operation"] == changes["drug.rows.rectify.operation"]


def test_the_page_works_without_script(browser, site):
    srv, _, _ = site
    ctx = browser.new_context(java_script_enabled=False)
    page = _login(ctx, srv, "wjw")
    page.goto(srv.url + PAGE)
    assert "尚未填写" in page.inner_text("#verdict")
    page.fill(_sel("drug.rows.review.research"), "无")
    page.press(_sel("drug.rows.review.research"), "Enter")  # the form's default action: 检查
    page.wait_for_load_state()
    assert "无法识别" in page.inner_text(f"{_sel('drug.rows.review.research')} + .msg.error")
    assert page.locator("#problem-list li").count() > 1  # the blank cells too
    # a case row added and saved without script
    page.fill(_sel("major_cases.0.name"), "某案")
    page.click("button.add-case")
    page.wait_for_load_state()
    assert _value(page, "major_cases.0.name") == "某案" and page.locator(_sel("major_cases.1.name")).count() == 1
    assert re.search(r"草稿保存于 \d{4}-\d{2}-\d{2}", page.inner_text("#draft-status"))
    ctx.close()


def test_a_draft_is_saved_on_leaving_the_page(browser, site):
    srv, _, _ = site
    ctx = browser.new_context()
    page = _login(ctx, srv, "wjw")
    page.goto(srv.url + PAGE)
    page.fill(_sel("header.note"), "离开本页前写下的说明")
    page.goto(srv.url + "/filings")  # at once: before the two-second autosave
    page.wait_for_timeout(800)
    page.goto(srv.url + PAGE)
    assert _value(page, "header.note") == "离开本页前写下的说明"
    ctx.close()
