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


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300, env: dict | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m generator ...` as a real process."""
    full_env = dict(os.environ)
    full_env.pop("YAOJIAN_DEBUG", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd or REPO, capture_output=True, text=True, timeout=timeout, env=full_env, input=input,
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


# -- the procedures site ------------------------------------------------------------------
SITE_TODAY = "2022-06-15"  # inside 永川's 整治阶段, so 首页 has a current phase and next deadlines


@pytest.fixture(scope="session")
def site_project(tmp_path_factory) -> Path:
    """A project for the site tests (tests/site_project.py), built once per session."""
    from site_project import make_project

    return make_project(tmp_path_factory.mktemp("site") / "proj")


@pytest.fixture(scope="session")
def built_site(site_project) -> Path:
    """`yaojian build` run for real on `site_project`; the site folder it wrote."""
    result = run_cli("build", "--root", str(site_project), "--today", SITE_TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_project / "site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """`yaojian build` of the repository itself (content/ and forms/ as they are), into a temp folder."""
    out = tmp_path_factory.mktemp("real") / "site"
    result = run_cli("build", "--root", str(REPO), "--site-dir", str(out), "--today", SITE_TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return out
