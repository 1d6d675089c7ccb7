"""Hostile Word files at the command line: each in a fresh process under the same 500 MB
address-space and 10 s limits as the workbook corpus (tests/test_validate_hostile.py)
gets exit 2, one JSON report with valid: false and a single finding of the catalogue,
and no traceback.  Decided by content: every file here is named .docx."""

from __future__ import annotations

import json
import zipfile

import pytest

from test_validate_hostile import MEMORY_LIMIT, TIME_LIMIT, _peak, run_boxed
from test_xlsx_hostile import LAUGHS
from xlsx_corpus import SOFFICE, Member, bomb_member, lo_convert, zip_bytes

CASES = {
    "zip-bomb": "file-too-large",
    "entity-bomb": "unsafe-xml",
    "macro-enabled": "macro-enabled-document",
    "doc-renamed": "legacy-document",
    "ten-thousand-paragraphs": "file-too-large",
    "wps-renamed": "legacy-document",
    "not-a-zip": "unreadable-file",
}


def _members(template: bytes, replace: dict[str, bytes | Member], add: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(__import__("io").BytesIO(template))
    out = []
    for name in src.namelist():
        data = replace.get(name, src.read(name))
        out.append(data if isinstance(data, Member) else Member(name, data))
    out += [Member(n, d) for n, d in (add or {}).items()]
    return zip_bytes(out)


@pytest.fixture(scope="session")
def docx_corpus(tmp_path_factory, project, content):
    from docx import Document

    from generator.forms.document import write_documents

    base = tmp_path_factory.mktemp("docx-hostile")
    template = next(p for p in write_documents(project, base / "blank", content) if p.stem == "quarterly-report")
    raw = template.read_bytes()
    files = {}

    def put(name: str, data: bytes):
        files[name] = base / f"{name}.docx"
        files[name].write_bytes(data)

    put("zip-bomb", _members(raw, {"word/document.xml": bomb_member("word/document.xml", 1.0)}))
    put("entity-bomb", _members(raw, {"word/document.xml": LAUGHS.replace(b"<sst", b"<w:document").replace(b"</sst>", b"</w:document>")}))
    types = zipfile.ZipFile(template).read("[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    put("macro-enabled", _members(raw, {"[Content_Types].xml": types}, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64}))
    doc = Document()
    for i in range(10_000):
        doc.add_paragraph(f"第 {i} 段")
    doc.save(str(base / "big.docx"))
    put("ten-thousand-paragraphs", (base / "big.docx").read_bytes())
    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-test-deps.sh installs it"
    (legacy,) = lo_convert([template], "doc:MS Word 97", base / "doc", timeout=300)
    put("doc-renamed", legacy.read_bytes())
    # WPS 文字 .wps files are OLE compound files with a WordDocument stream, like a .doc.
    put("wps-renamed", legacy.read_bytes())
    put("not-a-zip", b"PK\x03\x04" + b"\x00" * 200)
    return files


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_docx_gets_one_finding_within_bounds(docx_corpus, name):
    proc, seconds = run_boxed(str(docx_corpus[name]), "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    (report,) = json.loads(proc.stdout)
    assert report["valid"] is False and len(report["findings"]) == 1, report
    (finding,) = report["findings"]
    assert finding["code"] == CASES[name], finding
    assert finding["message"] and "{" not in finding["message"]
    assert seconds < TIME_LIMIT and _peak(proc.stderr) < MEMORY_LIMIT / 1048576


def test_the_library_never_raises_on_damaged_documents(docx_corpus, project):
    """Random damage to a real filed document: a report, never an exception."""
    import random

    from generator.validate import validate

    rng = random.Random(15)
    data = bytearray(docx_corpus["macro-enabled"].with_name("blank").joinpath("quarterly-report.docx").read_bytes())
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        report = validate(bytes(damaged), project=project, name="损坏.docx")
        assert report.findings or report.valid
