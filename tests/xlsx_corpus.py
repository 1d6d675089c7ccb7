"""Builders for the reader's tests: real workbooks (openpyxl, LibreOffice) and a corpus of
hostile or mangled files, all generated into temporary folders (no committed binaries)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


# -- LibreOffice ---------------------------------------------------------------------

def lo_command(profile: str | Path, fmt: str, outdir: Path, files: list[Path]) -> list[str]:
    """LibreOffice headless converting `files` to `fmt`, with its own user profile."""
    return [SOFFICE, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]


def lo_convert(files: list[Path], fmt: str, outdir: Path, timeout: float = 180,
               profile: Path | None = None) -> list[Path]:
    """Convert files with LibreOffice headless: a private profile per run, or `profile`
    (a folder kept across calls, to pay LibreOffice's first start once)."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as scratch:
        proc = subprocess.run(lo_command(profile or scratch, fmt, outdir, files),
                              capture_output=True, text=True, timeout=timeout)
    ext = fmt.split(":", 1)[0]
    out = [outdir / (f.stem + "." + ext) for f in files]
    missing = [p.name for p in out if not p.exists()]
    if proc.returncode or missing:
        raise RuntimeError(f"LibreOffice did not convert {missing or files} (exit {proc.returncode}): "
                           f"{proc.stdout}{proc.stderr}")
    return out


def lo_convert_many(jobs: list[tuple[list[Path], str, Path]], timeout: float = 240) -> None:
    """Several conversions at once (each its own profile and process)."""
    procs = []
    profiles = []
    for files, fmt, outdir in jobs:
        outdir.mkdir(parents=True, exist_ok=True)
        profile = tempfile.mkdtemp(prefix="lo-profile-")
        profiles.append(profile)
        procs.append(subprocess.Popen(lo_command(profile, fmt, outdir, files),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    try:
        for p in procs:
            p.communicate(timeout=timeout)
            if p.returncode:
                raise RuntimeError(f"LibreOffice failed: {p.args}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for profile in profiles:
            shutil.rmtree(profile, ignore_errors=True)


# -- real workbooks ------------------------------------------------------------------

def sample_workbook(path: Path) -> Path:
    """A filed form as openpyxl writes it: Chinese labels, numbers, numbers typed as
    text, a formula, merged cells, dates, a hidden sheet, a defined name, a custom
    property, a value at XFD1048576's neighbourhood left out (see corpus)."""
    import openpyxl
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表2 药品"
    ws["A1"] = "药品案件查办情况"
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位"
    ws["B2"] = "东营区市场监督管理局"
    ws["D2"] = "填报日期"
    ws["E2"] = dt.date(2022, 6, 30)
    ws["E2"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A3"] = "项目"
    ws["B3"] = "生产"
    ws["C3"] = "经营"
    ws["D3"] = "使用"
    ws["E3"] = "合计"
    rows = [("现场检查（件）", 3, 5, "/", None), ("立案（件）", 0, "2", 1, None),
            ("涉案货值（万元）", 12.5, 0.3, 7, None), ("罚没款（万元）", "12.30", 1.25, 0, None)]
    for i, (label, b, c, d, _e) in enumerate(rows, start=4):
        ws.cell(i, 1, label)
        ws.cell(i, 2, b)
        ws.cell(i, 3, c)
        ws.cell(i, 4, d)
        ws.cell(i, 5, f"=SUM(B{i}:D{i})")
    from openpyxl.styles import Alignment, Border, Font, Side

    ws["E4"].font = Font(bold=True, color="FF0000FF")
    ws["E2"].border = Border(left=Side(style="thin"), bottom=Side(style="thin"))
    ws["C5"].alignment = Alignment(horizontal="right")
    ws["A9"] = "情况说明"
    ws["B9"] = "上月误报增量，已更正为累计数 <注> & “引号”"
    ws.merge_cells("B9:H9")
    ws["A10"] = "是否涉网"
    ws["B10"] = True
    ws["A11"] = "时间"
    ws["B11"] = dt.datetime(2022, 7, 1, 9, 30)
    ws["A12"] = "多行\n文字"
    hidden = wb.create_sheet("说明")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "模板版本"
    hidden["B1"] = "2022.1"
    wb.defined_names["填报单位"] = DefinedName("填报单位", attr_text="'表2 药品'!$B$2")
    wb.custom_doc_props.append(StringProperty(name="yaojian-form", value="monthly-progress"))
    wb.save(path)
    return path


# Expected cell texts of sample_workbook() after any faithful round trip.
SAMPLE_TEXTS = {
    (1, 1): "药品案件查办情况", (2, 1): "填报单位", (2, 2): "东营区市场监督管理局", (2, 4): "填报日期",
    (3, 1): "项目", (3, 2): "生产", (3, 5): "合计", (4, 1): "现场检查（件）", (4, 2): "3", (4, 3): "5",
    (4, 4): "/", (5, 2): "0", (5, 3): "2", (5, 4): "1", (6, 2): "12.5", (6, 3): "0.3", (7, 2): "12.30",
    (7, 3): "1.25", (9, 2): "上月误报增量，已更正为累计数 <注> & “引号”", (10, 2): "1",
    (12, 1): "多行\n文字",
}


# -- raw zips (for forged headers) -------------------------------------------------------

class Member:
    def __init__(self, name: str, data: bytes | None = None, *, raw: bytes | None = None, crc: int | None = None,
                 size: int | None = None, method: int = 8, declared_size: int | None = None,
                 declared_crc: int | None = None):
        if raw is None:
            data = data or b""
            if method == 8:
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                raw = c.compress(data) + c.flush()
            else:
                raw = data
            crc = zlib.crc32(data)
            size = len(data)
        self.name, self.raw, self.crc, self.size, self.method = name, raw, crc, size, method
        self.declared_size = size if declared_size is None else declared_size
        self.declared_crc = crc if declared_crc is None else declared_crc


def zip_bytes(members: list[Member]) -> bytes:
    """A zip written record by record, so headers can lie."""
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x800, m.method, 0, 0x21,
                              m.declared_crc, len(m.raw), m.declared_size, len(name), 0))
        out.write(name)
        out.write(m.raw)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x800, m.method, 0, 0x21,
                                   m.declared_crc, len(m.raw), m.declared_size, len(name), 0, 0, 0, 0, 0, offset) + name)
    cd_offset = out.tell()
    for rec in central:
        out.write(rec)
    cd_size = out.tell() - cd_offset
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), cd_size, cd_offset, 0))
    return out.getvalue()


