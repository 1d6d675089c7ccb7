"""A Word document (.docx) read into paragraphs and tables, within the xlsx reader's bounds.

The file is opened by the bounded zip reader of `generator.xlsx.package` (sizes, ratios,
entry counts and CRCs checked while inflating; a zip bomb stops early), every part is
read through it, XML with DOCTYPE/ENTITY declarations is refused, and python-docx then
parses a copy rebuilt from exactly those checked parts.

Automatic numbering is rendered as Word shows it (一、 （一） 1. …) from numbering.xml, so
that the clause tree sees the same numbers a reader sees.  A page break (a page-break run
or "page break before") is kept on the paragraph after it.
"""

from __future__ import annotations

import io
import re
import zipfile

from generator.importer.blocks import ImportFailure, Para, Source, Table
from generator.importer.numbering import cn_numeral

MAX_DOCX_BYTES = 20 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


def _limits():
    from generator.xlsx.limits import Limits

    return Limits(max_file_size=MAX_DOCX_BYTES)


def _failure(exc) -> ImportFailure:
    from generator.findings import catalogue, render

    kind = catalogue().get(exc.code)
    message = render(kind.message, exc.params) if kind else str(exc)
    return ImportFailure(f"无法导入该 Word 文件。{message}请在 Word 或 WPS 中打开原文件，另存为 .docx 后再导入。")


def checked_copy(data: bytes, name: str) -> bytes:
    """The package rebuilt from parts read within the bounds; ImportFailure otherwise."""
    from generator.xlsx.limits import ReadError
    from generator.xlsx.package import Package

    if len(data) > MAX_DOCX_BYTES:
        raise ImportFailure(f"{name} 超过 20 MB，未导入。请删去图片等非文字内容后另存再导入。")
    try:
        package = Package(data, _limits())
        if not package.has("word/document.xml"):
            if package.has("xl/workbook.xml"):
                what = "Excel 工作簿（.xlsx）"
            elif package.has("ppt/presentation.xml"):
                what = "PowerPoint 演示文稿"
            else:
                what = "压缩包"
            raise ImportFailure(f"{name} 是{what}，不是 Word 文件，无法导入。")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for entry in package.order:
                if entry.filename.endswith("/"):
                    continue
                part = package.read_info(entry)
                if entry.filename.lower().endswith((".xml", ".rels")) and _DOCTYPE.search(part[:4096]):
                    raise ImportFailure(
                        f"{name} 含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。"
                        "正常保存的 Word 文件不会含有这类内容；请在 Word 或 WPS 中另存为 .docx 后再导入。"
                    )
                copy.writestr(entry.filename, part)
        return out.getvalue()
    except ReadError as exc:
        raise _failure(exc) from None


# -- numbering -------------------------------------------------------------------------
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital"):
        return cn_numeral(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class Numbering:
    """numbering.xml: the label of each numbered paragraph, counted in document order."""

    def __init__(self, root, qn):
        self.qn = qn
        self.abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for a in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in a.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = self._level(lvl)
            self.abstract[a.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            overrides = {}
            for o in num.findall(qn("w:lvlOverride")):
                start = o.find(qn("w:startOverride"))
                if start is not None:
                    overrides[int(o.get(qn("w:ilvl"), "0"))] = int(start.get(qn("w:val"), "1"))
            if ref is not None:
                self.nums[num.get(qn("w:numId"))] = (ref.get(qn("w:val")), overrides)

    def _level(self, lvl) -> tuple[int, str, str]:
        qn = self.qn

        def val(tag, default):
            el = lvl.find(qn(tag))
            return el.get(qn("w:val"), default) if el is not None else default

        return int(val("w:start", "1") or 1), val("w:numFmt", "decimal"), val("w:lvlText", "")

    def label(self, num_id: str, ilvl: int) -> str:
        if num_id not in self.nums or num_id == "0":
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl][0])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _start, fmt, text = levels[ilvl]
        if fmt == "bullet":
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            value = counters.get(k, overrides.get(k, levels.get(k, (1, "decimal", ""))[0]))
            return format_number(value, levels.get(k, (1, "decimal", ""))[1])

        return re.sub(r"%([1-9])", sub, text)


