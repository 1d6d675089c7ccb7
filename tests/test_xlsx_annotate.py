"""annotate(): a marked copy of a filed workbook — fills and notes on the bad cells,
everything else byte for byte, the original untouched — that openpyxl and LibreOffice
both open."""

from __future__ import annotations

import hashlib
from copy import copy
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from generator.xlsx import ReadError, read_workbook
from generator.xlsx.annotate import FILLS, MarkError, annotate
from xlsx_corpus import lo_convert_many, minimal_parts, sheet_xml, write_parts

SHEET = "表2 药品"
HOSTILE = '=HYPERLINK("http://evil.example/","点我") <script>alert(1)</script> ]]> \x01\x07\x1b 完'
MARKS = [
    (SHEET, "E4", "error", "合计应为各环节之和 8，填写为 5"),  # a formula cell
    (SHEET, "E4", "warning", "同一单元格的第二条"),
    (SHEET, "C5", "warning", "数字以文本形式保存"),  # a number typed as text
    (SHEET, "E2", "error", "填报日期不在行动期间内"),  # a date: its number format must stay
    (SHEET, "F6", "error", "此格原本不存在"),  # a missing cell in an existing row
    (SHEET, "B13", "error", HOSTILE),  # a missing row, after the last
    (SHEET, "C8", "warning", "-1 以减号开头"),  # a missing row between rows
    (SHEET, "A8", "warning", "@提及 +加号"),
]
EXPECTED_CHANGED = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_note(path: Path) -> Path:
    """The sample with a note of its own (openpyxl writes comments and a VML drawing)."""
    from openpyxl.comments import Comment

    wb = openpyxl.load_workbook(path)
    wb[SHEET]["A1"].comment = Comment("填表人的批注", "张三")
    wb[SHEET]["B4"].comment = Comment("已核对", "张三")
    out = path.with_name("with-note.xlsx")
    wb.save(out)
    return out


@pytest.fixture(scope="session")
def marked(tmp_path_factory, lo_files) -> dict[str, tuple[Path, Path, str]]:
    """name -> (source, annotated copy, source hash before annotating); plus
    LibreOffice's PDF and re-saved xlsx of every annotated copy."""
    d = tmp_path_factory.mktemp("annotate")
    sources = {"openpyxl": lo_files["openpyxl"], "libreoffice": lo_files["libreoffice"]}
    sources["with-note"] = _with_note(shutil.copy(lo_files["openpyxl"], d / "src.xlsx") and d / "src.xlsx")
    out = {}
    for name, src in sources.items():
        before = _sha(src)
        dest = d / f"{name}-marked.xlsx"
        annotate(src, dest, MARKS)
        out[name] = (src, dest, before)
    again = d / "twice-marked.xlsx"
    annotate(out["openpyxl"][1], again, [(SHEET, "E4", "error", "第二次校验"), (SHEET, "D4", "warning", "再标一处")])
    out["twice"] = (out["openpyxl"][1], again, _sha(out["openpyxl"][1]))
    dests = [v[1] for v in out.values()]
    lo_convert_many([(dests, "pdf", d / "pdf"), (dests, "xlsx", d / "lo")])
    return out


NAMES = ["openpyxl", "libreoffice", "with-note"]


@pytest.mark.parametrize("name", NAMES)
def test_original_untouched(marked, name):
    src, _dest, before = marked[name]
    assert _sha(src) == before


