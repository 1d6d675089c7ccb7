"""Shared fixtures: the repository as a project, and helpers to run the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "data" / "seeds"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def project():
    from generator.project import Project

    return Project(REPO)


@pytest.fixture(scope="session")
def content(project):
    from generator import content as content_mod

    return content_mod.load(project)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m generator ...` as a real process."""
    full_env = dict(os.environ)
    full_env.pop("YAOJIAN_DEBUG", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd or REPO, capture_output=True, text=True, timeout=timeout, env=full_env,
    )


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the project's sources, to break on purpose."""
    dest = tmp_path / "proj"
    for name in ("content", "forms", "schemas"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    for name in ("mkdocs.yml",):
        if (REPO / name).exists():
            shutil.copy(REPO / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def lo_files(tmp_path_factory) -> dict[str, Path]:
    """The sample filed workbook as openpyxl writes it, and LibreOffice's conversions of
    it (re-saved .xlsx, .xls, .ods, .pdf), made once per session, concurrently."""
    from xlsx_corpus import SOFFICE, lo_convert_many, sample_workbook

    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-test-deps.sh installs it"
    base = tmp_path_factory.mktemp("lo")
    src = sample_workbook(base / "sample.xlsx")
    lo_convert_many([([src], fmt, base / fmt) for fmt in ("xlsx", "xls", "ods", "pdf")])
    return {"openpyxl": src, "libreoffice": base / "xlsx" / "sample.xlsx", "xls": base / "xls" / "sample.xls",
            "ods": base / "ods" / "sample.ods", "pdf": base / "pdf" / "sample.pdf"}
