"""在线填报 without a browser: the check of typed values equals `yaojian validate` on the
workbook written from them; typed text never becomes a formula; and a real `yaojian
serve` process keeps drafts to their own unit, checks CSRF, bounds and rate-limits the
check endpoint, and files a submission through the upload path."""

from __future__ import annotations

import io
import json
import random
import re
import zipfile

import pytest

from generator.forms.filled import to_bytes, write_values
from generator.forms.prefill import prefill
from generator.validate import validate
from generator.validate.typed_values import check_values
from service_client import Client, page_fields
from service_fixtures import add_account, start_server
from service_support import monthly_form, random_document, workbook_bytes

PASSWORD = "correct horse battery"
# What clerks type, good and bad: each goes into random cells of every kind.
TYPED = ["0", "3", "/", "12.50", "-1", "2.5", "无", "／", "０", " 7 ", "1,200", "=1+2", "+A1", "@SUM(A1)", "-2+3",
         "√", "v", "2022-06-30", "2022年6月30日", "2022-02-30", "", "  ", "N/A", "1e3", ".5", "<b>x</b>"]


def _findings(report):
    return [f.to_dict() for f in report.findings]


def _mutated(form, values, rng, n=40):
    from generator.forms.filled import kinds_of

    keys = [k for k, kind in kinds_of(form).items() if kind != "section" or True]
    keys = [k for k in keys if not (len(k) == 4 and k[3] == "total")]
    out = dict(values)
    for _ in range(n):
        key = rng.choice(keys)
        if len(key) == 4 and isinstance(key[1], int):
            key = (key[0], rng.randint(0, 3), key[2], key[3])
        out[key] = rng.choice(TYPED)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_check_of_typed_values_equals_validating_the_written_workbook(project, seed):
    form = monthly_form(project)
    rng = random.Random(seed)
    may = random_document(form, "区公安局", "2022-05-31", rng)
    previous = validate(workbook_bytes(project, form, may), project=project, name="五月.xlsx")
    values, _ = prefill(form, previous.document, unit="区公安局", report_date="2022-06-30")
    values = _mutated(form, values, rng)
    checked = check_values(form, project, values, previous=previous, name="在线填报.xlsx")
    written = validate(to_bytes(write_values(form, project, values)), project=project, previous=previous,
                       name="在线填报.xlsx")
    assert _findings(checked) == _findings(written)
    assert checked.document == written.document
    assert checked.errors > 0


def test_prose_forms_check_the_same_way(project):
    from generator.forms.model import load_forms

    form = load_forms(project.forms)["quarterly-report"]
    values = {("header", "unit"): "区公安局", ("header", "report_date"): "2022-06-20",
              ("report", "basic"): "本季度开展检查 12 次。", ("report", "risk_screening"): "=危险", ("report", "other"): "无"}
    checked = check_values(form, project, values)
    written = validate(to_bytes(write_values(form, project, values)), project=project, name="在线填报")
    assert _findings(checked) == _findings(written)
    assert written.document["tables"]["report"]["risk_screening"] == "=危险"


def test_typed_text_is_never_written_as_a_formula(project):
    form = monthly_form(project)
    values = {("drug", "rows", "inspection", "operation"): "=1+2", ("drug", "rows", "sampling", "operation"): "+A1",
              ("header", "unit"): "@SUM(A1:A9)", ("header", "note"): "=HYPERLINK(\"http://x\")",
              ("major_cases", 0, "name", None): "-2+3", ("major_cases", 0, "summary", None): "=cmd|' /C calc'!A0"}
    data = to_bytes(write_values(form, project, values))
    blank = to_bytes(write_values(form, project, {}))

    def formulas(xlsx):
        with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
            return sorted(f for n in z.namelist() if n.startswith("xl/worksheets/sheet")
                          for f in re.findall(r"<f>([^<]*)</f>", z.read(n).decode()))

    assert formulas(data) == formulas(blank)  # only the template's own 合计 formulas
    report = validate(data, project=project)
    assert report.document["header"]["unit"] == "@SUM(A1:A9)"
    assert report.document["tables"]["drug"]["rows"]["inspection"]["operation"] == "=1+2"


