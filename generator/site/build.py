"""Build the site: check, generate pages into a temporary docs folder, run mkdocs (strict)
into a temporary folder beside `site/`, then swap it in.  A failed build leaves the
previous `site/` as it was."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.project import Project

THEME_DIR = Path(__file__).with_name("theme")


@dataclass
class BuildResult:
    check: object  # generator.project_check.CheckResult
    site: Path
    built: bool = False
    pages: int = 0
    files: int = 0
    seconds: float = 0.0  # the whole build
    check_seconds: float = 0.0
    generate_seconds: float = 0.0  # content -> Markdown pages and files
    mkdocs_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # why mkdocs failed, its own words
    providers: dict[str, str] = field(default_factory=dict)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # pragma: no cover - a bad log record must not break the build
            self.messages.append(str(record.msg))


def build(
    project: Project,
    *,
    today: date | None = None,
    site_dir: Path | None = None,
    docs_dir: Path | None = None,
    check: bool = True,
) -> BuildResult:
    """Check the project and build the site into `site_dir` (default: the project's `site/`).

    `docs_dir`, if given, keeps the generated Markdown there (it must not exist or be
    empty).  `check=False` skips `yaojian check` (for benchmarks of the build alone).
    """
    from generator import content as content_mod
    from generator.project_check import CheckResult, check_project
    from generator.site import registry
    from generator.site.context import build_context

    started = time.perf_counter()
    site = Path(site_dir) if site_dir else project.site
    result = BuildResult(check=check_project(project) if check else CheckResult(), site=site)
    result.check_seconds = time.perf_counter() - started
    if result.check.errors:
        return result
    if not project.mkdocs_yml.is_file():
        result.problems.append(f"找不到网站配置文件 {project.display(project.mkdocs_yml)}")
        return result

    t0 = time.perf_counter()
    content = result.check.content or content_mod.load(project)
    ctx = build_context(project, content, today or date.today())
    collected = registry.collect(ctx)
    result.providers = collected.providers
    result.pages, result.files = len(collected.pages), len(collected.files)

    with tempfile.TemporaryDirectory(prefix="yaojian-docs-") as tmp:
        docs = Path(docs_dir) if docs_dir else Path(tmp) / "docs"
        write_docs(docs, collected)
        registry.write_optional_files(project, docs)
        result.generate_seconds = time.perf_counter() - t0
        site.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(site)
        staging = site.parent / f".{site.name}.new-{uuid.uuid4().hex[:8]}"
        t0 = time.perf_counter()
        try:
            nav, hidden = registry.nav_and_hidden(collected.pages)
            result.problems = run_mkdocs(project, docs, staging, nav, hidden)
            result.mkdocs_seconds = time.perf_counter() - t0
            if result.problems:
                return result
            swap(staging, site)
            result.built = True
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def write_docs(docs: Path, collected) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for page in collected.pages:
        path = docs / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        search = []
        if page.search_exclude:
            search.append("  exclude: true")
        if page.search_boost:
            search.append(f"  boost: {page.search_boost}")
        front = "---\nsearch:\n" + "\n".join(search) + "\n---\n\n" if search else ""
        path.write_text(front + page.markdown, encoding="utf-8")
    for f in collected.files:
        path = docs / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data)


def mkdocs_config(project: Project, docs: Path, site: Path, nav: list, hidden: list[str] = ()):
    """mkdocs' config: the project's mkdocs.yml plus the generated docs, nav and theme overrides.

    `hidden` pages are built but left out of the navigation on purpose (mkdocs' `not_in_nav`),
    so strict mode does not take them for forgotten ones."""
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    with open(project.mkdocs_yml, "rb") as fh:
        raw = yaml_load(fh) or {}
    theme = raw.get("theme") or {"name": "material"}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme["custom_dir"] = str(THEME_DIR)
    return load_config(
        str(project.mkdocs_yml),
        docs_dir=str(docs),
        site_dir=str(site),
        nav=nav,
        theme=theme,
        strict=True,
        not_in_nav="\n".join("/" + path for path in hidden) or None,
    )


def run_mkdocs(project: Project, docs: Path, site: Path, nav: list, hidden: list[str] = ()) -> list[str]:
    """Build with mkdocs in strict mode; the warnings and errors that stopped it, if any."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    _quiet_jieba()
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = mkdocs_config(project, docs, site, nav, hidden)
        mkdocs_build(config)
    except Abort as exc:
        return handler.messages or [str(exc)]
    except MkDocsException as exc:
        return [*handler.messages, str(exc)]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    return handler.messages


def _quiet_jieba() -> None:
    try:
        import jieba
    except ImportError:  # the search index would hold no segmented Chinese; tests catch it
        return
    jieba.setLogLevel(logging.WARNING)


def swap(new: Path, site: Path) -> None:
    """Put the freshly built `new` in place of `site`; the old one is removed after."""
    old = None
    if site.exists() or site.is_symlink():
        old = site.parent / f".{site.name}.old-{uuid.uuid4().hex[:8]}"
        os.rename(site, old)
    try:
        os.rename(new, site)
    except OSError:
        if old is not None:
            os.rename(old, site)  # put the previous site back
        raise
    if old is not None:
        if old.is_symlink():
            old.unlink()
        else:
            shutil.rmtree(old, ignore_errors=True)


def _clean_stale(site: Path) -> None:
    """Remove staging folders an interrupted build left beside `site/`."""
    for path in site.parent.glob(f".{site.name}.new-*"):
        if path.is_dir() and time.time() - path.stat().st_mtime > 3600:
            shutil.rmtree(path, ignore_errors=True)
    for path in site.parent.glob(f".{site.name}.old-*"):
        if path.is_dir() and time.time() - path.stat().st_mtime > 3600:
            shutil.rmtree(path, ignore_errors=True)
