"""Lenient decoding of multipart part headers (a file name in GBK is still a file name).

Browsers send a file's name as UTF-8, but old tools and some Windows clients send it in
the system code page (GBK on Chinese Windows).  Werkzeug decodes part headers as strict
UTF-8; one such name made the whole form unreadable, and the upload was then refused as a
missing CSRF token.  Here part headers are decoded as UTF-8, else GB18030, else UTF-8 with
replacement characters: the name is only ever data (see `store.safe_filename`), so a
wrong guess costs a garbled name, never the upload.
"""

from __future__ import annotations

from werkzeug import formparser
from werkzeug.datastructures import Headers
from werkzeug.sansio import multipart


def decode_header_bytes(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


class LenientDecoder(multipart.MultipartDecoder):
    def _parse_headers(self, data: bytes) -> Headers:
        headers: list[tuple[str, str]] = []
        data = multipart.HEADER_CONTINUATION_RE.sub(b" ", data)
        for line in data.splitlines():
            line = line.strip()
            if line:
                name, _, value = decode_header_bytes(line).partition(":")
                headers.append((name.strip(), value.strip()))
        return Headers(headers)


def install() -> None:
    """Make werkzeug's multipart parser use the lenient decoder (idempotent)."""
    if getattr(formparser, "MultipartDecoder", None) is multipart.MultipartDecoder:
        formparser.MultipartDecoder = LenientDecoder
