"""A plain-text document (UTF-8 or GB18030) read into paragraphs and tables.

Paragraphs are separated by blank lines; lines inside one paragraph stay apart (a roster,
a wrapped 抄送 line) for the tree to decide.  Lines holding tabs are table rows; rows
separated only by blank lines form one table.  A form feed (\\f) is a page break.
"""

from __future__ import annotations

from generator.importer.blocks import ImportFailure, Para, Source, Table

MAX_TEXT_BYTES = 20 * 1024 * 1024


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was read with; binary data is refused."""
    if not data.strip():
        raise ImportFailure(f"{name} 是空文件（没有任何文字），无法导入。请检查是否选错了文件。")
    if b"\x00" in data[:65536]:
        raise ImportFailure(
            f"{name} 不是纯文本文件（含有二进制数据）。请导入 Word 文件（.docx）或 UTF-8/GB18030 编码的 .txt 文件。"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls > max(3, len(text) // 200):
            break
        return text, "UTF-8" if encoding == "utf-8-sig" else "GB18030"
    raise ImportFailure(
        f"{name} 不是可识别的文本文件（既不是 UTF-8 也不是 GB18030 编码的文字）。"
        "请在记事本或 WPS 中把它另存为 UTF-8 编码的 .txt 后再导入，或直接导入 Word 文件（.docx）。"
    )


def read_text(data: bytes, name: str) -> Source:
    if len(data) > MAX_TEXT_BYTES:
        raise ImportFailure(f"{name} 超过 20 MB，不像是一份文件的正文，未导入。")
    text, encoding = decode(data, name)
    source = Source(name, encoding=encoding, unit="行")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    para: list[str] = []
    indents: list[bool] = []
    para_start = 0
    rows: list[list[str]] = []
    rows_start = 0
    pending_break = False
    blocks = source.blocks

    def flush_para():
        nonlocal para, indents, pending_break
        if para:
            blocks.append(Para(para, para_start, pending_break, indents))
            pending_break = False
            para, indents = [], []

    def flush_rows():
        nonlocal rows, pending_break
        if rows:
            blocks.append(Table(rows, rows_start, pending_break))
            pending_break = False
            rows = []

    for number, raw in enumerate(lines, start=1):
        pieces = raw.split("\f")
        for k, line in enumerate(pieces):
            if k > 0:  # a page break inside the line
                flush_para()
                flush_rows()
                pending_break = True
            if "\t" in line and line.strip():
                flush_para()
                if not rows:
                    rows_start = number
                rows.append([cell.strip() for cell in line.rstrip("\n").split("\t")])
                continue
            if not line.strip():
                flush_para()
                continue
            flush_rows()
            if not para:
                para_start = number
            para.append(line.strip())
            indents.append(line.startswith(("\u3000", "  ", "\t")))  # a paragraph's first-line indent
    flush_para()
    flush_rows()
    return source
