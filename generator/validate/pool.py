"""Running the validator in worker processes, with bounds: the one pool for every caller.

`Pool` runs tasks in a few worker processes; the upload service (through `Checker`), the
roll-up and `yaojian validate` on many files (`generator.validate.batch`) all use it:

- validation is CPU work, so files are validated in parallel processes (threads would
  queue on the interpreter lock);
- each worker runs under an address-space limit (`WORKER_MEMORY`), so a hostile file that
  still managed to exhaust memory fails in its worker, not in the caller;
- a task that runs past `TIMEOUT` is given up as `Failure("校验超时")` and its worker is
  stopped, so a stuck worker never holds a batch or an upload;
- a worker that dies (a crash, a kill from outside, the memory limit) breaks the pool: it is
  replaced, and each task that was running in it is run again in a process of its own, so
  only the file that takes its process down gets `Failure`; the others are not lost.

With `workers=0` tasks run in the calling thread (tools, tests, debugging).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

WORKER_MEMORY = 1536 * 1024 * 1024  # address space of one validation worker
TIMEOUT = 120.0  # seconds one task may take before it is given up
CRASHED = "校验进程意外退出（文件可能含有异常内容）"
TIMED_OUT = "校验超时"


@dataclass
class Failure:
    """The validator could not finish (a crashed or stuck worker)."""

    reason: str


def _lifeline(parent: int) -> None:
    """In a worker: ignore the terminal's Ctrl+C and the group's SIGTERM (the caller stops
    its workers itself, after the tasks in progress are done), and exit at once when the
    caller's process is gone — even after kill -9 — instead of lingering under PID 1.
    Forkserver workers are the forkserver's children, so PR_SET_PDEATHSIG would watch the
    wrong process: a thread waits on a pidfd of the caller instead (polling where there is
    no pidfd)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        import select

        try:
            fd = os.pidfd_open(parent)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while True:
                try:
                    os.kill(parent, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(1)
        os._exit(0)

    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(0)
    threading.Thread(target=watch, name="yaojian-lifeline", daemon=True).start()


def _start_worker(memory: int | None, initializer: Callable | None, initargs: tuple, parent: int | None = None) -> None:
    if parent is not None:
        _lifeline(parent)
    if memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):
            pass
    import generator.validate  # noqa: F401  (import once per worker, not per task)

    if initializer is not None:
        initializer(*initargs)


def _noop() -> None:
    return None


