"""Where a yaojian project's sources live: content/, forms/, schemas/ and the site output."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ProjectNotFound(Exception):
    """No folder holding content/ and forms/ was found."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def forms(self) -> Path:
        return self.root / "forms"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    def display(self, path: Path) -> str:
        """A path as the maintainer sees it: relative to the project root where possible.

        The file itself is not resolved: a symbolic link is shown where it sits (a dangling
        `content/x.yaml` link must be reported as `content/x.yaml`, not as its target).
        """
        path = Path(path)
        for base, where in ((self.root, path), (self.root.resolve(), path.parent.resolve() / path.name)):
            try:
                return Path(os.path.abspath(where)).relative_to(os.path.abspath(base)).as_posix()
            except ValueError:
                continue
        return str(path)


def installed_project() -> Project | None:
    """The project this installed package belongs to, if its sources are beside it.

    `pip install -e .` (the README's install) leaves the package in its checkout, so the
    form definitions, the campaigns and the site are found from any folder.
    """
    root = Path(__file__).resolve().parents[1]
    if (root / "content").is_dir() and (root / "forms").is_dir():
        return Project(root)
    return None


def find_project(start: str | os.PathLike | None = None, *, installed: bool = False) -> Project:
    """The project at `start` (or $YAOJIAN_ROOT, or the working folder), searching upwards.

    With `installed`, a command that only reads the definitions (validate, forms, rollup,
    serve, users) falls back to the project the package was installed from.
    """
    explicit = start is not None or bool(os.environ.get("YAOJIAN_ROOT"))
    if start is None:
        start = os.environ.get("YAOJIAN_ROOT") or os.getcwd()
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "content").is_dir() and (folder / "forms").is_dir():
            return Project(folder)
    if installed and not explicit:
        found = installed_project()
        if found is not None:
            return found
    raise ProjectNotFound(
        f"在 {here} 及其上级目录中找不到 yaojian 项目（需要 content/ 和 forms/ 目录）；"
        "请在项目目录中运行，或用 --root 或环境变量 YAOJIAN_ROOT 指定项目目录。"
    )