# -- the service ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory, project):
    tmp = tmp_path_factory.mktemp("online")
    db = str(tmp / "ledger.db")
    add_account(db, tmp / "files", "gaj", PASSWORD, unit="区公安局")
    add_account(db, tmp / "files", "wjw", PASSWORD, unit="区卫健委")
    add_account(db, tmp / "files", "office", PASSWORD)
    add_account(db, tmp / "files", "sjj", PASSWORD, unit="区市场监管局")
    srv = start_server(tmp, db=db)
    form = monthly_form(project)
    doc = random_document(form, "区公安局", "2022-05-31", random.Random(3))
    c = Client(srv.url)
    c.login("gaj", PASSWORD)
    r = c.upload(workbook_bytes(project, form, doc), period="2022-05")
    assert r.status == 200 and "通过" in r.text
    yield srv, doc
    srv.stop()


def _client(srv, user):
    c = Client(srv.url)
    assert c.login(user, PASSWORD).status == 200
    return c


def _json(c, path, body, token, **headers):
    h = {"Content-Type": "application/json", **({"X-CSRF-Token": token} if token else {}), **headers}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return c.request("POST", path, data, h)


PAGE = "/online/monthly-progress/2022-06"


def test_the_page_carries_may_and_only_its_own_unit_reaches_the_draft(server):
    srv, may = server
    gaj = _client(srv, "gaj")
    page = gaj.get(PAGE)
    assert page.status == 200
    csp = page.header("Content-Security-Policy")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "<script>" not in page.text
    inspection = may["tables"]["drug"]["rows"]["inspection"]["operation"]
    assert re.search(r'name="drug\.rows\.inspection\.operation" id="[^"]+" value="%s" class="cell count carried"' % re.escape(str(inspection)),
                     page.text)
    assert "下载本期报表（已预填上期数）" in page.text
    token = gaj.token(PAGE)
    fields = page_fields(page.text)
    saved = _json(gaj, PAGE + "/draft", {"values": {**fields, "drug.rows.inspection.operation": "99", "bogus": "x"}}, token)
    assert saved.status == 200
    draft = json.loads(saved.text)
    own = gaj.get(draft["url"])
    kept = json.loads(own.text)["values"]
    assert own.status == 200 and kept["drug.rows.inspection.operation"] == "99" and "bogus" not in kept
    assert 'value="99"' in gaj.get(PAGE).text  # the page opens on the draft

    wjw = _client(srv, "wjw")
    assert wjw.get(draft["url"]).status == 403
    assert wjw.get(PAGE + "?unit=%d" % 1).status == 403
    other = wjw.get(PAGE)  # its own page: nothing of 区公安局's draft or figures
    assert other.status == 200 and 'value="99"' not in other.text and "carried" not in other.text.split("<form", 1)[1]
    office = _client(srv, "office")
    assert office.get(draft["url"]).status == 403 and office.get(PAGE).status == 403


def test_every_post_needs_the_csrf_token_and_the_check_is_bounded(server):
    srv, _ = server
    gaj = _client(srv, "gaj")
    token = gaj.token(PAGE)
    assert _json(gaj, PAGE + "/check", {"values": {}}, None).status == 400
    assert _json(gaj, PAGE + "/draft", {"values": {}}, "wrong").status == 400
    assert gaj.post_form(PAGE, {"action": "save"}).status == 400
    big = {"values": {"header.note": "x" * (1200 * 1024)}}
    assert _json(gaj, PAGE + "/check", big, token).status == 413
    assert _json(gaj, PAGE + "/check", b"[1, 2", token).status == 400
    ok = _json(gaj, PAGE + "/check", {"values": {"drug.rows.inspection.operation": "-1"}}, token)
    assert ok.status == 200
    result = json.loads(ok.text)
    assert any(f["name"] == "drug.rows.inspection.operation" and f["code"] == "negative-value" for f in result["findings"])
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:  # a burst: far more than the 20 a session may send at once
        statuses = list(pool.map(lambda _: _json(gaj, PAGE + "/check", {"values": {}}, token).status, range(80)))
    assert 429 in statuses and 200 in statuses, statuses  # rate-limited per session …
    other = _client(srv, "gaj")  # … not per account: another session still checks
    assert _json(other, PAGE + "/check", {"values": {}}, other.token(PAGE)).status == 200


