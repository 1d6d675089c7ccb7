"""A bounded, content-sniffing reader of filed Word documents (.docx), beside the .xlsx reader.

    from generator.docx import read_document, sniff_document
    from generator.xlsx import ReadError, Limits

    kind = sniff_document(data)          # "docx", "docm", "doc" or None (not a Word file)
    doc = read_document(data)            # paragraphs in body order, document properties

Every file is hostile: the zip is opened by the .xlsx reader's `Package` (the same bounds
on size, entries, inflation and compression ratio, from `Limits`), every XML part is parsed
by the same expat set-up that refuses DTDs and entities, and a document is refused past
`MAX_PARAGRAPHS`.  Errors are the .xlsx reader's `ReadError` with a catalogue code (area
`file`).  Imports nothing of the project above `generator.xlsx`.
"""

from generator.docx.model import Document, Paragraph
from generator.docx.reader import MAX_PARAGRAPHS, read_document
from generator.docx.sniff import sniff_document

__all__ = ["Document", "MAX_PARAGRAPHS", "Paragraph", "read_document", "sniff_document"]
