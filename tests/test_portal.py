"""One address: `yaojian serve` serves the built site at / and the service under /filing/.

A real server process with the site built from the repository: Debian's chromium goes from
the home page to a 永川 procedure, the schedule, a form's download, 登录 and an upload
without leaving the address; a unit sees 我的待报 on the home page; 报送情况 lists every
报送单位 of the office profile, also those without an account.  The same pages opened as
plain files keep working without the service.  Every request stays on 127.0.0.1.
"""

from __future__ import annotations

import io
import random
import re

import pytest

from service_client import Client
from service_fixtures import REPO, add_account, start_server
from service_support import monthly_form, random_document, workbook_bytes
from test_serve_browser import PASSWORD, browser  # noqa: F401  (the module's chromium, the same flags)

@pytest.fixture(scope="module")
def portal(tmp_path_factory, real_site):
    tmp = tmp_path_factory.mktemp("portal")
    db = str(tmp / "ledger.db")
    add_account(db, tmp / "files", "gaj", PASSWORD, unit="区公安局")  # a 报送单位 of content/office.yaml
    add_account(db, tmp / "files", "office", PASSWORD)
    srv = start_server(tmp, "--site", str(real_site), "--trusted-proxy", "127.0.0.1", db=db)
    yield srv, real_site
    srv.stop()


def test_from_the_home_page_to_an_upload_on_one_address(browser, portal, tmp_path):
    from generator.project import Project

    srv, _ = portal
    root = srv.root
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))

    page.goto(root + "/")
    assert "永川区工作小组办公室" in page.inner_text("article")
    header = page.locator("[data-yj-portal]")
    for item in ("首页", "文件", "流程", "时间安排", "报表", "报送", "登录"):
        header.get_by_text(item, exact=True).wait_for()
    # to a 永川 procedure through the header's 流程
    header.get_by_text("流程", exact=True).click()
    page.wait_for_url("**/procedures/index.html")
    page.locator("article a", has_text="涉嫌犯罪线索与案件的移送").first.click()
    page.wait_for_url("**/procedures/yc-*.html")
    assert "永川区 · 2022" in page.inner_text("h1")
    # the schedule
    header.get_by_text("时间安排", exact=True).click()
    page.wait_for_url("**/schedule/index.html")
    assert page.locator("h2", has_text="永川区药品安全专项打击整治行动").first.is_visible()
    # a form's page and its download
    header.get_by_text("报表", exact=True).click()
    page.wait_for_url("**/forms/index.html")
    page.locator("article a", has_text="月度进展").first.click()
    page.wait_for_url("**/forms/monthly-progress.html")
    with page.expect_download() as info:
        page.locator("article a[href*=\"downloads/monthly-progress.xlsx\"]").first.click()
    blank = tmp_path / "blank.xlsx"
    info.value.save_as(blank)
    from openpyxl import load_workbook

    assert load_workbook(blank).sheetnames  # a real workbook, served by the same address
    live = page.locator("[data-yj-service] [data-yj-live]")
    assert live.is_visible() and not page.locator("[data-yj-service] [data-yj-static]").is_visible()
    assert live.get_by_text("在线填报").get_attribute("href") == "/filing/online/monthly-progress"
    # 登录 from the header, and back to the page it was opened from
    header.get_by_text("登录", exact=True).click()
    page.wait_for_url("**/filing/login**")
    page.fill("input[name=username]", "gaj")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/forms/monthly-progress.html")
    header.get_by_text("区公安局 · gaj").wait_for()
    # upload from the form's page
    live.get_by_text("上传填好的报表").click()
    page.wait_for_url("**/filing/upload?form=monthly-progress")
    nav = page.locator("header nav.portal a")
    assert [a.strip() for a in nav.all_inner_texts()] == ["首页", "文件", "流程", "时间安排", "报表", "报送"]
    project = Project(REPO)
    form = monthly_form(project)
    good = tmp_path / "五月月报.xlsx"
    good.write_bytes(workbook_bytes(project, form, random_document(form, "区公安局", "2022-05-31", random.Random(7))))
    page.select_option("#period", "2022-05")
    page.set_input_files("#file", str(good))
    page.click("#submit")
    page.wait_for_url("**/filing/filings/*")
    assert "通过" in page.inner_text("#verdict")
    # the service's header leads back to the site
    page.locator("header nav.portal a", has_text="首页").click()
    page.wait_for_url(root + "/")
    mine = page.locator("[data-yj-mine]")
    mine.get_by_text("我的待报").wait_for()
    text = mine.inner_text()
    assert "药品安全专项整治行动工作月度进展" in text and "2022年6月" in text and "2022年7月1日前" in text
    assert "2022年5月" not in text  # filed and passed: no longer due
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    assert all(u.startswith(root + "/") for u in seen), [u for u in seen if not u.startswith(root + "/")]
    # a download is reported as an aborted request by Chromium; it was saved and read above
    assert not [u for u in failed if not u.endswith(".xlsx")], failed
    ctx.close()


