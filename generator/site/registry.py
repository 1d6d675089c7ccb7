"""The page registry: which module makes which pages and files of the site.

Every provider lives in this package.  The 报表 section (`forms`) runs first, so the
other pages can link to what it made (a form's page, `SiteContext.form_link`); its
blank workbooks and filed-form JSON Schemas are written into the docs folder, so pages
may link to them (``/downloads/monthly-progress.xlsx``) and mkdocs checks those links.
Providers return `Page`/`File` objects (see `generator.site.page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from generator.site.page import SECTIONS, File, Page


def providers() -> list[Callable]:
    """The page providers after the 报表 section, in the order they run."""
    from generator.site import criteria, documents, errors, home, maintainer, organisations, procedures, schedule

    return [errors.pages, home.pages, documents.pages, organisations.pages, procedures.pages, schedule.pages,
            criteria.pages, maintainer.pages]


@dataclass
class Collected:
    pages: list[Page]
    files: list[File]


def collect(ctx) -> Collected:
    """Every page and file of the site: the 报表 section first (so other pages can link to
    a form's page), then the rest."""
    from generator.site import forms

    items: list[Page | File] = list(forms.pages(ctx.project, ctx.content))
    ctx.provided.update(i.path for i in items)
    for provider in providers():
        items.extend(provider(ctx))
    pages = [i for i in items if isinstance(i, Page)]
    files = [i for i in items if isinstance(i, File)]
    seen: set[str] = set()
    for item in [*pages, *files]:
        if item.path in seen:
            raise ValueError(f"two providers made {item.path!r}")
        seen.add(item.path)
    pages.extend(_missing_index_pages(pages))
    return Collected(pages, files)


def write_files(project, docs_dir: Path) -> None:
    """The blank workbooks into downloads/ and the filed-form schemas into schemas/ of the docs folder."""
    from generator.site import forms

    for write, folder in ((forms.write_workbooks, "downloads"), (forms.write_schemas, "schemas")):
        out = docs_dir / folder
        out.mkdir(parents=True, exist_ok=True)
        write(project, out)


def _missing_index_pages(pages: list[Page]) -> Iterable[Page]:
    """A section whose provider gave no index page gets a plain list of its pages."""
    from generator.site.md import esc

    paths = {p.path for p in pages}
    for key, title, index in SECTIONS:
        if index in paths:
            continue
        members = sorted((p for p in pages if p.section == key and p.nav), key=lambda p: (p.order, p.title))
        lines = [f"# {esc(title)}\n"]
        lines += [f"- [{esc(p.title)}](/{p.path})" for p in members] or ["（暂无内容。）"]
        yield Page(index, title, "\n".join(lines) + "\n", key)


# A section lists its pages in the navigation only up to this many; beyond, its index page
# (which lists them all) is the way in.  Every page carries the whole navigation, so an
# unbounded one makes the build quadratic in the number of pages (and a sidebar of 100+
# organisations helps nobody).
NAV_LIMIT = 40


def nav(pages: list[Page]) -> list:
    """The mkdocs `nav`: sections in `SECTIONS` order, each index page first."""
    return nav_and_hidden(pages)[0]


def nav_and_hidden(pages: list[Page]) -> tuple[list, list[str]]:
    """(the mkdocs `nav`, the pages left out of it) — left out by `Page.nav` or `NAV_LIMIT`."""
    out: list = []
    hidden: list[str] = []
    paths = {p.path for p in pages}
    for key, title, index in SECTIONS:
        members = sorted(
            (p for p in pages if p.section == key and p.path != index),
            key=lambda p: (p.order, p.title),
        )
        listed = [p for p in members if p.nav]
        if len(listed) > NAV_LIMIT:
            listed = []
        hidden.extend(p.path for p in members if p not in listed)
        if index not in paths:
            continue
        if key == "home":
            out.append({title: index})
            continue
        out.append({title: [index, *({p.title: p.path} for p in listed)]})
    return out, hidden
