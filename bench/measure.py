"""Measuring helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ms_per_file(fn: Callable[[Path], object], paths: list[Path], rounds: int = 3) -> float:
    """CPU ms per file, best of `rounds` passes after one warm-up call (the machine is
    shared: CPU time is steadier than wall clocks)."""
    fn(paths[0])
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for p in paths:
            fn(p)
        best = min(best, time.process_time() - t)
    return best * 1000 / len(paths)
