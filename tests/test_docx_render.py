"""The Word templates, a draft and a filled report, as LibreOffice Writer (the stand-in for
Word and WPS 文字) renders them: one headless run converts them all to PDF; every page is
kept as a PNG under test-artifacts/docx/ to look at.  Also the layout the template asks
for (A4, faces, sizes, 28 pt lines), its properties, `yaojian forms` and the form pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO, run_cli
from docx_support import clerk_fill, complete_sections
from generator.content import squash
from validate_support import complete_values, filed_workbook

ARTIFACTS = REPO / "test-artifacts" / "docx"
PROSE = ("quarterly-report", "summary-report")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, project, content):
    from generator.forms.model import load_forms
    from xlsx_corpus import SOFFICE, lo_convert

    assert SOFFICE, "LibreOffice Writer is needed: bash scripts/install-test-deps.sh"
    base = tmp_path_factory.mktemp("docx-render")
    forms = load_forms(project.forms)
    monthly = filed_workbook(forms["monthly-progress"], base / "monthly.xlsx", complete_values(forms["monthly-progress"]))
    proc = run_cli("forms", "--out", str(base / "out"), "--prefill", str(monthly))
    assert proc.returncode == 0, proc.stderr
    out = base / "out"
    docs = {p.stem: p for p in out.glob("*.docx")}
    q = forms["quarterly-report"]
    docs["filled"] = clerk_fill(docs["quarterly-report"], base / "filled.docx", q, content,
                                header={"unit": "永川区市场监督管理局", "report_date": "2022-06-20"},
                                sections=complete_sections(q))
    pdfs = lo_convert(list(docs.values()), "pdf", base / "pdf", timeout=300)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    pngs: dict[str, list[Path]] = {}
    for name, pdf in zip(docs, pdfs):
        target = ARTIFACTS / name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, target / pdf.name)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(target / "page")], check=True, timeout=120)
        pngs[name] = sorted(target.glob("page*.png"))
    return SimpleNamespace(docs=docs, pdf=dict(zip(docs, pdfs)), pngs=pngs, forms=forms, out=out)


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def bare(text: str) -> str:
    """Text as compared with a PDF's: no spaces, no quotation marks (pdftotext moves
    full-width quotes that the line layout compresses)."""
    return re.sub("[“”‘’\"']", "", re.sub(r"—\d+—", "", squash(text)))  # page numbers out


def _pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), re.search(r"Page size:\s+(.*)", info).group(1)


@pytest.mark.parametrize("form_id", PROSE)
def test_template_renders_every_heading_and_hint_on_a4(rendered, content, form_id):
    from generator.forms.document import heading_text
    from generator.forms.texts import Texts

    form = rendered.forms[form_id]
    texts = Texts(content)
    text = bare(_text(rendered.pdf[form_id]))
    assert bare(form.title) in text and "填报单位" in text and "填报日期" in text
    for table in form.tables:
        for s in table.all_sections():
            assert bare(heading_text(texts, s)) in text, s.id
            for line in texts.guidance(s.clause).splitlines():
                assert bare(line) in text, (s.id, line)
    pages, size = _pages(rendered.pdf[form_id])
    assert pages >= 2 and "595" in size and "841" in size  # A4 in points
    assert all(p.stat().st_size > 5000 for p in rendered.pngs[form_id])
    raw = squash(_text(rendered.pdf[form_id]))
    assert "—1—" in raw and f"—{pages}—" in raw and "{" not in raw  # page numbers; no unrendered template


def test_template_layout_and_properties(rendered):
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from generator.docx import read_document

    for form_id in PROSE:
        form = rendered.forms[form_id]
        doc = Document(str(rendered.docs[form_id]))
        sec = doc.sections[0]
        assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
        assert (round(sec.top_margin.mm), round(sec.left_margin.mm)) == (37, 28)
        normal = doc.styles["Normal"]
        assert normal.font.size == Pt(16)
        assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
        assert normal.paragraph_format.line_spacing == Pt(28)
        assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert doc.styles["Title"].font.size == Pt(22)
        assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
        assert doc.styles["填写提示"].font.color.rgb is not None
        assert doc.core_properties.title == form.title and form.id in doc.core_properties.subject
        read = read_document(rendered.docs[form_id])
        assert read.custom_properties == {"表单编号": form.id, "模板版本": form.version}


def test_forms_writes_a_docx_beside_the_xlsx_of_each_prose_form(rendered):
    names = sorted(p.name for p in rendered.out.iterdir())
    assert names == ["monthly-progress.xlsx", "quarterly-report.docx", "quarterly-report.xlsx",
                     "quarterly-report.草稿.docx", "summary-report.docx", "summary-report.xlsx",
                     "summary-report.草稿.docx"]


def test_draft_renders_figures_tables_and_one_annex_per_case(rendered, project):
    from generator.forms.model import load_forms
    from generator.validate import validate

    text = squash(_text(rendered.pdf["quarterly-report.草稿"]))
    assert "请核对" in text and "药品通报公安机关线索数" in text and "产品类别" in text
    monthly = validate(Path(rendered.out.parent / "monthly.xlsx"), project=project)
    cases = monthly.document["tables"]["major_cases"]
    assert cases and all(squash(c["name"]) in text for c in cases)
    assert text.count("大案要案一案一报") == len(cases)
    assert len(rendered.pngs["quarterly-report.草稿"]) >= 2 + len(cases)  # each annex on its own page
    del load_forms


def test_filled_report_renders_the_typed_text_in_place_of_the_hints(rendered, content):
    from generator.forms.texts import Texts

    form = rendered.forms["quarterly-report"]
    text = bare(_text(rendered.pdf["filled"]))
    assert "永川区市场监督管理局" in text
    for s in form.table("report").all_sections():
        if s.fillable:
            assert bare(Texts(content).guidance(s.clause)) not in text
            assert bare(f"本单位{s.id}工作按计划推进") in text


def test_prefill_with_a_report_instead_of_a_monthly_filing_is_refused(rendered, tmp_path):
    proc = run_cli("forms", "--out", str(tmp_path / "x"), "--prefill", str(rendered.docs["quarterly-report"]))
    assert proc.returncode == 2 and "要据本单位的月报生成" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


def test_form_pages_offer_the_word_template_and_the_workbook(project, content):
    from generator.site.forms import pages, write_workbooks

    made = {p.path: p.markdown for p in pages(project, content)}
    for form_id in PROSE:
        assert f"(/downloads/{form_id}.docx)" in made[f"forms/{form_id}.md"]
        assert f"(/downloads/{form_id}.xlsx)" in made[f"forms/{form_id}.md"]
        assert f"(/downloads/{form_id}.docx)" in made["forms/index.md"]
    assert "monthly-progress.docx" not in made["forms/index.md"] + made["forms/monthly-progress.md"]
    assert "灰色提示文字" in made["forms/quarterly-report.md"] and "无更新" in made["forms/quarterly-report.md"]
    assert "无更新" not in made["forms/summary-report.md"].split("## 下载与填写")[1].split("!!!")[0]
    del write_workbooks
