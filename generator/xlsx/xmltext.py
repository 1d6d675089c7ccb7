"""XML text helpers shared by the fast (regex) and the fallback (expat) paths.

Small parts are parsed with expat into a light tree; every parse rejects a DOCTYPE or
an ENTITY declaration (XML entity bombs, external entities) before anything expands.
"""

from __future__ import annotations

import re
from pyexpat import ParserCreate, ExpatError

from generator.xlsx.limits import ReadError, unreadable

_ENTITY = re.compile(r"&(#[0-9]{1,8};|#x[0-9a-fA-F]{1,6};|amp;|lt;|gt;|quot;|apos;)")
_NAMED = {"amp;": "&", "lt;": "<", "gt;": ">", "quot;": '"', "apos;": "'"}
# OOXML escapes characters XML cannot carry as _xHHHH_ (ST_Xstring); "_x005F_" is "_".
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")



def _entity(m: re.Match) -> str:
    body = m.group(1)
    if body[0] != "#":
        return _NAMED[body]
    cp = int(body[2:-1], 16) if body[1] in "xX" else int(body[1:-1])
    if cp == 0 or 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
        raise ValueError("invalid character reference")
    return chr(cp)


def _xesc(m: re.Match) -> str:
    return chr(int(m.group(1), 16))


def unescape(raw: bytes) -> str:
    """XML character data from the fast path: UTF-8, entities and references resolved,
    line ends normalised as an XML parser would."""
    s = raw.decode("utf-8")
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s


def ooxml_unescape(s: str) -> str:
    """Resolve OOXML's _xHHHH_ escapes (a literal "_x0041_" is stored "_x005F_x0041_")."""
    if "_x" in s:
        s = _XESC.sub(_xesc, s)
    return s


def check_declarations(data: bytes) -> None:
    """Reject a DOCTYPE or ENTITY declaration anywhere in the bytes (cheap pre-check;
    expat's handlers catch declarations in other encodings too)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ReadError("unsafe-xml")


_DECL = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9_.\-]+)["\'][^>]*\?>')
_PREFIXED = re.compile(rb"<[A-Za-z_][A-Za-z0-9_.\-]*:")
_ATTR = re.compile(rb"""([A-Za-z_][\w:.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def plain_utf8(data: bytes) -> bool:
    """UTF-8 without markup the regex paths do not model: no CDATA, comments,
    declarations or processing instructions past the XML declaration."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    m = _DECL.match(data, 3 if data[:3] == b"\xef\xbb\xbf" else 0)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    if b"<!" in data:
        return False
    return data.count(b"<?") <= 1


def attrs_of(raw: bytes) -> dict[str, str]:
    """Attributes of a start tag's attribute text, by local name, unescaped."""
    out = {}
    for k, v, v2 in _ATTR.findall(raw):
        if v2 and not v:
            v = v2
        key = k.decode("utf-8")
        if ":" in key:
            key = key[key.index(":") + 1:]
        out[key] = unescape(v) if (b"&" in v or b"\r" in v) else v.decode("utf-8")
    return out


def flat_elements(data: bytes, tags: bytes) -> list[tuple[str, dict[str, str]]] | None:
    """The start tags named in `tags` (a regex alternation such as b"Default|Override")
    of a flat part (content types, relationships), or None when the part is not plain
    UTF-8 without prefixes: then parse it as a tree."""
    check_declarations(data)
    if not plain_utf8(data) or _PREFIXED.search(data):
        return None
    try:
        return [(m.group(1).decode("ascii"), attrs_of(m.group(2)))
                for m in re.finditer(rb"<(" + tags + rb")\b([^>]*)>", data)]
    except (UnicodeDecodeError, ValueError):
        return None


def _refuse_doctype(*_args) -> None:
    raise ReadError("unsafe-xml")


def make_parser():
    """An expat parser (no namespace processing: prefixes are stripped by callers) that
    refuses any DOCTYPE, entity declaration or external entity."""
    p = ParserCreate()
    p.buffer_text = True
    p.StartDoctypeDeclHandler = _refuse_doctype
    p.EntityDeclHandler = _refuse_doctype
    p.UnparsedEntityDeclHandler = _refuse_doctype
    p.ExternalEntityRefHandler = _refuse_doctype
    return p


def local(name: str) -> str:
    """"x:c" → "c"."""
    i = name.find(":")
    return name if i < 0 else name[i + 1:]


class Element:
    """A light XML element: local tag name, attributes by local name, children, text."""

    __slots__ = ("tag", "attrs", "children", "_text")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element] = []
        self._text: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._text)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def find(self, tag: str) -> "Element | None":
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list["Element"]:
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str):
        stack = [self]
        while stack:
            e = stack.pop()
            if e.tag == tag:
                yield e
            stack.extend(reversed(e.children))


def run_expat(data: bytes, start, end, chars, what: str = "") -> None:
    """Parse `data` with expat and these handlers; broken XML is unreadable-file."""
    p = make_parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    try:
        p.Parse(data, True)
    except ExpatError as exc:
        raise unreadable(f"{what or '文件'}的 XML 结构损坏（第 {exc.lineno} 行）") from None


def parse_tree(data: bytes, what: str = "") -> Element:
    """Parse a small part into a light tree.  unsafe-xml on any declaration;
    unreadable-file when the XML is not well formed."""
    check_declarations(data)
    root = Element("#document", {})
    stack = [root]

    def start(name, attrs):
        e = Element(local(name), {local(k): v for k, v in attrs.items()})
        stack[-1].children.append(e)
        stack.append(e)

    def end(_name):
        stack.pop()

    def chars(text):
        stack[-1]._text.append(text)

    run_expat(data, start, end, chars, what)
    if not root.children:
        raise unreadable(f"{what or '文件'}内容为空")
    return root.children[0]
