"""`yaojian serve` as a real process on 127.0.0.1: uploads, versions, access, CSRF,
refusals, the office's pages, concurrent uploads, and a kill -9 in the middle of them."""

from __future__ import annotations

import io
import json
import random
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest

from service_client import Client, submission_id
from service_fixtures import REPO, add_account, postgres_cluster, start_server  # noqa: F401 (fixture)
from service_support import monthly_form, random_document, unit_books, variants, workbook_bytes

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def project_m():
    from generator.project import Project

    return Project(REPO)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    db = str(tmp / "ledger.db")
    for username, unit in (("gaj", "区公安局"), ("wjw", "区卫生健康委员会"), ("scj", "区市场监管局")):
        add_account(db, tmp / "files", username, PASSWORD, unit=unit)
    add_account(db, tmp / "files", "office", PASSWORD)
    srv = start_server(tmp, "--max-upload", "1", "--workers", "2", db=db)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def books(project_m):
    """Valid and broken monthly filings of 区公安局 (bytes)."""
    form = monthly_form(project_m)
    rng = random.Random(21)
    good = random_document(form, "区公安局", "2022-05-31", rng)
    bad = json.loads(json.dumps(good))
    rows = bad["tables"]["drug"]["rows"]
    rows["inspection"]["total"] = (rows["inspection"]["total"] if rows["inspection"]["total"] != "/" else 0) + 5
    rows["sampling"]["research"] = None  # a blank where "/" or 0 belongs
    half = json.loads(json.dumps(bad))
    half["tables"]["drug"]["rows"]["sampling"]["research"] = good["tables"]["drug"]["rows"]["sampling"]["research"]
    june = random_document(form, "区公安局", "2022-06-30", rng, previous=good)
    other = random_document(form, "区卫生健康委员会", "2022-05-31", rng)
    return {name: workbook_bytes(project_m, form, doc) for name, doc in
            (("good", good), ("bad", bad), ("half", half), ("june", june), ("other", other))}


def unit_client(server, username="gaj") -> Client:
    c = Client(server.url)
    r = c.login(username, PASSWORD)
    assert r.status == 200 and r.url == "/upload", (r.status, r.url, r.text[:300])
    return c


def test_upload_shows_findings_and_keeps_every_version(server, books):
    c = unit_client(server)
    r = c.upload(books["bad"], "五月月报.xlsx")
    assert r.status == 200, r.text[:500]
    first = submission_id(r)
    assert first and "已收到并记录为第" in r.text
    assert "total-mismatch" in r.codes() and "blank-cell" in r.codes()
    assert "有错" in r.text and "表2 药品" in r.text  # the form's own words

    r = c.upload(books["half"], "五月月报（改）.xlsx")
    assert r.status == 200
    assert "与第 1 版相比" in r.text and "改正 1 项，新增 0 项，仍有 1 项" in r.text
    assert re.search(r"已改正（1）.*blank-cell", r.text, re.S)

    r = c.upload(books["good"], "五月月报（定稿）.xlsx")
    assert r.status == 200 and "通过" in r.text and "0 个错误" in r.text
    good_id = submission_id(r)

    again = c.upload(books["good"], "又传了一次.xlsx")
    assert submission_id(again) == good_id and "内容完全相同" in again.text

    mine = c.get("/filings")
    assert mine.status == 200
    assert mine.text.count("第 1 版") >= 1 and "第 3 版" in mine.text and "第 4 版" not in mine.text
    assert "五月月报（定稿）.xlsx" in mine.text

    original = c.get(f"/filings/{good_id}/file")
    assert original.status == 200 and original.body == books["good"]
    assert "filename*=UTF-8''" in original.header("content-disposition")


def test_the_annotated_workbook_marks_the_bad_cells(server, books):
    pytest.importorskip("generator.xlsx.annotate", reason="the reader's annotate has not landed")
    c = unit_client(server)
    r = c.upload(books["bad"], "坏表.xlsx")
    sid = submission_id(r)
    marked = c.get(f"/filings/{sid}/annotated")
    assert marked.status == 200, marked.text[:300]
    assert marked.body[:2] == b"PK" and marked.body != books["bad"]
    assert "%E6%A0%87%E6%B3%A8" in marked.header("content-disposition")  # 标注


