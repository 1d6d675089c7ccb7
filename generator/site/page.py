"""What a page provider hands the site: pages (Markdown) and files (bytes).

A provider never writes into the site itself; it returns `Page` and `File` objects and the
build puts them into a temporary docs folder that mkdocs renders.  Paths are relative to the
docs root and use forward slashes ("procedures/case-report.md").

Links inside a page's Markdown may be written from the docs root with a leading slash
("/documents/dongying-2017-61.md#s2-2"): mkdocs (validation.links.absolute_links:
relative_to_docs) checks them and makes them relative, so a provider never computes
"../" itself.  Raw HTML is not rewritten: use `relative_url` for links inside raw HTML.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

# Navigation sections in the order the site shows them: (key, title, index page).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("home", "首页", "index.md"),
    ("documents", "文件", "documents/index.md"),
    ("organisations", "机构与职责", "organisations/index.md"),
    ("procedures", "工作流程", "procedures/index.md"),
    ("schedule", "时间安排", "schedule/index.md"),
    ("criteria", "认定标准", "criteria/index.md"),
    ("forms", "报表", "forms/index.md"),
    ("errors", "错误代码", "errors/index.md"),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)


@dataclass
class Page:
    """One Markdown page of the site.

    `section` is one of `SECTION_KEYS`; the page whose path is the section's index page
    ("procedures/index.md") becomes the section's landing page, the others are listed
    under it by (`order`, `title`).  `nav=False` keeps a page out of the navigation (it
    is still built, linked and searchable).
    """

    path: str
    title: str
    markdown: str
    section: str
    order: int = 0
    nav: bool = True
    # Kept out of the search index (e.g. a page that only repeats other pages).
    search_exclude: bool = False
    # Ranks the page's search results higher (Material's `search.boost`), e.g. the verbatim documents.
    search_boost: float | None = None

    def __post_init__(self) -> None:
        if self.section not in SECTION_KEYS:
            raise ValueError(f"page {self.path!r}: unknown section {self.section!r}")
        if not self.path.endswith(".md") or self.path.startswith("/") or "\\" in self.path:
            raise ValueError(f"page path must be a relative .md path with '/': {self.path!r}")


@dataclass
class File:
    """A file copied into the site as is (a calendar, a workbook, a JSON Schema)."""

    path: str
    data: bytes = field(repr=False)


def relative_url(from_page: str, target: str, anchor: str | None = None) -> str:
    """URL of `target` (a docs path, .md or not) as seen from page `from_page`.

    The site is built with `use_directory_urls: false`, so "a/b.md" is served as
    "a/b.html"; this is the helper for raw HTML, where mkdocs rewrites nothing.
    """
    if target.endswith(".md"):
        target = target[:-3] + ".html"
    base = posixpath.dirname(from_page)
    url = posixpath.relpath(target, base or ".")
    return f"{url}#{anchor}" if anchor else url
