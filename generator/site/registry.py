"""The page registry: who provides which pages and files of the site.

Core providers live in this package and take the `SiteContext`.  Other parts of yaojian
plug in by offering a module with plain functions; the build imports them when they exist
and shows a placeholder page when they do not:

``generator.site.forms`` (the forms issue)
    ``pages(project, content) -> list[Page | File]``: the 报表 section (its index page
    ``forms/index.md`` and one page per form).  Links to clauses may be written as
    ``/documents/<doc>.md#<clause>``.
    ``write_workbooks(project, out_dir: Path)``: blank workbooks, one ``FORM_ID.xlsx`` each;
    ``out_dir`` is ``downloads/`` of the site.
    ``write_schemas(project, out_dir: Path)``: JSON Schemas of filed forms; ``out_dir`` is
    ``schemas/`` of the site.
    ``field_options(project, ref: dict) -> list[str]``: the labels of a form field
    (``{id, table, field}``), for criteria lists that point into a form (大案要案情形, 重点领域).
    A form's page is ``forms/<FORM_ID>.md``: the other pages link there when it exists
    (`SiteContext.form_link`), else to ``forms/index.md``.

``generator.findings.site`` (the validator issue)
    ``pages(project, content) -> list[Page | File]``: the 错误代码 section.  Until it
    exists, the page is generated here from the findings catalogue.

A provider that exists but fails to import is a bug and is not hidden behind a placeholder.
Both kinds of provider return `Page`/`File` objects (see `generator.site.page`); files they
write into ``out_dir`` are part of the docs folder, so pages may link to them
(``/downloads/monthly-progress.xlsx``) and mkdocs checks those links.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from generator.site.page import SECTIONS, File, Page

# section -> (module, function) of an optional provider
OPTIONAL_PAGES: dict[str, tuple[str, str]] = {
    "forms": ("generator.site.forms", "pages"),
    "errors": ("generator.findings.site", "pages"),
}
# (module, function, folder in the site) of optional file writers
OPTIONAL_WRITERS: tuple[tuple[str, str, str], ...] = (
    ("generator.site.forms", "write_workbooks", "downloads"),
    ("generator.site.forms", "write_schemas", "schemas"),
)


def optional(module: str, function: str) -> Callable | None:
    """`module.function` if the module exists; None if it does not (yet)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    fn = getattr(mod, function, None)
    return fn if callable(fn) else None


def core_providers() -> list[Callable]:
    from generator.site import criteria, documents, home, maintainer, organisations, procedures, schedule

    return [home.pages, documents.pages, organisations.pages, procedures.pages, schedule.pages, criteria.pages,
            maintainer.pages]


def fallback_providers() -> dict[str, Callable]:
    from generator.site import errors, placeholders

    return {"forms": placeholders.forms_pages, "errors": errors.pages}


@dataclass
class Collected:
    pages: list[Page]
    files: list[File]
    providers: dict[str, str]  # section -> which provider made it ("generator.site.forms" / "placeholder")


def collect(ctx) -> Collected:
    """Every page and file of the site: optional providers first (so core pages can link
    to what they made, e.g. a form's page), then fallbacks for the missing ones, then the core."""
    items: list[Page | File] = []
    used: dict[str, str] = {}
    fallbacks = fallback_providers()
    for section, (module, function) in OPTIONAL_PAGES.items():
        fn = optional(module, function)
        if fn is not None:
            made = list(fn(ctx.project, ctx.content))
            used[section] = module
        else:
            made = list(fallbacks[section](ctx))
            used[section] = "generator.site"
        ctx.provided.update(i.path for i in made)
        items.extend(made)
    for provider in core_providers():
        items.extend(provider(ctx))
    pages = [i for i in items if isinstance(i, Page)]
    files = [i for i in items if isinstance(i, File)]
    seen: set[str] = set()
    for item in [*pages, *files]:
        if item.path in seen:
            raise ValueError(f"two providers made {item.path!r}")
        seen.add(item.path)
    pages.extend(_missing_index_pages(pages))
    return Collected(pages, files, used)


def write_optional_files(project, docs_dir: Path) -> list[str]:
    """Run the optional file writers into the docs folder; the providers that ran."""
    ran = []
    for module, function, folder in OPTIONAL_WRITERS:
        fn = optional(module, function)
        if fn is not None:
            out = docs_dir / folder
            out.mkdir(parents=True, exist_ok=True)
            fn(project, out)
            ran.append(f"{module}.{function}")
    return ran


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