def test_the_cumulative_rule_compares_with_the_previous_periods_accepted_filing(server, books, project_m):
    c = unit_client(server)
    c.upload(books["good"], "五月.xlsx", period="2022-05")
    r = c.upload(books["june"], "六月.xlsx", period="2022-06")
    assert r.status == 200 and "通过" in r.text, r.codes()
    # May's figures filed again as June's: June may not fall below May — unless it does not
    # fall at all; so file June's increments instead: every cumulative figure drops.
    form = monthly_form(project_m)
    low = random_document(form, "区公安局", "2022-06-30", random.Random(99), na_columns=0)
    for t in ("drug", "device", "cosmetic"):
        for row in low["tables"][t]["rows"].values():
            for col in row:
                row[col] = 0
        for row in low["tables"][t].get("key_areas", {}).values():
            for col in row:
                row[col] = 0
    low["tables"]["major_cases"] = []
    r = c.upload(workbook_bytes(project_m, form, low), "六月增量.xlsx", period="2022-06")
    assert "cumulative-decrease" in r.codes()


def test_a_unit_cannot_see_or_touch_another_units_filings(server, books):
    a = unit_client(server, "gaj")
    sid = submission_id(a.upload(books["good"], "甲.xlsx"))
    b = unit_client(server, "wjw")
    for path in (f"/filings/{sid}", f"/filings/{sid}/file", f"/filings/{sid}/annotated"):
        r = b.get(path)
        assert r.status == 403, (path, r.status)
        assert "区公安局" not in r.text and "甲.xlsx" not in r.text
    me = b.get("/filings")
    assert me.status == 200 and "甲.xlsx" not in me.text
    gaj_unit = re.search(r"区公安局", a.get("/filings").text)
    assert gaj_unit
    # the unit id of 区公安局, tried in the query: refused
    for unit_id in range(1, 6):
        r = b.get(f"/filings?unit={unit_id}")
        assert r.status in (200, 403)
        if r.status == 200:
            assert "甲.xlsx" not in r.text
    # the unit comes from the login, never from the form: a "unit" field changes nothing
    r = b.upload(books["other"], "卫健委.xlsx", extra={"unit": "区公安局", "unit_id": "1"})
    assert r.status == 200 and "区卫生健康委员会 · 第" in r.text
    assert "卫健委.xlsx" not in a.get("/filings").text
    # office pages are for the office only
    for path in ("/status", "/rollup", "/status/late.csv", "/rollup/download?form=monthly-progress&period=2022-05"):
        assert b.get(path).status == 403


def test_a_post_without_a_csrf_token_is_refused(server, books):
    anon = Client(server.url)
    anon.get("/login")
    r = anon.post_form("/login", {"username": "gaj", "password": PASSWORD})
    assert r.status == 400 and "安全令牌" in r.text
    c = unit_client(server)
    before = len(c.get("/filings").text)
    for token in ("", "forged-token"):
        fields = {"form": "monthly-progress", "period": "2022-05"} | ({"csrf_token": token} if token else {})
        r = c.post_multipart("/upload", fields, {"file": ("无令牌.xlsx", books["good"])})
        assert r.status == 400
    assert "无令牌.xlsx" not in c.get("/filings").text and len(c.get("/filings").text) == before
    assert c.post_form("/logout", {}).status == 400
    assert c.get("/upload").status == 200  # still logged in


def test_an_oversized_upload_is_refused_with_file_too_large(server):
    c = unit_client(server)
    files = sorted(p.name for p in server.files.rglob("*") if p.is_file())
    big = b"PK\x03\x04" + bytes(1536 * 1024)
    r = c.upload(big, "太大.xlsx")
    assert r.status == 413 and "file-too-large" in r.codes()
    assert "1.0 MB" in r.text
    assert sorted(p.name for p in server.files.rglob("*") if p.is_file()) == files