@pytest.mark.parametrize("name", NAMES)
def test_fills_and_notes_in_openpyxl(marked, name):
    src, dest, _ = marked[name]
    ws = openpyxl.load_workbook(dest)[SHEET]
    orig = openpyxl.load_workbook(src)[SHEET]
    assert ws["E4"].fill.fgColor.rgb == FILLS["error"]  # the worst of its two marks
    assert "合计应为各环节之和 8" in ws["E4"].comment.text and "同一单元格的第二条" in ws["E4"].comment.text
    assert ws["C5"].fill.fgColor.rgb == FILLS["warning"]
    for ref in ("F6", "B13", "E2"):
        assert ws[ref].fill.fgColor.rgb == FILLS["error"], ref
        assert ws[ref].comment is not None, ref
    assert ws["C8"].fill.fgColor.rgb == FILLS["warning"] and "-1 以减号开头" in ws["C8"].comment.text
    # the cloned styles keep number formats, fonts, borders, alignment
    for ref in ("E2", "E4", "C5"):
        assert ws[ref].number_format == orig[ref].number_format, ref
        assert copy(ws[ref].font) == copy(orig[ref].font) and copy(ws[ref].border) == copy(orig[ref].border)
        assert copy(ws[ref].alignment) == copy(orig[ref].alignment)
    assert ws["E4"].font.b and ws["E2"].border.left.style == "thin" and ws["C5"].alignment.horizontal == "right"
    assert ws["E2"].is_date
    # unmarked cells keep their look
    assert copy(ws["B4"].fill) == copy(orig["B4"].fill)
    assert read_workbook(src).sheets[0].cells[(4, 2)].style == read_workbook(dest).sheets[0].cells[(4, 2)].style
    if name == "with-note":
        assert ws["A1"].comment.text == "填表人的批注" and ws["B4"].comment.text == "已核对"


@pytest.mark.parametrize("name", NAMES + ["twice"])
def test_values_unchanged_and_nothing_becomes_a_formula(marked, name):
    src, dest, _ = marked[name]
    a, b = read_workbook(src), read_workbook(dest)
    for sa, sb in zip(a.sheets, b.sheets):
        assert {k: (c.kind, c.text, c.formula) for k, c in sa.cells.items()} == \
               {k: (c.kind, c.text, c.formula) for k, c in sb.cells.items()}
    ws = openpyxl.load_workbook(dest)[SHEET]
    assert ws["B13"].value is None and ws["C8"].value is None and ws["A8"].value is None


@pytest.mark.parametrize("name", NAMES)
def test_untouched_parts_are_byte_identical(marked, name):
    src, dest, _ = marked[name]
    with zipfile.ZipFile(src) as za, zipfile.ZipFile(dest) as zb:
        names_a = za.namelist()
        changed = {n for n in names_a if za.read(n) != zb.read(n)}
        raw_a = {i.filename: _raw(src, i) for i in za.infolist()}
        raw_b = {i.filename: _raw(dest, i) for i in zb.infolist()}
        added = set(zb.namelist()) - set(names_a)
    expected = set(EXPECTED_CHANGED)
    if name == "with-note":  # the note parts exist already: appended to
        expected |= {"xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml"}
        expected -= {"[Content_Types].xml"}  # nothing new to declare
        assert not added
    else:
        assert {n.split("/")[-1] for n in added} == {"comments1.xml", "sheet1.xml.rels", "vmlDrawing1.vml"}
    assert changed == expected
    for n in names_a:
        if n not in changed:
            assert raw_a[n] == raw_b[n], n  # the compressed bytes themselves


def _raw(path: Path, info: zipfile.ZipInfo) -> bytes:
    data = path.read_bytes()
    off = info.header_offset
    nlen, xlen = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + nlen + xlen
    return data[start:start + info.compress_size]


def test_second_annotation_appends(marked):
    _src, dest, _ = marked["twice"]
    ws = openpyxl.load_workbook(dest)[SHEET]
    assert "合计应为各环节之和 8" in ws["E4"].comment.text and "第二次校验" in ws["E4"].comment.text
    assert ws["D4"].fill.fgColor.rgb == FILLS["warning"] and "再标一处" in ws["D4"].comment.text
    assert ws["C5"].comment is not None
    with zipfile.ZipFile(dest) as z:
        assert sum(n.endswith(".vml") for n in z.namelist()) == 1
        assert sum("comments" in n for n in z.namelist()) == 1


