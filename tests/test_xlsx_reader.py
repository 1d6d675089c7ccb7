"""The xlsx reader on real workbooks: openpyxl's and the same re-saved by LibreOffice,
and hand-written XML in the shapes other writers use (prefixes, Strict, rich text…)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.xlsx import Limits, ReadError, read_workbook, sniff
from generator.xlsx.package import Package
from generator.xlsx.sheetxml import shared_strings, worksheet
from generator.xlsx.styles import is_date_format
from xlsx_corpus import NS, SAMPLE_TEXTS, minimal_parts, sheet_xml, sst_xml, write_parts


@pytest.fixture(params=["openpyxl", "libreoffice"])
def filed(request, lo_files) -> tuple[str, Path]:
    return request.param, lo_files[request.param]


def test_sniffs_both_as_xlsx(filed):
    _who, path = filed
    assert sniff(path.read_bytes()) == "xlsx"


def test_values_survive_the_round_trip(filed):
    who, path = filed
    book = read_workbook(path)
    assert book.sheet_names == ["表2 药品", "说明"]
    assert [s.state for s in book.sheets] == ["visible", "hidden"]
    cells = book.sheets[0].cells
    for key, text in SAMPLE_TEXTS.items():
        assert key in cells, key
        got = cells[key].text
        if cells[key].kind == "n":
            assert Decimal(got) == Decimal(text), (key, got)
        else:
            assert got == text, (key, got)
    # numbers typed as text stay text, with their exact spelling
    assert cells[(7, 2)].kind in ("s", "inlineStr") and cells[(7, 2)].text == "12.30"
    assert cells[(5, 3)].kind in ("s", "inlineStr") and cells[(5, 3)].text == "2"
    assert cells[(7, 3)].kind == "n" and Decimal(cells[(7, 3)].text) == Decimal("1.25")
    assert cells[(10, 2)].kind == "b" and cells[(10, 2)].text == "1"
    # dates: the cell's style has a date format; the value is the serial number
    assert cells[(2, 5)].is_date and Decimal(cells[(2, 5)].text) == 44742
    assert cells[(11, 2)].is_date
    assert not cells[(4, 2)].is_date
    assert book.sheets[0].merged and sorted(book.sheets[0].merged) == [(1, 1, 1, 8), (9, 2, 9, 8)]
    assert book.sheets[0].dimension == "A1:H12"
    assert book.sheets[0].extent == (1, 1, 12, 5)
    assert book.sheets[1].cells[(1, 2)].text == "2022.1"
    assert book.custom_properties == {"yaojian-form": "monthly-progress"}
    assert [(n.name, n.value) for n in book.defined_names] == [("填报单位", "'表2 药品'!$B$2")]
    assert book.date1904 is False


def test_formulas_and_cached_values(filed):
    who, path = filed
    cells = read_workbook(path).sheets[0].cells
    total = cells[(4, 5)]
    assert total.is_formula and total.formula == "SUM(B4:D4)"
    if who == "openpyxl":  # openpyxl stores no result
        assert not total.has_cached_value and total.text == ""
    else:  # LibreOffice, like Excel and WPS, stores the computed result
        assert total.has_cached_value and total.text == "8"
        assert Decimal(cells[(6, 5)].text) == Decimal("19.8")


def test_producer(lo_files):
    assert read_workbook(lo_files["libreoffice"]).producer == "libreoffice"
    assert read_workbook(lo_files["libreoffice"]).application.startswith("LibreOffice")
    assert read_workbook(lo_files["openpyxl"]).application  # openpyxl calls itself Excel-compatible


def test_shared_strings_from_libreoffice(lo_files):
    pkg = Package(lo_files["libreoffice"].read_bytes())
    assert pkg.has("xl/sharedStrings.xml")
    kinds = {c.kind for c in read_workbook(lo_files["libreoffice"]).sheets[0].cells.values()}
    assert "s" in kinds


def test_fast_and_careful_paths_agree(filed):
    """Every part of a real file gives the same result on the regex path and on expat."""
    _who, path = filed
    pkg = Package(path.read_bytes())
    sst = shared_strings(pkg.read("xl/sharedStrings.xml"), Limits()) if pkg.has("xl/sharedStrings.xml") else []
    if sst:
        assert sst == shared_strings(pkg.read("xl/sharedStrings.xml"), Limits(), fast=False)
    for name in pkg.names():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            data = pkg.read(name)
            a = worksheet(data, sst, [False, True, True], Limits(), 10**6)
            b = worksheet(data, sst, [False, True, True], Limits(), 10**6, fast=False)
            assert a.cells == b.cells and a.merged == b.merged and a.dimension == b.dimension
            assert a.count == b.count


def test_sheet_selection(lo_files):
    book = read_workbook(lo_files["libreoffice"], sheets=["说明"])
    assert not book.sheets[0].loaded and not book.sheets[0].cells
    assert book.sheets[1].loaded and book.sheets[1].cells


def test_bytes_or_path(lo_files):
    a = read_workbook(lo_files["openpyxl"])
    b = read_workbook(lo_files["openpyxl"].read_bytes())
    assert a.sheets[0].cells == b.sheets[0].cells


# -- hand-written shapes ------------------------------------------------------------------

def _book(tmp_path, sheets, **kw):
    return read_workbook(write_parts(tmp_path / "h.xlsx", minimal_parts(sheets, **kw)))


def _both(data: bytes, sst=(), dates=()):
    a = worksheet(data, list(sst), list(dates), Limits(), 10**6)
    b = worksheet(data, list(sst), list(dates), Limits(), 10**6, fast=False)
    assert a.cells == b.cells and a.merged == b.merged and a.dimension == b.dimension and a.protected == b.protected
    return a


def test_namespace_prefixes(tmp_path):
    xml = (f'<?xml version="1.0"?><x:worksheet xmlns:x="{NS}"><x:dimension ref="A1:B2"/><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>12.30</x:v></x:c></x:row>'
           '<x:row r="2"><x:c r="B2"><x:f>B1*2</x:f><x:v>24.6</x:v></x:c></x:row>'
           '</x:sheetData><x:mergeCells><x:mergeCell ref="A2:A3"/></x:mergeCells>'
           '<x:sheetProtection sheet="1"/></x:worksheet>').encode()
    sst = (f'<x:sst xmlns:x="{NS}"><x:si><x:t>填报单位</x:t></x:si></x:sst>').encode()
    book = _book(tmp_path, [("S", xml)], sst=sst)
    s = book.sheets[0]
    assert s.cells[(1, 1)].text == "填报单位"
    assert s.cells[(1, 2)].text == "12.30"
    assert s.cells[(2, 2)].formula == "B1*2" and s.cells[(2, 2)].text == "24.6"
    assert s.merged == [(2, 1, 3, 1)] and s.protected and s.dimension == "A1:B2"


def test_strict_ooxml_namespaces(tmp_path):
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    rel = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    parts = minimal_parts([("S", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))],
                          workbook_extra='<workbookPr date1904="true"/>')
    for name in list(parts):
        parts[name] = parts[name].replace(NS.encode(), strict.encode()).replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", rel.encode())
    book = read_workbook(write_parts(tmp_path / "strict.xlsx", parts))
    assert book.sheets[0].cells[(1, 1)].text == "1" and book.date1904


def test_cells_without_r_are_placed_by_position():
    xml = sheet_xml('<row r="3"><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row>'
                    '<row><c r="C4"><v>2</v></c><c><v>3</v></c></row>')
    s = _both(xml)
    assert {k: c.text for k, c in s.cells.items()} == {(3, 1): "1", (3, 2): "x", (4, 3): "2", (4, 4): "3"}


def test_rich_text_phonetics_escapes_cdata():
    sst = (f'<sst xmlns="{NS}"><si><r><rPr><b/></rPr><t>药品</t></r><r><t xml:space="preserve"> 安全 </t></r>'
           '<rPh sb="0" eb="2"><t>やくひん</t></rPh></si>'
           '<si><t>a_x000D__x000A_b _x005F_x0041_</t></si>'
           '<si><t>&#x4E2D;&#25991;&amp;&lt;&gt;</t></si><si/><si><t/></si></sst>').encode()
    expected = ["药品 安全 ", "a\r\nb _x0041_", "中文&<>", "", ""]
    assert shared_strings(sst, Limits()) == expected
    assert shared_strings(sst, Limits(), fast=False) == expected
    cdata = sst.replace(b"<t>&#x4E2D;&#25991;&amp;&lt;&gt;</t>", "<t><![CDATA[中文&<>]]></t>".encode())
    assert shared_strings(cdata, Limits()) == expected


def test_cell_kinds_and_formulas():
    xml = sheet_xml(
        '<row r="1"><c r="A1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="C1" t="b"><v>0</v></c>'
        '<c r="D1" t="d"><v>2022-06-30T00:00:00</v></c>'
        '<c r="E1"><f t="shared" ref="E1:E3" si="0">A1+1</f><v>2</v></c>'
        '<c r="F1"><f t="shared" si="0"/><v>3</v></c>'
        '<c r="G1" t="str"><f>""</f><v></v></c>'
        '<c r="H1" s="1"/><c r="I1" s="1"></c>'
        '<c r="J1"><v>-1.5E-3</v></c>'
        '<c r="K1" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c>'
        '</row>')
    s = _both(xml, dates=[False, True])
    c = s.cells
    assert (c[(1, 1)].kind, c[(1, 1)].text, c[(1, 1)].formula) == ("str", "ab", '"a"&"b"')
    assert (c[(1, 2)].kind, c[(1, 2)].text) == ("e", "#DIV/0!")
    assert (c[(1, 3)].kind, c[(1, 3)].text) == ("b", "0")
    assert (c[(1, 4)].kind, c[(1, 4)].text) == ("d", "2022-06-30T00:00:00")
    assert c[(1, 5)].formula == "A1+1" and c[(1, 6)].formula == "" and c[(1, 6)].is_formula
    assert c[(1, 7)].has_cached_value and c[(1, 7)].text == ""
    assert (1, 8) not in c and (1, 9) not in c  # formatted blanks are not cells
    assert Decimal(c[(1, 10)].text) == Decimal("-0.0015")
    assert c[(1, 11)].text == "富文本"
    assert s.count == 11


def test_far_corner_and_lying_dimension(tmp_path):
    xml = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>',
                    head='<dimension ref="A1:XFD1048576"/>')
    s = _book(tmp_path, [("S", xml)]).sheets[0]
    assert s.cells[(1048576, 16384)].text == "stray"
    assert s.dimension == "A1:XFD1048576" and s.extent_ref == "A1:XFD1048576"


@pytest.mark.parametrize("ref", ["A1048577", "XFE1", "A0", "ZZZ9"])
def test_outside_the_grid_is_malformed(tmp_path, ref):
    xml = sheet_xml(f'<row r="1"><c r="{ref}"><v>1</v></c></row>')
    with pytest.raises(ReadError) as e:
        _book(tmp_path, [("S", xml)])
    assert e.value.code == "unreadable-file" and "范围" in e.value.params["reason"]


@pytest.mark.parametrize("inner", ['<c r="A1"><v>abc</v></c>', '<c r="A1" t="s"><v>5</v></c>',
                                   '<c r="A1" t="zz"><v>1</v></c>', '<c r="A1" s="-1"><v>1</v></c>'])
def test_bad_values_are_unreadable(tmp_path, inner):
    with pytest.raises(ReadError) as e:
        _book(tmp_path, [("S", sheet_xml(f'<row r="1">{inner}</row>'))], sst=sst_xml(["a"]))
    assert e.value.code == "unreadable-file"


def test_date_formats():
    for code in ['yyyy"年"m"月"d"日"', "[$-804]yyyy/m/d", "h:mm", "m/d/yy h:mm", "[h]:mm:ss", "dd-mmm"]:
        assert is_date_format(code), code
    for code in ["General", "0.00", '#,##0.00_);[Red](#,##0.00)', '"元"0.00', '0.00" day"', "@", "0.00E+00",
                 "[Red]0", '_-* #,##0_-']:
        assert not is_date_format(code), code


def test_styles_mark_dates(tmp_path):
    styles = (f'<styleSheet xmlns="{NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.00&quot;万元&quot;"/>'
              '<numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>'
              '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
              '<xf numFmtId="31"/></cellXfs></styleSheet>').encode()
    xml = sheet_xml('<row r="1">' + "".join(f'<c r="{c}1" s="{i}"><v>1</v></c>' for i, c in enumerate("ABCDE")) + "</row>")
    cells = _book(tmp_path, [("S", xml)], styles=styles).sheets[0].cells
    assert [cells[(1, i)].is_date for i in range(1, 6)] == [False, True, False, True, True]


def test_utf16_part_is_read_by_the_careful_path(tmp_path):
    xml = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>中文</t></is></c></row>').decode()
    data = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert _book(tmp_path, [("S", data)]).sheets[0].cells[(1, 1)].text == "中文"


def test_relationship_paths_are_followed(tmp_path):
    """Parts found through the rels, wherever they are: here an absolute target in odd folders."""
    parts = minimal_parts([("S", sheet_xml('<row r="1"><c r="A1"><v>7</v></c></row>'))])
    parts["data/book.xml"] = parts.pop("xl/workbook.xml")
    parts["data/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels").replace(
        b'Target="worksheets/sheet1.xml"', b'Target="/sheets/one.xml"')
    parts["sheets/one.xml"] = parts.pop("xl/worksheets/sheet1.xml")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"/data/book.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/xl/workbook.xml", b"/data/book.xml")
    assert read_workbook(write_parts(tmp_path / "odd.xlsx", parts)).sheets[0].cells[(1, 1)].text == "7"


def test_too_many_cells_counts_across_sheets(tmp_path):
    row = "".join(f'<c r="A{i}"><v>{i}</v></c>' for i in range(1, 61))
    parts = [("A", sheet_xml(row)), ("B", sheet_xml(row))]
    path = write_parts(tmp_path / "c.xlsx", minimal_parts(parts))
    assert read_workbook(path, limits=Limits(max_cells=120))
    with pytest.raises(ReadError) as e:
        read_workbook(path, limits=Limits(max_cells=100))
    assert e.value.code == "too-many-cells" and e.value.params["limit"] == 100


def test_long_strings_and_many_shared_strings(tmp_path):
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    path = write_parts(tmp_path / "l.xlsx", minimal_parts([("S", sheet)], sst=sst_xml(["x" * 40000])))
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.code == "unreadable-file"
    path = write_parts(tmp_path / "m.xlsx", minimal_parts([("S", sheet)], sst=sst_xml(["a", "b", "c"])))
    with pytest.raises(ReadError) as e:
        read_workbook(path, limits=Limits(max_shared_strings=2))
    assert e.value.code == "file-too-large"


def test_real_files_take_the_fast_path(filed):
    """Excel-like files must not fall back to expat (the speed depends on it)."""
    from generator.xlsx.sheetxml import _sheet_fast, _sst_fast

    _who, path = filed
    pkg = Package(path.read_bytes())
    sst = _sst_fast(pkg.read("xl/sharedStrings.xml"), Limits()) if pkg.has("xl/sharedStrings.xml") else []
    for name in pkg.names():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            assert _sheet_fast(pkg.read(name), sst, [], Limits(), 10**6, {}).cells


def test_styles_regex_and_tree_agree(lo_files):
    from generator.xlsx.styles import date_styles, date_styles_from
    from generator.xlsx.xmltext import parse_tree

    for who in ("openpyxl", "libreoffice"):
        data = Package(lo_files[who].read_bytes()).read("xl/styles.xml")
        assert date_styles_from(data) == date_styles(parse_tree(data)) and any(date_styles_from(data))


@pytest.mark.parametrize("key,kind", [("openpyxl", "xlsx"), ("libreoffice", "xlsx"), ("xls", "legacy"), ("ods", "ods"),
                                      ("pdf", "pdf")])
def test_sniff_by_content_whole_file_or_head(lo_files, key, kind):
    data = lo_files[key].read_bytes()
    assert sniff(data) == kind
    assert sniff(data[:8192]) == kind  # a head is enough for these