def hostile_files() -> dict[str, bytes]:
    from xlsx_corpus import NS, bomb_member, minimal_parts, sheet_xml, zip_bytes

    def xlsx(parts):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return buf.getvalue()

    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
              + b']><sst xmlns="' + NS.encode() + b'"><si><t>&lol9;</t></si></sst>')
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    parts = minimal_parts([("表2", sheet)], sst=laughs)
    bomb_parts = minimal_parts([("表2", sheet)])
    bomb = zip_bytes([m for m in (bomb_member("xl/worksheets/sheet1.xml", gib=0.5),)] +
                     [__import__("xlsx_corpus").Member(n, d) for n, d in bomb_parts.items() if n != "xl/worksheets/sheet1.xml"])
    return {
        "entity-bomb.xlsx": xlsx(parts),
        "zip-bomb.xlsx": bomb,
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "notes.xlsx": "这不是工作簿。".encode("utf-8") * 50,
        "empty.xlsx": b"",
    }


def test_hostile_uploads_are_refused_with_the_validators_code(server):
    c = unit_client(server)
    before = sorted(p.name for p in server.files.rglob("*") if p.is_file())
    expected = {"entity-bomb.xlsx": {"unsafe-xml"}, "zip-bomb.xlsx": {"file-too-large"},
                "old.xls": {"legacy-format", "not-a-workbook", "unreadable-file"},
                "notes.xlsx": {"not-a-workbook"}, "empty.xlsx": {"empty-file"}}
    for name, data in hostile_files().items():
        t = time.monotonic()
        r = c.upload(data, name)
        assert r.status in (413, 422), (name, r.status, r.text[:300])
        assert set(r.codes()) & expected[name], (name, r.codes())
        assert "未被接收" in r.text
        assert time.monotonic() - t < 30
    assert sorted(p.name for p in server.files.rglob("*") if p.is_file()) == before
    assert "entity-bomb" not in c.get("/filings").text
    assert c.get("/upload").status == 200  # the server is still there


def test_another_form_than_the_one_picked_is_refused(server, books):
    c = unit_client(server)
    r = c.upload(books["good"], "月报.xlsx", form="quarterly-report", period="2022-Q2")
    assert r.status == 422 and "form-mismatch" in r.codes()


def test_login_is_rate_limited(server):
    c = Client(server.url)
    for _ in range(5):
        r = c.login("scj", "wrong password")
        assert r.status == 401 and "不正确" in r.text
    r = c.login("scj", PASSWORD)
    assert r.status == 429 and "过多" in r.text


