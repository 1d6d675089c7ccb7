"""bench/build.py keeps working: its synthetic content (every file copied with new ids)
passes `yaojian check`, so the benchmark measures a real build."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_content_checks_clean(tmp_path):
    from generator.project_check import check_project
    from generator.project import Project

    bench = _bench()
    base, _ = bench.base_project(tmp_path / "base")
    big = bench.scale(base, tmp_path / "big", 3)
    result = check_project(Project(big))
    assert result.errors == 0, [f.message for f in result.findings[:5]]
    docs = list((big / "content" / "documents").glob("*.yaml"))
    assert len(docs) == 3 * len(list((base / "content" / "documents").glob("*.yaml")))
