"""Reading a built site for the tests: ids, links and article text of each page."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Parsed:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    article: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self._article_depth = 0
        self._skip = 0
        self._stack: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.out.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.out.ids.add(a["name"])
        for attr in ("href", "src", "xlink:href"):
            if a.get(attr):
                self.out.links.append((tag, attr, a[attr]))
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "article":
            self._article_depth += 1
        if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "path", "rect"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag == "article":
            self._article_depth = max(0, self._article_depth - 1)
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._article_depth and not self._skip:
            self._text.append(data)


def parse(path: Path) -> Parsed:
    p = _Parser()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    p.out.article = "".join(p._text)
    return p.out


_DROP = re.compile(r"[\s\u200b-\u200f\u2010-\u2027\u3000-\u3004\u3008-\u3020\u00b7!-/:-@\[-`{-~]")


def fold(text: str) -> str:
    """The search worker's folding: NFKC, lower case, no white space or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def pages(site: Path) -> dict[str, Parsed]:
    return {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}


def broken_links(site: Path, parsed: dict[str, Parsed]) -> list[str]:
    """Every local link, script and stylesheet that does not resolve (file and anchor)."""
    problems = []
    for page, info in parsed.items():
        if page == "404.html":  # served for any path; its links are root-relative by design
            continue
        for tag, attr, value in info.links:
            url = urlsplit(value)
            if url.scheme in ("http", "https"):
                if tag == "svg" or value.startswith("http://www.w3.org/"):
                    continue
                problems.append(f"{page}: external {attr} {value}")
                continue
            if url.scheme or value.startswith("//"):
                if url.scheme not in ("mailto", "tel", "data"):
                    problems.append(f"{page}: unexpected {attr} {value}")
                continue
            target = page if not url.path else (Path(page).parent / unquote(url.path)).as_posix()
            target = _normalise(target)
            path = site / target
            if path.is_dir():
                path, target = path / "index.html", _normalise(target + "/index.html")
            if not path.is_file():
                problems.append(f"{page}: {attr}={value} -> missing {target}")
                continue
            if url.fragment and target.endswith(".html"):
                ids = parsed[target].ids if target in parsed else parse(path).ids
                if unquote(url.fragment) not in ids:
                    problems.append(f"{page}: {attr}={value} -> no anchor #{url.fragment} in {target}")
    return problems


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)