def test_session_cookie_is_httponly_and_samesite(server):
    c = Client(server.url)
    c.login("wjw", PASSWORD)
    cookie = next(h for h in c.set_cookie_headers if h.startswith("yaojian_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1
    page = c.get("/upload")
    assert "default-src 'self'" in page.header("content-security-policy")
    assert page.header("x-frame-options") == "DENY"
    # nothing on the page is fetched from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//', page.text)


def test_office_sees_status_exports_and_downloads_a_valid_rollup(server, books, project_m, tmp_path):
    from openpyxl import load_workbook

    from generator.validate import validate

    unit_client(server, "gaj").upload(books["good"], "五月.xlsx")
    unit_client(server, "wjw").upload(books["other"], "卫健委五月.xlsx")
    office = unit_client_office(server)
    status = office.get("/status?period=2022-05")
    assert status.status == 200
    assert "已报通过" in status.text and "区市场监管局" in status.text and "逾期" in status.text
    csv = office.get("/status/late.csv")
    assert csv.status == 200 and csv.body.startswith("\ufeff".encode())
    assert "区市场监管局" in csv.body.decode("utf-8-sig")
    xlsx = office.get("/status/late.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.body))
    assert "区市场监管局" in [r[0] for r in wb.active.iter_rows(min_row=2, values_only=True)]
    page = office.get("/rollup?form=monthly-progress&period=2022-05")
    assert page.status == 200 and page.text.count("<svg") >= 3
    assert "全区累计案件数" in page.text
    r = office.get("/rollup/download?form=monthly-progress&period=2022-05")
    assert r.status == 200 and r.body[:2] == b"PK"
    out = tmp_path / "rollup.xlsx"
    out.write_bytes(r.body)
    report = validate(out, project=project_m)
    assert report.valid, [f.to_dict() for f in report.findings]
    assert report.document["header"]["unit"] == "永川区工作小组办公室"
    assert "区公安局·" in json.dumps(report.document["tables"]["major_cases"], ensure_ascii=False) or \
        not report.document["tables"]["major_cases"]
    # the office reads any unit's filings, but files none
    assert office.get("/filings?unit=1").status == 200
    assert office.get("/upload").status == 403


def unit_client_office(server) -> Client:
    c = Client(server.url)
    r = c.login("office", PASSWORD)
    assert r.status == 200 and r.url.startswith("/status"), (r.status, r.url)
    return c


# -- many at once, and a crash ------------------------------------------------------------------


def test_eight_clients_uploading_fifty_files_each_at_once_lose_nothing(tmp_path, project_m):
    from generator.service.ledger import Ledger

    db = str(tmp_path / "ledger.db")
    units = unit_books(project_m, 8, seed=5)
    for i, unit in enumerate(units):
        add_account(db, tmp_path / "files", f"u{i}", PASSWORD, unit=unit)
    srv = start_server(tmp_path, db=db)
    try:
        acknowledged: dict[str, list[int]] = {}
        problems: list[str] = []
        barrier = threading.Barrier(len(units))

        def client(i: int, unit: str) -> None:
            c = Client(srv.url)
            assert c.login(f"u{i}", PASSWORD).status == 200
            token = c.token("/upload")
            files = variants(units[unit], 50, unit)
            got = []
            barrier.wait()
            for n, data in enumerate(files):
                r = c.upload(data, f"{unit}-{n}.xlsx", token=token)
                sid = submission_id(r)
                if r.status != 200 or sid is None or "通过" not in r.text:
                    problems.append(f"{unit} #{n}: {r.status} {r.codes()}")
                else:
                    got.append(sid)
            acknowledged[unit] = got

        threads = [threading.Thread(target=client, args=(i, u)) for i, u in enumerate(units)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        assert not problems, problems[:5]
        assert sum(len(v) for v in acknowledged.values()) == 400
    finally:
        srv.stop()
    ledger = Ledger.open(db, tmp_path / "files")
    try:
        assert ledger.count() == 400
        stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file() and p.parent.name != "tmp"]
        assert len(stored) == 400
        assert ledger.check() == []
        for unit, ids in acknowledged.items():
            subs = [s for s in ledger.history() if s.unit == unit]
            assert sorted(s.version for s in subs) == list(range(1, 51))
            assert sorted(s.id for s in subs) == sorted(ids)
    finally:
        ledger.close()


def test_kill_9_during_uploads_loses_no_acknowledged_submission(tmp_path, project_m):
    import hashlib

    from generator.service.ledger import Ledger

    db = str(tmp_path / "ledger.db")
    units = unit_books(project_m, 4, seed=8)
    for i, unit in enumerate(units):
        add_account(db, tmp_path / "files", f"k{i}", PASSWORD, unit=unit)
    srv = start_server(tmp_path, db=db)
    acknowledged: list[tuple[int, str]] = []  # (submission id, sha256 of the bytes sent)
    lock = threading.Lock()
    stop = threading.Event()

    def client(i: int, unit: str) -> None:
        c = Client(srv.url, timeout=30)
        assert c.login(f"k{i}", PASSWORD).status == 200
        token = c.token("/upload")
        for data in variants(units[unit], 60, f"kill {unit}"):
            if stop.is_set():
                return
            try:
                r = c.upload(data, "月报.xlsx", token=token)
            except OSError:
                return  # the server is gone: this upload was never acknowledged
            sid = submission_id(r)
            if r.status == 200 and sid is not None:
                with lock:
                    acknowledged.append((sid, hashlib.sha256(data).hexdigest()))

    threads = [threading.Thread(target=client, args=(i, u)) for i, u in enumerate(units)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill9()  # mid-stream: other uploads are being received, validated or committed
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert len(acknowledged) >= 25

    ledger = Ledger.open(db, tmp_path / "files")
    try:
        assert ledger.check() == []  # PRAGMA integrity_check, and every row's file, hashed
        by_id = {s.id: s for s in ledger.history()}
        for sid, sha in acknowledged:
            assert sid in by_id, f"acknowledged submission {sid} lost"
            assert by_id[sid].sha256 == sha
        for unit in units:
            versions = sorted(s.version for s in by_id.values() if s.unit == unit)
            assert versions == list(range(1, len(versions) + 1))
        count = ledger.count()
    finally:
        ledger.close()
    # the service starts again on the same ledger and goes on numbering
    srv2 = start_server(tmp_path, db=db)
    try:
        c = Client(srv2.url)
        assert c.login("k0", PASSWORD).status == 200
        r = c.upload(variants(units["单位00"], 1, "after restart")[0], "重启后.xlsx")
        assert r.status == 200 and submission_id(r) is not None
    finally:
        srv2.stop()
    ledger = Ledger.open(db, tmp_path / "files")
    try:
        assert ledger.count() == count + 1
    finally:
        ledger.close()


def test_the_session_cookie_is_secure_when_served_over_https(tmp_path, project_m):
    """Behind an https proxy (waitress's trusted_proxy sets the scheme) the cookie is Secure."""
    from generator.validate.pool import Checker
    from generator.service.ledger import Ledger
    from generator.service.slots import load_schedule
    from generator.service.web import Service, create_app

    ledger = Ledger.open(tmp_path / "l.db", tmp_path / "files")
    try:
        app = create_app(Service(ledger, project_m, load_schedule(project_m), Checker(project_m.root, 0)))
        client = app.test_client()
        secure = client.get("/login", base_url="https://127.0.0.1")
        cookie = secure.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        plain = app.test_client().get("/login", base_url="http://127.0.0.1")
        assert "Secure" not in plain.headers["Set-Cookie"]
    finally:
        ledger.close()


def test_the_service_notes_a_wrong_unit_name_or_period_but_files_under_the_login(server, books, project_m):
    form = monthly_form(project_m)
    doc = random_document(form, "永川区公安局（错名）", "2022-05-31", random.Random(31))
    c = unit_client(server)
    # May's report filed as June's: its 填报日期 is before June began
    r = c.upload(workbook_bytes(project_m, form, doc), "名称不同.xlsx", period="2022-07")
    assert r.status == 200
    assert "unit-name-differs" in r.codes() and "report-date-outside-period" in r.codes()
    notes = r.text[r.text.index('id="service-notes"'):]
    assert "永川区公安局（错名）" in notes and "按「区公安局」记录" in notes
    assert "区公安局 · 第" in r.text


def test_the_service_runs_on_postgresql(tmp_path, books, postgres_cluster):
    url = postgres_cluster.create_database()
    add_account(url, tmp_path / "files", "gaj", PASSWORD, unit="区公安局")
    add_account(url, tmp_path / "files", "office", PASSWORD)
    srv = start_server(tmp_path, db=url)
    try:
        c = unit_client(srv)
        r = c.upload(books["bad"], "五月.xlsx")
        assert r.status == 200 and "total-mismatch" in r.codes()
        r = c.upload(books["good"], "五月（改）.xlsx")
        assert "通过" in r.text and "与第 1 版相比" in r.text
        office = unit_client_office(srv)
        assert "已报通过" in office.get("/status?period=2022-05").text
        assert office.get("/rollup/download?form=monthly-progress&period=2022-05").body[:2] == b"PK"
    finally:
        srv.stop()


def test_quarterly_reports_are_filed_without_a_previous_filing_check(server, project_m):
    from generator.forms.model import load_forms

    form = load_forms(project_m.forms)["quarterly-report"]
    rng = random.Random(41)
    q2 = random_document(form, "区公安局", "2022-06-18", rng)
    q3 = random_document(form, "区公安局（新名称）", "2022-09-18", rng)  # a name change is no error here
    c = unit_client(server)
    r = c.upload(workbook_bytes(project_m, form, q2), "二季度.xlsx", form="quarterly-report", period="2022-Q2")
    assert r.status == 200 and "通过" in r.text, r.codes()
    r = c.upload(workbook_bytes(project_m, form, q3), "三季度.xlsx", form="quarterly-report", period="2022-Q3")
    assert r.status == 200 and "previous-mismatch" not in r.codes() and "0 个错误" in r.text, r.codes()