def test_hostile_text_is_escaped(marked):
    _src, dest, _ = marked["openpyxl"]
    with zipfile.ZipFile(dest) as z:
        comments = z.read("xl/comments1.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<script>" not in comments and "&lt;script&gt;" in comments
    assert "\x01" not in comments and "\x1b" not in comments
    assert "HYPERLINK" not in sheet  # only styles and refs go into the sheet
    note = openpyxl.load_workbook(dest)[SHEET]["B13"].comment.text
    assert '=HYPERLINK("http://evil.example/","点我") <script>alert(1)</script> ]]>' in note and note.endswith("完")


@pytest.mark.parametrize("name", NAMES + ["twice"])
def test_libreoffice_renders_and_round_trips(marked, name):
    _src, dest, _ = marked[name]
    pdf = dest.parent / "pdf" / (dest.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "现场检查" in text
    resaved = dest.parent / "lo" / dest.name
    ws = openpyxl.load_workbook(resaved)[SHEET]
    assert ws["E4"].comment is not None and "合计应为" in ws["E4"].comment.text
    assert ws["E4"].fill.fgColor.rgb.upper().endswith(FILLS["error"][2:])


def test_positional_cells_and_self_closing_rows(tmp_path):
    xml = sheet_xml('<row r="2"/><row r="3"><c t="inlineStr"><is><t>甲</t></is></c><c><v>5</v></c></row><row><c><v>7</v></c></row>')
    src = write_parts(tmp_path / "pos.xlsx", minimal_parts([("S", xml)]))
    dest = tmp_path / "pos-marked.xlsx"
    annotate(src, dest, [("S", "C3", "error", "插在位置单元格之后"), ("S", "A2", "warning", "空行"), ("S", "B4", "error", "新")])
    before, after = read_workbook(src).sheets[0].cells, read_workbook(dest).sheets[0].cells
    assert {k: c.text for k, c in before.items()} == {k: c.text for k, c in after.items()} == {(3, 1): "甲", (3, 2): "5", (4, 1): "7"}
    ws = openpyxl.load_workbook(dest)["S"]
    assert ws["C3"].comment and ws["A2"].comment and ws["B4"].comment
    assert ws["C3"].fill.fgColor.rgb == FILLS["error"]


def test_refusals(tmp_path, lo_files):
    src = lo_files["openpyxl"]
    with pytest.raises(ValueError):
        annotate(src, src, [(SHEET, "A1", "error", "x")])
    with pytest.raises(ValueError):
        annotate(src, tmp_path / "a.xlsx", [("没有这张表", "A1", "error", "x")])
    with pytest.raises(ValueError):
        annotate(src, tmp_path / "a.xlsx", [(SHEET, "XFE1", "error", "x")])
    with pytest.raises(ValueError):
        annotate(src, tmp_path / "a.xlsx", [(SHEET, "A1", "fatal", "x")])
    with pytest.raises(ReadError) as e:
        annotate(lo_files["xls"], tmp_path / "a.xlsx", [(SHEET, "A1", "error", "x")])
    assert e.value.code == "legacy-format"
    annotate(src, tmp_path / "same.xlsx", [])
    assert (tmp_path / "same.xlsx").read_bytes() == src.read_bytes()


def test_mutated_files_never_raise_anything_else(tmp_path, lo_files):
    """Damaged parts: annotate writes a copy or raises ReadError, never another exception."""
    import io
    import random

    rng = random.Random(66)
    data = lo_files["libreoffice"].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    targets = [n for n in parts if n.endswith((".xml", ".rels"))]
    for i in range(80):
        name = rng.choice(targets)
        b = bytearray(parts[name])
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(b))
            if rng.random() < 0.5:
                del b[pos:pos + rng.randint(1, 30)]
            else:
                b[pos:pos] = rng.choice([b"<c>", b"</row>", b'<row r="0">', b"<x:c/>", b"&#0;", b"<cellXfs/>", b"]]>"])
        src = tmp_path / f"m{i}.xlsx"
        with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
            for n, content in {**parts, name: bytes(b)}.items():
                z.writestr(n, content)
        try:
            annotate(src, tmp_path / f"o{i}.xlsx", [(SHEET, "E4", "error", "x"), (SHEET, "Q30", "warning", "y")])
        except ReadError:
            pass
        except MarkError as exc:  # only for a sheet the damage removed
            assert "no worksheet" in str(exc)
