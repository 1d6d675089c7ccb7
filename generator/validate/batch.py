"""Validating many files: in this process for a few, in worker processes for many.

`validate_many(paths, project, ...)` returns the reports in the order of `paths`;
`progress(done, total)` is called as files finish.  Each worker loads the form
definitions once and validates its share; reports come back without their document
and internals (what the CLI prints is the findings).  A marked copy (`annotate_dir`) is
written by whichever process validated the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

from generator.validate.report import Report

PARALLEL_FROM = 8  # fewer files than this are not worth starting processes for

_STATE: dict = {}


def _init(root: str, previous: str | None, annotate_dir: str | None, names: dict | None = None) -> None:
    from generator.forms.model import load_forms
    from generator.project import Project

    project = Project(Path(root))
    _STATE.update(project=project, forms=load_forms(project.forms), previous=previous,
                  annotate_dir=annotate_dir, prev_report=None, names=names or {})


def _one(path: str) -> Report:
    from generator.validate import validate

    prev = _STATE.get("previous")
    if prev is not None and _STATE.get("prev_report") is None:
        _STATE["prev_report"] = validate(prev, project=_STATE["project"], forms=_STATE["forms"])
    report = validate(path, project=_STATE["project"], forms=_STATE["forms"], previous=_STATE.get("prev_report"))
    if _STATE.get("annotate_dir"):
        from generator.validate.marked_copy import annotate_report

        annotate_report(report, path, Path(_STATE["annotate_dir"]), _STATE["names"].get(str(path)))
    return report


def _slim(report: Report) -> Report:
    report.filed = None
    report.document = None
    return report


def _work(path: str) -> Report:
    return _slim(_one(path))


def validate_many(paths: Sequence[str], project, *, previous: str | None = None, annotate_dir: str | None = None,
                  jobs: int | None = None, progress: Callable[[int, int], None] | None = None,
                  keep_documents: bool = False) -> list[Report]:
    total = len(paths)
    names = None
    if annotate_dir:
        from generator.validate.marked_copy import annotated_names

        names = annotated_names(paths)
    jobs = jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, total))
    if jobs == 1 or total < PARALLEL_FROM:
        _init(str(project.root), previous, annotate_dir, names)
        out = []
        for i, p in enumerate(paths, 1):
            r = _one(p)
            out.append(r if keep_documents else _slim(r))
            if progress:
                progress(i, total)
        return out
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    chunk = max(1, min(32, total // (jobs * 8)))
    init = (str(project.root), previous, annotate_dir, names)
    out: list[Report] = []
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=init) as pool:
            for r in pool.map(_work, list(paths), chunksize=chunk):
                out.append(r)
                if progress:
                    progress(len(out), total)
    except BrokenProcessPool:
        # A worker died (killed from outside, or a file that takes the process down):
        # the files without a report are validated again, each in a process of its own,
        # so that only the file that kills its process is marked.
        for p in paths[len(out):]:
            out.append(_isolated(p, ctx, init))
            if progress:
                progress(len(out), total)
    return out


def _isolated(path: str, ctx, init) -> Report:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from generator.findings import Finding

    try:
        with ProcessPoolExecutor(1, mp_context=ctx, initializer=_init, initargs=init) as pool:
            return pool.submit(_work, path).result()
    except BrokenProcessPool:
        return Report.stop(path, Finding("unreadable-file", {"reason": "校验该文件的进程意外退出"}))