# -- reading -----------------------------------------------------------------------------
def read_docx(data: bytes, name: str) -> Source:
    clean = checked_copy(data, name)
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError:  # pragma: no cover - a broken installation
        raise ImportFailure("读取 Word 文件需要 python-docx：请运行 pip install -e . 安装依赖后再试。") from None
    try:
        document = docx.Document(io.BytesIO(clean))
    except Exception:  # python-docx raises many kinds for a damaged package
        raise ImportFailure(f"{name} 已损坏或不是有效的 Word 文件，无法导入。请在 Word 或 WPS 中打开，另存为 .docx 后再导入。") from None
    try:
        numbering_root = document.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        numbering_root = None
    numbering = Numbering(numbering_root, qn)
    styles = {}
    try:
        for style in document.styles.element.findall(qn("w:style")):
            styles[style.get(qn("w:styleId"))] = style
    except Exception:  # noqa: BLE001 - styles are optional
        styles = {}
    source = Source(name, encoding="Word", unit="段")
    with zipfile.ZipFile(io.BytesIO(clean)) as parts:
        if any(re.match(r"word/(header|footer)\d*\.xml$", n) for n in parts.namelist()):
            source.notes.append("Word 的页眉、页脚（含页码）不属于正文，未导入。")
    reader = _Reader(qn, numbering, styles, source)
    reader.body(document.element.body)
    return source


class _Reader:
    def __init__(self, qn, numbering: Numbering, styles: dict, source: Source):
        self.qn = qn
        self.numbering = numbering
        self.styles = styles
        self.source = source
        self.count = 0
        self.page_break = False

    def body(self, body) -> None:
        qn = self.qn
        for child in body.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.body(content)

    def _num_pr(self, p):
        qn = self.qn
        ppr = p.find(qn("w:pPr"))
        style_id = None
        if ppr is not None:
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is not None:
                return num_pr
            pstyle = ppr.find(qn("w:pStyle"))
            style_id = pstyle.get(qn("w:val")) if pstyle is not None else None
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            sppr = style.find(qn("w:pPr"))
            if sppr is not None and sppr.find(qn("w:numPr")) is not None:
                return sppr.find(qn("w:numPr"))
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return None

    def _label(self, p) -> str:
        qn = self.qn
        num_pr = self._num_pr(p)
        if num_pr is None:
            return ""
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None:
            return ""
        return self.numbering.label(num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0)

    def _text(self, p) -> tuple[str, bool, bool]:
        """(text, page break at the start, page break at the end)."""
        qn = self.qn
        parts: list[str] = []
        breaks: list[int] = []
        for run in p.iter(qn("w:r")):
            for el in run:
                if el.tag == qn("w:t"):
                    parts.append(el.text or "")
                elif el.tag == qn("w:tab"):
                    parts.append("\t")
                elif el.tag == qn("w:br"):
                    if el.get(qn("w:type")) == "page":
                        breaks.append(len("".join(parts)))
                    else:
                        parts.append("\n")
                elif el.tag == qn("w:cr"):
                    parts.append("\n")
        text = "".join(parts)
        ppr = p.find(qn("w:pPr"))
        before = ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None
        before = before or any(b == 0 for b in breaks)
        after = any(b >= len(text) and b > 0 for b in breaks)
        return text, before, after

    def paragraph(self, p) -> None:
        self.count += 1
        text, before, after = self._text(p)
        label = self._label(p)
        if not text.strip():
            if before or after:
                self.page_break = True
            return
        lines = [line.strip() for line in (label + text).split("\n") if line.strip()]
        self.source.blocks.append(Para(lines, self.count, before or self.page_break))
        self.page_break = after

    def table(self, tbl) -> None:
        qn = self.qn
        self.count += 1
        rows = []
        for tr in tbl.findall(qn("w:tr")):
            row = []
            for tc in tr.iter(qn("w:tc")):
                if tc.getparent() is not tr and tc.getparent().tag != qn("w:sdtContent"):
                    continue
                texts = []
                for p in tc.findall(qn("w:p")):
                    t, _b, _a = self._text(p)
                    label = self._label(p)
                    if (label + t).strip():
                        texts.append((label + t).strip())
                row.append("\n".join(texts))
                tcpr = tc.find(qn("w:tcPr"))
                span = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
                if span is not None:
                    row.extend([""] * (int(span.get(qn("w:val"), "1")) - 1))
            rows.append(row)
        if not rows:
            return
        last = self.source.blocks[-1] if self.source.blocks else None
        if isinstance(last, Table) and not self.page_break:
            last.rows.extend(rows)  # tables with only empty paragraphs between are one table, as in text
            return
        self.source.blocks.append(Table(rows, self.count, self.page_break))
        self.page_break = False
