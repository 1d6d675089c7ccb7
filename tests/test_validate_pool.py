"""The one worker pool (generator.validate.pool.Pool) under failure: a worker that dies,
a task that never ends, the memory limit — in real worker processes."""

from __future__ import annotations

import os
import signal
import time

import pytest

from generator.validate.pool import CRASHED, TIMED_OUT, Failure, Pool


def square_or_die(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies as a crashing interpreter would
    return n * n


def square_or_hang(n: int) -> int:
    if n == 2:
        time.sleep(600)
    return n * n


def square_slowly_or_hang(n: int) -> int:
    time.sleep(600 if n == 2 else 1.5)
    return n * n


def address_space_limit(_: int) -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def pid(_: int = 0) -> int:
    return os.getpid()


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_dead_worker_costs_only_its_own_item(start):
    with Pool(2, start=start) as pool:
        results = pool.map(square_or_die, list(range(8)))
    assert results[3] == Failure(CRASHED)
    assert [r for i, r in enumerate(results) if i != 3] == [i * i for i in range(8) if i != 3]


def test_a_stuck_task_is_given_up_and_the_batch_goes_on():
    done = []
    started = time.monotonic()
    with Pool(2, start="fork", timeout=3) as pool:
        results = pool.map(square_or_hang, list(range(6)), lambda d, t: done.append((d, t)))
    assert time.monotonic() - started < 60
    assert results[2] == Failure(TIMED_OUT)
    assert [r for i, r in enumerate(results) if i != 2] == [i * i for i in range(6) if i != 2]
    assert done[-1] == (6, 6) and len(done) == 6


def test_a_stuck_task_in_the_service_is_given_up_and_its_worker_stopped():
    with Pool(1, timeout=2) as pool:
        stuck_pid = pool.run(pid)
        assert pool.run(square_or_hang, 2) == Failure(TIMED_OUT)
        assert pool.run(square_or_hang, 4) == 16  # a fresh worker answers
        assert pool.run(pid) != stuck_pid
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # the stuck worker was stopped, not left running
            os.kill(stuck_pid, 0)
            time.sleep(0.1)


def test_after_a_crash_the_service_pool_answers_again():
    with Pool(1) as pool:
        assert pool.run(square_or_die, 3) == Failure(CRASHED)
        assert pool.run(square_or_die, 5) == 25


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_every_worker_runs_under_the_memory_limit(start):
    with Pool(2, start=start, memory=700 * 1024 * 1024) as pool:
        assert set(pool.map(address_space_limit, list(range(4)))) == {700 * 1024 * 1024}
        assert pool.run(address_space_limit, 0) == 700 * 1024 * 1024


def test_without_workers_tasks_run_here():
    with Pool(0) as pool:
        assert pool.run(pid) == os.getpid()
        assert pool.map(square_or_hang, [1, 3]) == [1, 9]


def test_uploads_in_other_threads_survive_a_stuck_one():
    """The service's threads share one pool: a stuck upload is stopped with its worker, and
    the uploads that were running or waiting beside it (one worker works through 1.5 s
    tasks while the other is stuck for 4 s) are run again, not lost."""
    import threading

    results = {}
    with Pool(2, timeout=4) as pool:
        pool.warm()

        def upload(n):
            results[n] = pool.run(square_slowly_or_hang, n)

        threads = [threading.Thread(target=upload, args=(n,)) for n in (2, 3, 4, 5, 6)]
        for t in threads:
            t.start()
            time.sleep(0.05)
        for t in threads:
            t.join(60)
    assert results == {2: Failure(TIMED_OUT), 3: 9, 4: 16, 5: 25, 6: 36}