def test_submitting_without_script_files_through_the_upload_path(server, project):
    srv, may = server
    gaj = _client(srv, "gaj")
    page = gaj.get(PAGE)
    fields = page_fields(page.text)
    fields["drug.rows.inspection.operation"] = str(int(may["tables"]["drug"]["rows"]["inspection"]["operation"] or 0) + 2) \
        if may["tables"]["drug"]["rows"]["inspection"]["operation"] != "/" else "/"
    token = gaj.token(PAGE)
    checked = gaj.post_form(PAGE, {**fields, "csrf_token": token, "action": "check"})
    verdict = re.search(r'<p id="verdict">([^<]*)', checked.text).group(1)
    assert checked.status == 200 and "没有错误" in verdict, re.findall(r"<li class=\"(?:error|warning)\">.*?</li>", checked.text)[:5]
    done = gaj.post_form(PAGE, {**fields, "csrf_token": token, "action": "submit"})
    assert done.status == 200 and done.url.startswith("/filings/")
    assert "通过" in done.text and "在线填报" in done.text
    history = gaj.get("/filings")
    assert "2022年6月" in history.text
    again = gaj.get(PAGE)  # the draft is gone with the submission; the page says what was filed
    assert "本期已报送第 1 版" in again.text and "草稿保存于" not in again.text
    stored = gaj.get(re.search(r'href="([^"]*/filings/\d+/file)"', done.text).group(1))
    report = validate(stored.body, project=project, name="stored.xlsx")
    assert report.valid and report.document["tables"]["drug"]["rows"]["inspection"]["operation"] == \
        (int(fields["drug.rows.inspection.operation"]) if fields["drug.rows.inspection.operation"] != "/" else "/")


def test_a_period_without_an_accepted_filing_is_skipped_when_carrying(server, project):
    srv, _ = server
    form = monthly_form(project)
    may = random_document(form, "区市场监管局", "2022-05-31", random.Random(5))
    june = json.loads(json.dumps(may))
    june["header"]["report_date"] = "2022-06-30"
    june["tables"]["drug"]["rows"]["review"]["operation"] = "无"  # an error: June is not accepted
    sjj = _client(srv, "sjj")
    assert "通过" in sjj.upload(workbook_bytes(project, form, may), period="2022-05").text
    assert "有错" in sjj.upload(workbook_bytes(project, form, june), period="2022-06").text
    july = sjj.get("/online/monthly-progress/2022-07")
    fields = page_fields(july.text)
    assert fields["drug.rows.inspection.production"] == str(may["tables"]["drug"]["rows"]["inspection"]["production"])
    assert "2022年5月已通过报送" in july.text
    prefilled = sjj.get("/online/monthly-progress/2022-07/prefilled.xlsx")
    assert prefilled.status == 200 and prefilled.header("Content-Type").startswith("application/vnd.openxmlformats")
    report = validate(prefilled.body, project=project, name="七月.xlsx")
    assert report.document["tables"]["drug"]["rows"]["inspection"]["production"] == \
        may["tables"]["drug"]["rows"]["inspection"]["production"]
    assert report.document["header"]["unit"] == "区市场监管局" and report.document["header"]["report_date"] == "2022-08-01"


def test_a_long_prose_report_posts_whole_without_script(server):
    srv, _ = server
    gaj = _client(srv, "gaj")
    index = gaj.get("/online")
    assert index.status == 200 and "/online/quarterly-report/2022-Q2" in index.text
    page = "/online/quarterly-report/2022-Q2"
    fields = page_fields(gaj.get(page).text)
    assert set(fields) >= {"header.unit", "header.report_date", "report.basic", "report.other"}
    long = "本季度开展风险隐患排查，" * 2000  # 24,000 characters: far past the small-form limit
    fields.update({name: long for name in fields if name.startswith("report.")})
    r = gaj.post_form(page, {**fields, "csrf_token": gaj.token(page), "action": "save"})
    assert r.status == 200 and "草稿已保存" in r.text
    assert page_fields(r.text)["report.basic"] == long
