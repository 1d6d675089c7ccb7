"""The upload service and prose reports as Word documents, on a real `yaojian serve`:
下载本期报告草稿 from the unit's latest accepted monthly filing, a filled draft filed as
.docx and checked like a workbook, a changed drafted figure warned about, and the
commented copy of a filed document."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from docx_support import clerk_fill, complete_sections
from service_client import Client, submission_id
from service_fixtures import REPO, add_account, start_server
from service_support import monthly_form, random_document, workbook_bytes

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from generator.project import Project

    tmp = tmp_path_factory.mktemp("serve-docx")
    db = str(tmp / "ledger.db")
    add_account(db, tmp / "files", "gaj", PASSWORD, unit="区公安局")
    add_account(db, tmp / "files", "wjw", PASSWORD, unit="区卫生健康委员会")
    add_account(db, tmp / "files", "scj", PASSWORD, unit="区市场监管局")
    srv = start_server(tmp, "--workers", "1", db=db)
    project = Project(REPO)
    form = monthly_form(project)
    monthly = random_document(form, "区公安局", "2022-05-31", random.Random(15))
    yield srv, project, monthly, workbook_bytes(project, form, monthly), tmp
    srv.stop()


def _client(srv, username="gaj") -> Client:
    c = Client(srv.url)
    assert c.login(username, PASSWORD).status == 200
    return c


def test_a_draft_from_the_monthly_filing_filed_as_a_word_document(served, content):
    from generator.forms.model import load_forms

    srv, project, monthly, monthly_bytes, tmp = served
    c = _client(srv)
    assert c.upload(monthly_bytes, "五月月报.xlsx").status == 200
    page = c.get("/upload?form=quarterly-report")
    assert "下载本期报告草稿" in page.text and ".docx" in page.text
    assert "下载本期报告草稿" not in c.get("/upload?form=monthly-progress").text
    draft = c.get("/drafts/quarterly-report")
    assert draft.status == 200 and draft.body[:2] == b"PK", draft.text[:300]
    assert "wordprocessingml" in draft.header("content-type")
    path = tmp / "draft.docx"
    path.write_bytes(draft.body)
    from generator.docx import read_document

    text = "\n".join(p.text for p in read_document(path).paragraphs)
    police = sum(int(v) for k, v in monthly["tables"]["drug"]["rows"]["police_clues"].items()
                 if k != "total" and v != "/")
    assert f"药品通报公安机关线索数 {police}件" in text and "请核对" in text and "区公安局" in text

    form = load_forms(project.forms)["quarterly-report"]
    sections = {k: v for k, v in complete_sections(form).items() if k not in ("referrals", "case_handling")}
    filled = clerk_fill(path, tmp / "二季度.docx", form, content, header={"report_date": "2022-06-18"},
                        sections=sections)
    r = c.upload(filled.read_bytes(), "二季度.docx", form="quarterly-report", period="2022-Q2")
    assert r.status == 200 and "通过" in r.text and "0 个错误" in r.text, r.codes()

    changed = clerk_fill(path, tmp / "二季度改.docx", form, content, header={"report_date": "2022-06-19"},
                         sections=sections, ops=[{"replace": [f"药品通报公安机关线索数 {police}件",
                                                              f"药品通报公安机关线索数 {police + 7}件"]}])
    r = c.upload(changed.read_bytes(), "二季度改.docx", form="quarterly-report", period="2022-Q2")
    assert r.status == 200 and "draft-figure-changed" in r.codes(), r.codes()
    assert f"写为 {police + 7}" in r.text and f"为 {police}" in r.text


def test_a_filed_document_with_findings_gets_a_commented_copy(served):
    srv, _project, _m, _b, tmp = served
    c = _client(srv)
    blank = c.get("/drafts/summary-report")
    assert blank.status == 200
    r = c.upload(blank.body, "总结.docx", form="summary-report", period=_summary_period(c))
    sid = submission_id(r)
    assert r.status == 200 and sid and "hint-text-left" in r.codes(), (r.status, r.codes())
    page = c.get(f"/filings/{sid}")
    assert "下载批注版文档" in page.text and "<h3>正文</h3>" in page.text and "<th>单元格</th>" not in page.text
    marked = c.get(f"/filings/{sid}/annotated")
    assert marked.status == 200 and ".docx" in marked.header("content-disposition")
    comments = zipfile.ZipFile(io.BytesIO(marked.body)).read("word/comments.xml").decode("utf-8")
    assert "仍是模板的灰色提示文字" in comments
    original = c.get(f"/filings/{sid}/file")
    assert original.body == blank.body and "wordprocessingml" in original.header("content-type")


def _summary_period(c: Client) -> str:
    import re

    page = c.get("/upload?form=summary-report").text
    return re.search(r'<option value="([^"]+)"', page).group(1)


def _police(doc) -> int:
    return sum(int(v) for k, v in doc["tables"]["drug"]["rows"]["police_clues"].items() if k != "total" and v != "/")


def test_a_quarterly_draft_says_what_changed_since_the_quarter_before(served):
    from generator.docx import read_document

    srv, project, _m, _b, tmp = served
    form = monthly_form(project)
    rng = random.Random(16)
    june = random_document(form, "区市场监管局", "2022-06-30", rng)
    july = random_document(form, "区市场监管局", "2022-07-31", rng, previous=june)
    c = _client(srv, "scj")
    for doc, period in ((june, "2022-06"), (july, "2022-07")):
        r = c.upload(workbook_bytes(project, form, doc), f"{period}.xlsx", period=period)
        assert r.status == 200 and "通过" in r.text, r.codes()
    draft = c.get("/drafts/quarterly-report")
    path = tmp / "q3.docx"
    path.write_bytes(draft.body)
    text = "\n".join(p.text for p in read_document(path).paragraphs)
    grew = _police(july) - _police(june)
    assert f"较2022年6月30日（上一季度末）：药品通报公安机关线索数{'增加' if grew >= 0 else '减少'} {abs(grew)}件" in text
    assert f"药品通报公安机关线索数 {_police(july)}件" in text
    summary = c.get("/drafts/summary-report")  # a summary report covers the campaign: no quarter change
    path.write_bytes(summary.body)
    assert "上一季度末" not in "\n".join(p.text for p in read_document(path).paragraphs)


def test_no_draft_without_an_accepted_monthly_filing(served):
    srv = served[0]
    c = _client(srv, "wjw")
    r = c.get("/drafts/quarterly-report")
    assert r.status == 404 and "还没有通过校验的月报" in r.text
    assert c.get("/drafts/monthly-progress").status == 404