def test_the_site_as_plain_files_explains_instead_of_linking(browser, portal):
    _, site = portal
    page = browser.new_page()
    page.goto((site / "forms" / "monthly-progress.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("[data-yj-service] [data-yj-static]").is_visible()
    assert not page.locator("[data-yj-service] [data-yj-live]").is_visible()
    assert not page.locator("[data-yj-portal-link]").is_visible()  # no 报送 without the service
    assert page.locator("[data-yj-portal]").get_by_text("时间安排", exact=True).is_visible()
    page.goto((site / "index.html").as_uri())
    assert not page.locator("[data-yj-mine]").is_visible()
    page.close()


def test_the_status_board_lists_every_unit_of_the_profile(portal):
    srv, _ = portal
    office = Client(srv.url)
    office.login("office", PASSWORD)
    page = office.get("/status")
    assert page.status == 200
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'<th class="unit">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th>(.*?)</tr>', page.text, re.S)}
    # content/office.yaml: 区市场监管局、区公安局、区食品药品检验所、卫生健康部门、医保部门、工信部门、商务部门
    assert list(rows)[:3] == ["区市场监管局", "区公安局", "区食品药品检验所"] and len(rows) >= 7
    assert "未开通账号" in rows["卫生健康部门"] and "未开通账号" in rows["区市场监管局"]
    assert "未开通账号" not in rows["区公安局"]  # it has an account
    assert re.search(r"<th>未开通账号</th>(<td class=\"num\">6</td>)", page.text)
    # the chase list exports still work with the profile's units in the board
    assert office.get("/status/late.csv").status == 200


def test_static_files_have_cache_headers_and_revalidate(portal):
    srv, site = portal
    c = Client(srv.root)
    page = c.get("/index.html")
    assert page.status == 200 and page.header("cache-control") == "no-cache" and page.header("etag")
    again = c.request("GET", "/index.html", headers={"If-None-Match": page.header("etag")})
    assert again.status == 304
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    asset = c.get(f"/assets/javascripts/{bundle}")
    assert "immutable" in asset.header("cache-control") and "max-age=31536000" in asset.header("cache-control")
    assert c.get("/schedule/yaojian.ics").header("content-type").startswith("text/calendar")
    missing = c.get("/nowhere.html")
    assert missing.status == 404 and "找不到" in missing.text
    assert c.get("/../../etc/passwd").status in (400, 404)
    # the service's pages are not cached, the site's header links lead to the site
    login = c.get("/filing/login")
    assert 'href="/documents/index.html"' in login.text and ">报送<" in login.text


def test_behind_a_proxy_with_a_path_prefix(portal):
    """X-Forwarded-Prefix from the trusted proxy (127.0.0.1 here) moves every link under it."""
    srv, _ = portal
    c = Client(srv.root)
    login = c.get("/filing/login", headers={"X-Forwarded-Prefix": "/yaojian"})
    assert 'href="/yaojian/filing/static/style.css"' in login.text
    assert 'href="/yaojian/documents/index.html"' in login.text
    me = c.get("/filing/api/me", headers={"X-Forwarded-Prefix": "/yaojian/"})
    assert '"login":"/yaojian/filing/login"' in me.text.replace(" ", "")
    assert me.header("cache-control") == "no-store"
    https = Client(srv.root)
    https.get("/filing/login", headers={"X-Forwarded-Proto": "https"})
    assert any("Secure" in h for h in https.set_cookie_headers)  # the proxy's scheme is believed too
    bad = c.get("/filing/login", headers={"X-Forwarded-Prefix": "//evil.example"})
    assert "evil" not in bad.text


def test_the_prefix_is_believed_only_from_the_trusted_proxy():
    """The same WSGI application, asked by the proxy and by anyone else."""
    from werkzeug.test import Client as WsgiClient

    from generator.service.web.portal import portal as make_portal

    def service(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ.get("SCRIPT_NAME", "").encode()]

    app = make_portal(service, None, "10.0.0.1")
    proxied = WsgiClient(app).get("/filing/x", headers={"X-Forwarded-Prefix": "/yaojian"},
                                  environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert proxied.get_data(as_text=True) == "/yaojian/filing"
    other = WsgiClient(app).get("/filing/x", headers={"X-Forwarded-Prefix": "/yaojian"},
                                environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.get_data(as_text=True) == "/filing"
    untrusted = WsgiClient(make_portal(service, None, None)).get(
        "/filing/x", headers={"X-Forwarded-Prefix": "/yaojian"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert untrusted.get_data(as_text=True) == "/filing"
    # without a built site, / leads to the service
    home = WsgiClient(make_portal(service, None, None)).get("/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert home.status_code == 302 and home.headers["Location"].endswith("/filing/")
