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


def find_project(start: str | os.PathLike | None = None) -> Project:
    """The project at `start` (or $YAOJIAN_ROOT, or the working folder), searching upwards."""
    if start is None:
        start = os.environ.get("YAOJIAN_ROOT") or os.getcwd()
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "content").is_dir() and (folder / "forms").is_dir():
            return Project(folder)
    raise ProjectNotFound(
        f"在 {here} 及其上级目录中找不到 yaojian 项目（需要 content/ 和 forms/ 目录）；"
        "请在项目目录中运行，或用 --root 指定项目目录。"
    )