class Pool:
    """Worker processes with a memory limit, a time limit per task and per-task retry.

    `start` is the multiprocessing start method: "forkserver" (the default) is safe in a
    process with threads (the web service); "fork" starts faster where the caller has no
    threads (the command line) and falls back to "spawn" where there is no fork.
    `initializer(*initargs)` runs once in each worker, after the memory limit is set.
    """

    def __init__(self, workers: int, *, initializer: Callable | None = None, initargs: tuple = (),
                 start: str = "forkserver", memory: int | None = WORKER_MEMORY, timeout: float = TIMEOUT):
        self.workers = max(0, workers)
        self.timeout = timeout
        self._init = (memory, initializer, initargs, os.getpid())
        self._start = start
        self._executor_now: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _context(self):
        import multiprocessing as mp

        method = self._start
        if method not in mp.get_all_start_methods():
            method = "spawn"
        return mp.get_context(method)

    def _new(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=self._context(), initializer=_start_worker,
                                   initargs=self._init)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor_now is None:
                self._executor_now = self._new(self.workers)
            return self._executor_now

    def _discard(self, pool: ProcessPoolExecutor, *, stop: bool = False) -> None:
        """Stop using `pool`; `stop`: end its workers now (one is stuck)."""
        with self._lock:
            if self._executor_now is pool:
                self._executor_now = None
        if stop:
            _stop_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)

    def _alone(self, fn: Callable, args: tuple) -> Any:
        """`fn(*args)` in a process of its own: the retry of a task whose pool broke."""
        pool = self._new(1)
        try:
            return pool.submit(fn, *args).result(timeout=self.timeout)
        except BrokenProcessPool:
            return Failure(CRASHED)
        except TimeoutError:
            _stop_workers(pool)
            return Failure(TIMED_OUT)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def run(self, fn: Callable, *args) -> Any:
        """`fn(*args)` in a worker; its result, or a `Failure`."""
        if self.workers <= 0:
            return fn(*args)
        for _ in range(2):
            pool = self._executor()
            try:
                future = pool.submit(fn, *args)
                break
            except (BrokenProcessPool, RuntimeError):  # another thread's task broke or replaced it
                self._discard(pool)
        else:
            return self._alone(fn, args)
        try:
            return future.result(timeout=self.timeout)
        except BrokenProcessPool:
            self._discard(pool)
            return self._alone(fn, args)
        except TimeoutError:
            self._discard(pool, stop=True)
            return Failure(TIMED_OUT)

    def map(self, fn: Callable, items: Sequence, progress: Callable[[int, int], None] | None = None) -> list:
        """`fn(item)` for each item, in the workers; the results (or `Failure`s) in the
        order of `items`.  `progress(done, total)` is called as items finish."""
        total = len(items)
        results: list[Any] = [None] * total
        done = 0

        def finish(i: int, result: Any) -> None:
            nonlocal done
            results[i] = result
            done += 1
            if progress:
                progress(done, total)

        if self.workers <= 0:
            for i, item in enumerate(items):
                finish(i, fn(item))
            return results
        # Twice as many tasks as workers are in flight, so no worker waits for its next
        # one.  The executor hands tasks out in order, so the oldest `workers` in flight are
        # the ones running: a task's clock starts when it enters that window (a little
        # after it really starts, never before).
        waiting = deque(range(total))
        running: dict[Future, list] = {}  # in submission order: future -> [index, started or None]
        pool = self._executor()
        while waiting or running:
            while waiting and len(running) < 2 * self.workers:
                i = waiting.popleft()
                running[pool.submit(fn, items[i])] = [i, None]
            now = time.monotonic()
            for entry in list(running.values())[: self.workers]:
                if entry[1] is None:
                    entry[1] = now
            oldest = min(e[1] for e in running.values() if e[1] is not None)
            finished, _ = wait(running, timeout=max(0.0, oldest + self.timeout - now), return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                else:
                    finish(running.pop(future)[0], future.result())
            if finished and not broken:
                continue
            # A worker died and took the pool down (`broken`), or a task ran out of time.
            # The tasks that were running are the suspects: after a death each is run again
            # alone, so only the one that kills its process fails; a late one has failed.
            # The pool is replaced and the tasks that were only queued go again.
            now = time.monotonic()
            suspects: list[int] = []
            again: list[int] = []
            for future, (i, started) in running.items():
                if future.done() and future.exception() is None:
                    finish(i, future.result())
                elif started is not None and (broken or now - started >= self.timeout):
                    suspects.append(i)
                else:
                    again.append(i)
            running.clear()
            self._discard(pool, stop=not broken)
            for i in suspects:
                finish(i, self._alone(fn, (items[i],)) if broken else Failure(TIMED_OUT))
            waiting.extendleft(reversed(again))
            pool = self._executor()
        return results

    def warm(self) -> None:
        """Start the workers now rather than on the first task.

        Called from the main thread, this also starts multiprocessing's forkserver with
        SIGTERM ignored (a disposition that survives exec, and that the forkserver passes
        on to the workers it forks): a SIGTERM sent to the server's process group must not
        kill the forkserver, whose end the executor would take for the death of every
        worker, failing the uploads in progress.  The caller stops the workers itself; the
        forkserver ends with the caller (its pipe from the caller closes)."""
        if self.workers > 0:
            if self._context().get_start_method() == "forkserver" and threading.current_thread() is threading.main_thread():
                import signal
                from multiprocessing import forkserver

                previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
                try:
                    forkserver.ensure_running()
                finally:
                    signal.signal(signal.SIGTERM, previous)
            pool = self._executor()
            for f in [pool.submit(_noop) for _ in range(self.workers)]:
                f.result()

    def close(self, wait: bool = False) -> None:
        """Stop the workers; with `wait`, let the tasks in progress finish and the workers
        exit before returning (a clean stop)."""
        with self._lock:
            pool, self._executor_now = self._executor_now, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass


# -- one file, as the service and the roll-up ask -------------------------------------------


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
    from generator.validate.marked_copy import annotate_report

    try:
        report = validate(Path(path), project=_project(root), previous=Path(previous) if previous else None)
        with tempfile.TemporaryDirectory(prefix="yaojian-annotate-") as tmp:
            marked = annotate_report(report, path, Path(tmp))
            shutil.copyfile(marked if marked is not None else path, out)
    except Exception as exc:  # noqa: BLE001 - a bad file must not take the page down
        return f"生成标注版时出错（{type(exc).__name__}）"
    return None



class Checker:
    """The validator on single files, in a `Pool` (forkserver: the service has threads)."""

    def __init__(self, root: str | os.PathLike, workers: int = 0):
        self.root = str(root)
        self.workers = workers
        self.pool = Pool(workers)

    def check(self, path: Path, previous: Path | None = None, filename: str | None = None,
              previous_immutable: bool = False) -> Checked | Failure:
        return self.pool.run(check_file, str(path), self.root, str(previous) if previous else None, filename,
                             previous_immutable)

    def annotate(self, path: Path, previous: Path | None, out: Path) -> Failure | None:
        result = self.pool.run(annotate_file, str(path), self.root, str(previous) if previous else None, str(out))
        if isinstance(result, str):
            return Failure(result)
        return result

    def warm(self) -> None:
        """Start the workers now rather than on the first upload."""
        self.pool.warm()

    def close(self, wait: bool = False) -> None:
        """Stop the workers; `wait`: after the work in progress (a clean stop)."""
        self.pool.close(wait)
