"""Running the validator on uploads: in worker processes, with bounds.

Every upload is read by the validator's own safe reader (`generator.validate.validate`)
and by nothing else.  The service runs it in a small pool of worker processes:

- uploads are validated in parallel (validation is CPU work; threads would queue on the
  interpreter lock);
- a hostile file that still managed to exhaust memory (each worker runs under an
  address-space limit) or crash the interpreter costs one worker, not the server: the
  pool is replaced and the upload is answered with `validation-failed`.

With `workers=0` validation runs in the calling thread (tools, tests, debugging).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

WORKER_MEMORY = 1536 * 1024 * 1024  # address space of one validation worker
TIMEOUT = 120.0  # seconds one validation may take before the upload is answered with an error


@dataclass
class Checked:
    """What the validator said about one file (all plain data, so it crosses processes)."""

    valid: bool
    errors: int
    warnings: int
    report: dict  # the JSON report contract
    html: str  # the validator's HTML report fragment
    document: dict | None  # the filed document; None when the file could not be read

    @property
    def readable(self) -> bool:
        return self.document is not None


def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):
        pass


def _warm(root: str) -> None:
    _limit_memory()
    try:
        import generator.validate  # noqa: F401  (import once per worker, not per upload)
    except ImportError:
        pass


def _project(root: str):
    from generator.project import Project

    return Project(Path(root))


_PREVIOUS: dict[tuple[str, str], object] = {}
_PREVIOUS_KEEP = 256


def _previous_report(path: str, root: str):
    """The validator's report on a stored previous filing, kept per process: stored files
    are named by their content and never change, so the report cannot go stale."""
    from generator.validate import validate

    key = (root, path)
    report = _PREVIOUS.pop(key, None)
    if report is None:
        report = validate(Path(path), project=_project(root))
    _PREVIOUS[key] = report  # most recently used last
    while len(_PREVIOUS) > _PREVIOUS_KEEP:
        _PREVIOUS.pop(next(iter(_PREVIOUS)))
    return report


def check_file(path: str, root: str, previous: str | None = None, filename: str | None = None,
               previous_immutable: bool = False) -> Checked:
    """Validate one file (in this process) and return plain data.  `previous_immutable`:
    the previous filing is a stored (content-named) file, whose report may be reused."""
    from generator.validate import validate
    from generator.validate.html import fragment

    prev = None
    if previous:
        prev = _previous_report(previous, root) if previous_immutable else Path(previous)
    report = validate(Path(path), project=_project(root), previous=prev, name=filename)
    return Checked(
        valid=bool(report.valid), errors=int(report.errors), warnings=int(report.warnings),
        report=report.to_dict(), html=fragment([report]), document=None if report.stopped else report.document,
    )


def annotate_file(path: str, root: str, previous: str | None, out: str) -> str | None:
    """Write the validator's marked copy of a filed workbook to `out`; None when done,
    else why not (in Chinese)."""
    import shutil
    import tempfile

    from generator.validate import validate

    try:
        from generator.validate.marked_copy import annotate_report

        report = validate(Path(path), project=_project(root), previous=Path(previous) if previous else None)
        with tempfile.TemporaryDirectory(prefix="yaojian-annotate-") as tmp:
            marked = annotate_report(report, path, Path(tmp))
            shutil.copyfile(marked if marked is not None else path, out)
    except ImportError:
        return "本服务安装的校验工具不含标注功能"
    except Exception as exc:  # noqa: BLE001 - a bad file must not take the page down
        return f"生成标注版时出错（{type(exc).__name__}）"
    return None


@dataclass
class Failure:
    """The validator could not finish (a crashed or stuck worker)."""

    reason: str


class Checker:
    def __init__(self, root: str | os.PathLike, workers: int = 0):
        self.root = str(root)
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                import multiprocessing

                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_warm, initargs=(self.root,),
                )
            return self._pool

    def _reset(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def _run(self, fn, *args):
        if self.workers <= 0:
            return fn(*args)
        pool = self._executor()
        try:
            return pool.submit(fn, *args).result(timeout=TIMEOUT)
        except BrokenProcessPool:
            self._reset(pool)
            return Failure("校验进程意外退出（文件可能含有异常内容）")
        except TimeoutError:
            return Failure("校验超时")

    def check(self, path: Path, previous: Path | None = None, filename: str | None = None,
              previous_immutable: bool = False) -> Checked | Failure:
        return self._run(check_file, str(path), self.root, str(previous) if previous else None, filename,
                         previous_immutable)

    def annotate(self, path: Path, previous: Path | None, out: Path) -> Failure | None:
        result = self._run(annotate_file, str(path), self.root, str(previous) if previous else None, str(out))
        if isinstance(result, str):
            return Failure(result)
        return result

    def warm(self) -> None:
        """Start the workers now rather than on the first upload."""
        if self.workers > 0:
            pool = self._executor()
            for f in [pool.submit(_noop) for _ in range(self.workers)]:
                f.result()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _noop() -> None:
    return None
