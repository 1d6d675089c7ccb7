"""A corpus of hostile and mangled files: each gets its own code, in a fresh process
limited to 500 MB of address space and 10 s, with no traceback.

Every file is generated here (zip bombs, entity bombs, a million cells, a thousand
sheets, real encryption, LibreOffice's .xls and .ods, renamed files, broken zips)."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from generator.xlsx import ReadError, read_workbook
from xlsx_corpus import NS, Member, bomb_member, minimal_parts, sheet_xml, sst_xml, zip_bytes

RUNNER = r"""
import json, resource, sys, time
limit = 500 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
t = time.perf_counter()
from generator.xlsx import read_workbook, ReadError
try:
    book = read_workbook(sys.argv[1])
    out = {"code": "ok", "sheets": len(book.sheets), "cells": sum(len(s.cells) for s in book.sheets)}
except ReadError as exc:
    out = {"code": exc.code, "params": {k: str(v) for k, v in exc.params.items()}}
out["seconds"] = time.perf_counter() - t
# VmHWM: this process's peak resident memory (ru_maxrss may carry the forking parent's).
with open("/proc/self/status") as f:
    out["peak_mb"] = next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
print(json.dumps(out, ensure_ascii=False))
"""

TIMEOUT = 10


def read_in_a_box(path: Path) -> dict:
    """Read one file in a fresh process: RLIMIT_AS 500 MB, 10 s."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(path)], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=REPO, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _xlsx(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _simple_parts(**kw) -> dict[str, bytes]:
    return minimal_parts([("表2", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>3</v></c></row>'))],
                         sst=sst_xml(["现场检查（件）"]), **kw)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
          + b']><sst xmlns="' + NS.encode() + b'"><si><t>&lol9;</t></si></sst>')


def _million_cells(prefixed: bool = False, rows: int = 50_000, cols: int = 20, distinct: bool = False) -> bytes:
    letters = [chr(65 + i) for i in range(cols)]
    c, v, row = ("x:c", "x:v", "x:row") if prefixed else ("c", "v", "row")
    body = "".join(f'<{row} r="{r}">' + "".join(f'<{c} r="{L}{r}"><{v}>{r * 100 + i if distinct else r}.5</{v}></{c}>'
                                                for i, L in enumerate(letters)) + f"</{row}>"
                   for r in range(1, rows + 1))
    if prefixed:
        return (f'<?xml version="1.0"?><x:worksheet xmlns:x="{NS}"><x:sheetData>{body}</x:sheetData></x:worksheet>').encode()
    return sheet_xml(body)


def _thousand_sheets() -> dict[str, bytes]:
    return minimal_parts([(f"表{i}", sheet_xml(f'<row r="1"><c r="A1"><v>{i}</v></c></row>')) for i in range(1, 1001)])


def _docx() -> bytes:
    parts = {
        "[Content_Types].xml": (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                                b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                                b'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                       b'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                             b'<w:body><w:p><w:r><w:t>\xe6\x9c\x88\xe6\x8a\xa5</w:t></w:r></w:p></w:body></w:document>',
    }
    return _xlsx(parts)


def _encrypted(src: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with open(src, "rb") as f:
        OOXMLFile(f).encrypt("1234", out)
    return out.getvalue()


def _xlsm(vba_only: bool) -> bytes:
    main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    parts = _simple_parts(main_ct=CT_MAIN if vba_only else main)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return _xlsx(parts)


CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

# name -> expected code ("ok" when the file must be read)
CASES = {
    "zip-bomb": "file-too-large",
    "zip-bomb-lying-header": ("unreadable-file", "file-too-large"),
    "zip-bomb-unused-part": "file-too-large",
    "entity-bomb": "unsafe-xml",
    "entity-bomb-utf16": "unsafe-xml",
    "external-entity": "unsafe-xml",
    "far-corner-value": "ok",
    "dimension-million-rows": "ok",
    "million-cells": "too-many-cells",
    "cells-near-the-limit": "ok",
    "million-cells-prefixed": "too-many-cells",
    "thousand-sheets": "too-many-sheets",
    "too-many-entries": "file-too-large",
    "encrypted": "encrypted-file",
    "xls": "legacy-format",
    "xls-renamed-et": "legacy-format",
    "xls-renamed-xlsx": "legacy-format",
    "xml-spreadsheet-2003": "legacy-format",
    "xlsm": "macro-enabled",
    "xlsm-vba-part-only": "macro-enabled",
    "csv-renamed-xlsx": "not-a-workbook",
    "csv-gbk-renamed-xlsx": "not-a-workbook",
    "html-renamed-xlsx": "not-a-workbook",
    "pdf-renamed-xlsx": "not-a-workbook",
    "docx-renamed-xlsx": "not-a-workbook",
    "random-bytes": "not-a-workbook",
    "truncated-zip": "unreadable-file",
    "duplicate-entry": "unreadable-file",
    "duplicate-entry-other-case": "unreadable-file",
    "bad-crc": "unreadable-file",
    "missing-workbook-part": "unreadable-file",
    "pk-then-garbage": "unreadable-file",
    "empty": "empty-file",
    "ods": "ods-format",
    "ods-truncated": "ods-format",
    "huge-file": "file-too-large",
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, lo_files) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files: dict[str, bytes] = {}
    simple = _simple_parts()
    members = [Member(n, b) for n, b in simple.items()]

    bomb = [m for m in members if m.name != "xl/worksheets/sheet1.xml"]
    files["zip-bomb"] = zip_bytes(bomb + [bomb_member("xl/worksheets/sheet1.xml")])
    files["zip-bomb-lying-header"] = zip_bytes(bomb + [bomb_member("xl/worksheets/sheet1.xml", declared_size=10 << 20)])
    files["zip-bomb-unused-part"] = zip_bytes(members + [bomb_member("xl/media/image1.png")])

    files["entity-bomb"] = _xlsx({**simple, "xl/sharedStrings.xml": LAUGHS})
    wb16 = simple["xl/workbook.xml"].decode().replace('encoding="UTF-8"?>', 'encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "aaaa">]>')
    files["entity-bomb-utf16"] = _xlsx({**simple, "xl/workbook.xml": wb16.encode("utf-16")})
    files["external-entity"] = _xlsx({**simple, "xl/worksheets/sheet1.xml": (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet xmlns="'
        + NS.encode() + b'"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')})

    files["far-corner-value"] = _xlsx(minimal_parts([("S", sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>9</v></c></row>'))]))
    files["dimension-million-rows"] = _xlsx(minimal_parts([("S", sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row>', head='<dimension ref="A1:XFD1048576"/>'))]))
    files["million-cells"] = _xlsx(minimal_parts([("S", _million_cells())]))
    files["cells-near-the-limit"] = _xlsx(minimal_parts([("S", _million_cells(rows=22_500, distinct=True))]))
    files["million-cells-prefixed"] = _xlsx(minimal_parts([("S", _million_cells(prefixed=True, rows=30_000))]))
    files["thousand-sheets"] = _xlsx(_thousand_sheets())
    files["too-many-entries"] = _xlsx({**simple, **{f"xl/media/pad{i}.bin": b"" for i in range(5000)}})

    files["encrypted"] = _encrypted(lo_files["openpyxl"])
    xls = lo_files["xls"].read_bytes()
    files["xls"] = xls
    files["xls-renamed-et"] = xls
    files["xls-renamed-xlsx"] = xls
    files["xml-spreadsheet-2003"] = (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="表2"><Table><Row><Cell><Data ss:Type="Number">1</Data></Cell></Row></Table></Worksheet></Workbook>').encode()
    files["xlsm"] = _xlsm(vba_only=False)
    files["xlsm-vba-part-only"] = _xlsm(vba_only=True)
    files["csv-renamed-xlsx"] = "项目,生产,经营,使用\r\n现场检查（件）,3,5,/\r\n立案（件）,0,2,1\r\n".encode("utf-8-sig")
    files["csv-gbk-renamed-xlsx"] = "项目,生产,经营\r\n现场检查（件）,3,5\r\n".encode("gbk")
    files["html-renamed-xlsx"] = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:'
                                  'office:excel"><head><meta charset="utf-8"></head><body><table><tr><td>现场检查</td><td>3</td>'
                                  '</tr></table></body></html>').encode()
    files["pdf-renamed-xlsx"] = lo_files["pdf"].read_bytes()
    files["docx-renamed-xlsx"] = _docx()
    files["random-bytes"] = random.Random(6).randbytes(50_000)
    good = _xlsx(simple)
    files["truncated-zip"] = good[: len(good) // 2]
    dup = io.BytesIO()
    with zipfile.ZipFile(dup, "w") as z:
        for n, b in simple.items():
            z.writestr(n, b)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml('<row r="1"><c r="A1"><v>666</v></c></row>'))
    files["duplicate-entry"] = dup.getvalue()
    files["duplicate-entry-other-case"] = zip_bytes(members + [Member("XL/Worksheets/Sheet1.xml", b"<x/>")])
    crc = [Member(m.name, raw=m.raw, crc=m.crc, size=m.size) for m in members]
    target = next(m for m in crc if m.name == "xl/worksheets/sheet1.xml")
    target.declared_crc ^= 0xFFFF
    files["bad-crc"] = zip_bytes(crc)
    files["missing-workbook-part"] = _xlsx({k: v for k, v in simple.items() if k != "xl/workbook.xml"})
    files["pk-then-garbage"] = b"PK\x03\x04" + random.Random(7).randbytes(4000)
    files["empty"] = b""
    ods = lo_files["ods"].read_bytes()
    files["ods"] = ods
    files["ods-truncated"] = ods[: len(ods) // 3]
    files["huge-file"] = b"PK\x03\x04" + b"\x00" * (21 << 20)

    out = {}
    for name, data in files.items():
        ext = ".et" if name.endswith("-et") else ".xls" if name == "xls" else ".ods" if name == "ods" else ".xlsx"
        path = d / f"{name}{ext}"
        path.write_bytes(data)
        out[name] = path
    assert set(out) == set(CASES)
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gets_its_code_within_bounds(corpus, name):
    result = read_in_a_box(corpus[name])
    expected = CASES[name]
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert result["code"] in expected, result
    assert result["seconds"] < TIMEOUT


def test_million_cells_fail_fast(corpus):
    result = read_in_a_box(corpus["million-cells"])
    assert result["code"] == "too-many-cells"
    assert result["seconds"] < 3 and result["peak_mb"] < 250, result


def test_cells_near_the_limit_fit_the_box(corpus):
    """450,000 distinct numbers (the limit is 500,000): read, in bounded memory."""
    result = read_in_a_box(corpus["cells-near-the-limit"])
    assert result["code"] == "ok" and result["cells"] == 450_000
    assert result["peak_mb"] < 300, result


def test_far_corner_is_a_sparse_cell(corpus):
    book = read_workbook(corpus["far-corner-value"])
    assert book.sheets[0].cells[(1048576, 16384)].text == "9" and len(book.sheets[0].cells) == 2
    book = read_workbook(corpus["dimension-million-rows"])
    assert book.sheets[0].dimension == "A1:XFD1048576" and book.sheets[0].extent_ref == "A1:A1"


def test_codes_are_in_the_catalogue():
    from generator.findings import catalogue

    codes = {c for v in CASES.values() for c in (v if isinstance(v, tuple) else (v,))} - {"ok"}
    file_codes = {k for k, kind in catalogue().items() if kind.area == "file"}
    assert codes <= file_codes
    assert file_codes <= codes, "every file-area code has a hostile case"


def test_mutated_files_never_raise_anything_else(lo_files):
    """Random damage to real workbooks: only ReadError or a workbook, never another exception."""
    rng = random.Random(2024)
    for who in ("openpyxl", "libreoffice"):
        data = lo_files[who].read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        for i in range(150):
            if i % 2:  # damage the zip bytes
                b = bytearray(data)
                for _ in range(rng.randint(1, 8)):
                    b[rng.randrange(len(b))] = rng.randrange(256)
                mutated = bytes(b)
            else:  # damage one XML part, re-zipped (so the zip itself is sound)
                name = rng.choice([n for n in parts if n.endswith((".xml", ".rels"))])
                b = bytearray(parts[name])
                for _ in range(rng.randint(1, 6)):
                    pos = rng.randrange(len(b))
                    op = rng.randrange(3)
                    if op == 0:
                        b[pos] = rng.choice(b'<>&"/=x0 9:')
                    elif op == 1:
                        del b[pos:pos + rng.randint(1, 40)]
                    else:
                        b[pos:pos] = rng.choice([b"<c>", b"</row>", b'<c r="A0">', b"&#0;", b"<v>", b"]]>", b"<x:c>"])
                mutated = _xlsx({**parts, name: bytes(b)})
            try:
                read_workbook(mutated)
            except ReadError:
                pass