def bomb_member(name: str, gib: float = 1.0, declared_size: int | None = None) -> Member:
    """A part that inflates to `gib` GiB of spaces from about 1 MB: one fully-flushed
    deflate block of 16 MiB repeated, then an empty final block."""
    chunk = b" " * (16 << 20)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n = int(gib * 64)
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    return Member(name, raw=block * n + b"\x03\x00", crc=crc, size=n * len(chunk), declared_size=declared_size)


# -- minimal workbooks written as XML ---------------------------------------------------

def sheet_xml(cells_xml: str | bytes, *, head: str = "", tail: str = "", root_attrs: str = "") -> bytes:
    body = cells_xml.decode("utf-8") if isinstance(cells_xml, bytes) else cells_xml
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{NS}" xmlns:r="{NS_R}"{root_attrs}>{head}<sheetData>{body}</sheetData>{tail}</worksheet>').encode("utf-8")


def minimal_parts(sheets: list[tuple[str, bytes]], *, sst: bytes | None = None, styles: bytes | None = None,
                  workbook_extra: str = "", main_ct: str = CT_SHEET_MAIN, extra: dict[str, bytes] | None = None,
                  extra_overrides: str = "") -> dict[str, bytes]:
    """The parts of a small workbook, written by hand (what a careful program writes)."""
    ct = ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          f'<Override PartName="/xl/workbook.xml" ContentType="{main_ct}"/>']
    wb_rels = [f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG}">']
    sheet_els = []
    parts: dict[str, bytes] = {}
    for i, (name, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT_WORKSHEET}"/>')
        wb_rels.append(f'<Relationship Id="rId{i}" Type="{NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        sheet_els.append(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>')
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
        ct.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_SST}"/>')
        wb_rels.append(f'<Relationship Id="rIdS" Type="{NS_R}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        parts["xl/styles.xml"] = styles
        ct.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
        wb_rels.append(f'<Relationship Id="rIdY" Type="{NS_R}/styles" Target="styles.xml"/>')
    ct.append(extra_overrides)
    ct.append("</Types>")
    wb_rels.append("</Relationships>")
    parts["[Content_Types].xml"] = "".join(ct).encode("utf-8")
    parts["_rels/.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG}">'
                            f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/>'
                            '</Relationships>').encode("utf-8")
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{NS_R}">'
                                f'{workbook_extra}<sheets>{"".join(sheet_els)}</sheets></workbook>').encode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = "".join(wb_rels).encode("utf-8")
    parts.update(extra or {})
    return parts


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def sst_xml(strings: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>').encode("utf-8")
