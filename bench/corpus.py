"""Realistic filed workbooks for the benchmarks, written as Excel writes them: shared
strings, styles, cached formula results, docProps, a theme; ~1,000 filled cells over
5 sheets.  Written as XML directly (fast, and exactly Excel's shapes)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from generator.xlsx.refs import col_letters

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
      'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"')

ROWS = ["现场检查（件）", "出动执法人员（人次）", "检查单位（家）", "立案（件）", "结案（件）", "移送公安（件）",
        "涉案货值（万元）", "罚没款（万元）", "吊销许可证（张）", "责令停产停业（家）", "捣毁窝点（个）", "其他（件）",
        "投诉举报（件）", "监督抽检（件）", "日常检查（件）", "上级交办（件）", "其他部门移送（件）", "网络监测（件）",
        "50万元以上（件）", "100万元以上（件）", "1000万元以上（件）", "1亿元以上（件）", "处罚人数（人）",
        "禁止从业人数（人）", "对个人罚款金额（万元）", "情况说明"]
COLS = ["生产", "经营", "使用", "网络", "其他", "涉网", "无证经营", "未注册", "合计"]
SHEETS = ["表1 大案要案", "表2 药品", "表3 医疗器械", "表4 化妆品", "填表说明"]


_col = col_letters


def _styles() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS}" {MC}>'
            '<numFmts count="1"><numFmt numFmtId="176" formatCode="0.00_ "/></numFmts>'
            '<fonts count="3" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="等线"/><family val="2"/>'
            '<charset val="134"/><scheme val="minor"/></font><font><b/><sz val="11"/><name val="等线"/><charset val="134"/></font>'
            '<font><sz val="9"/><name val="等线"/><charset val="134"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color indexed="64"/>'
            '</left><right style="thin"><color indexed="64"/></right><top style="thin"><color indexed="64"/></top><bottom style="thin">'
            '<color indexed="64"/></bottom><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"><alignment vertical="center"/></xf></cellStyleXfs>'
            '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"><alignment horizontal="center" vertical="center"/></xf>'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"><alignment vertical="center" wrapText="1"/></xf>'
            '<xf numFmtId="176" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"><alignment vertical="center"/></xf>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"><alignment vertical="center"/></xf>'
            '<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"><alignment vertical="center"/></xf>'
            '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def workbook_parts(rng: random.Random) -> dict[str, bytes]:
    sst: list[str] = []
    index: dict[str, int] = {}

    def s(text: str) -> int:
        if text not in index:
            index[text] = len(sst)
            sst.append(text)
        return index[text]

    sheets = []
    for si, title in enumerate(SHEETS):
        rows = []
        rows.append(f'<row r="1" spans="1:10" ht="20.25" customHeight="1" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>{s(title)}</v></c></row>')
        rows.append(f'<row r="2" spans="1:10" x14ac:dyDescent="0.25"><c r="A2" s="2" t="s"><v>{s("填报单位")}</v></c>'
                    f'<c r="B2" s="2" t="s"><v>{s(rng.choice(["东营区市场监督管理局", "胜利街道", "六户镇", "文汇街道"]))}</v></c>'
                    f'<c r="D2" s="2" t="s"><v>{s("填报日期")}</v></c><c r="E2" s="4"><v>{44700 + rng.randrange(300)}</v></c></row>')
        header = "".join(f'<c r="{_col(c + 2)}3" s="1" t="s"><v>{s(name)}</v></c>' for c, name in enumerate(COLS))
        rows.append(f'<row r="3" spans="1:10" x14ac:dyDescent="0.25"><c r="A3" s="1" t="s"><v>{s("项目")}</v></c>{header}</row>')
        for r, label in enumerate(ROWS[:21], start=4):
            cells = [f'<c r="A{r}" s="2" t="s"><v>{s(label)}</v></c>']
            total = 0.0
            money = "万元" in label
            for c in range(2, 10):
                ref = f"{_col(c)}{r}"
                roll = rng.random()
                if roll < 0.1:
                    cells.append(f'<c r="{ref}" s="5" t="s"><v>{s("/")}</v></c>')
                elif money:
                    v = round(rng.random() * 100, 2)
                    total += v
                    cells.append(f'<c r="{ref}" s="3"><v>{v}</v></c>')
                else:
                    v = rng.randrange(0, 40)
                    total += v
                    cells.append(f'<c r="{ref}" s="5"><v>{v}</v></c>')
            cells.append(f'<c r="J{r}" s="{3 if money else 5}"><f>SUM(B{r}:I{r})</f><v>{round(total, 2):g}</v></c>')
            rows.append(f'<row r="{r}" spans="1:10" x14ac:dyDescent="0.25">{"".join(cells)}</row>')
        rows.append(f'<row r="26" spans="1:10" x14ac:dyDescent="0.25"><c r="A26" s="2" t="s"><v>{s("情况说明")}</v></c>'
                    f'<c r="B26" s="2" t="s"><v>{s("本月无重大案件。" if rng.random() < .7 else f"更正上月数据 {rng.randrange(100)}")}</v></c></row>')
        sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" xmlns:r="{NS_R}" {MC}>'
                 '<dimension ref="A1:J26"/><sheetViews><sheetView workbookViewId="0"><selection activeCell="B5" sqref="B5"/>'
                 '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="14.25" x14ac:dyDescent="0.25"/>'
                 '<cols><col min="1" max="1" width="24.625" customWidth="1"/></cols>'
                 f'<sheetData>{"".join(rows)}</sheetData>'
                 '<mergeCells count="2"><mergeCell ref="A1:J1"/><mergeCell ref="B26:J26"/></mergeCells>'
                 '<phoneticPr fontId="2" type="noConversion"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                 'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/></worksheet>')
        sheets.append(sheet)

    from xml.sax.saxutils import escape
    sst_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" count="{len(sst)}" '
               f'uniqueCount="{len(sst)}">' + "".join(f"<si><t>{escape(t)}</t><phoneticPr fontId=\"2\" type=\"noConversion\"/></si>" for t in sst) + "</sst>")
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, len(SHEETS) + 1))
          + '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{NS_PKG}">'
            f'<Relationship Id="rId3" Type="{NS_R}/extended-properties" Target="docProps/app.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId4" Type="{NS_R}/custom-properties" Target="docProps/custom.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}" xmlns:r="{NS_R}">'
          '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/><workbookPr/>'
          '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews><sheets>'
          + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(SHEETS, start=1))
          + '</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="1">\'表2 药品\'!$A$1:$J$26</definedName>'
          '</definedNames><calcPr calcId="191029"/></workbook>')
    n = len(SHEETS)
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{NS_PKG}">'
               + "".join(f'<Relationship Id="rId{i}" Type="{NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
               + f'<Relationship Id="rId{n + 1}" Type="{NS_R}/theme" Target="theme/theme1.xml"/>'
               f'<Relationship Id="rId{n + 2}" Type="{NS_R}/styles" Target="styles.xml"/>'
               f'<Relationship Id="rId{n + 3}" Type="{NS_R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application>'
           '<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><AppVersion>16.0300</AppVersion></Properties>')
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="yaojian-form"><vt:lpwstr>monthly-progress</vt:lpwstr></property>'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="yaojian-version"><vt:lpwstr>2022.1</vt:lpwstr></property></Properties>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>填报人</dc:creator>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2022-06-30T08:00:00Z</dcterms:modified></cp:coreProperties>')
    theme = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office 主题">'
             + "<a:themeElements>" + "<!-- padding -->" * 200 + "</a:themeElements></a:theme>")
    parts = {"[Content_Types].xml": ct, "_rels/.rels": rels, "docProps/app.xml": app, "docProps/core.xml": core,
             "docProps/custom.xml": custom, "xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": wb_rels,
             "xl/styles.xml": _styles(), "xl/theme/theme1.xml": theme, "xl/sharedStrings.xml": sst_xml}
    for i, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet
    return {k: v.encode("utf-8") for k, v in parts.items()}


def write_corpus(folder: Path, n: int = 1000, seed: int = 1) -> list[Path]:
    """n Excel-like filed workbooks in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        path = folder / f"filed-{i:04d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in workbook_parts(rng).items():
                z.writestr(name, data)
        paths.append(path)
    return paths
