"""Benchmark: our xlsx reader beside the zipfile + expat floor.

    python bench/read.py [--n 1000] [--dir DIR] [--procs 2]

Generates N Excel-like filed workbooks (bench/corpus.py: shared strings, styles, cached
formula results, ~1,100 filled cells over 5 sheets) unless DIR already holds them, then
prints, for the reader and the floor (bench/floor.py): in-process ms per workbook (one
core), the wall time of a batch of N over PROCS processes, one file end to end as a
fresh process, and peak memory (VmHWM) per process.

Where PYTHONDONTWRITEBYTECODE is set (as on this workplace's machines), every fresh
process compiles generator/xlsx from source (~20 ms more than with .pyc files, which
an installed package has).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from corpus import write_corpus  # noqa: E402
from floor import floor_bare, floor_read  # noqa: E402
from measure import cpu_ms_per_file, peak_mb  # noqa: E402


def ours(path) -> int:
    from generator.xlsx import read_workbook

    return sum(len(s.cells) for s in read_workbook(path).sheets)


FUNCS = {"reader": ours, "floor": floor_read, "floor-bare": floor_bare}


def _work(args):
    name, paths = args
    fn = FUNCS[name]
    t = time.process_time()
    for p in paths:
        fn(p)
    return peak_mb(), time.process_time() - t


def in_process(name: str, paths: list[Path], rounds: int = 3) -> float:
    return cpu_ms_per_file(FUNCS[name], paths, rounds)


def batch(name: str, paths: list[Path], procs: int, rounds: int = 2) -> tuple[float, float, float]:
    """(wall seconds for all paths over `procs` fresh (spawned) processes, pool start-up
    included, best of `rounds`; peak MB of a worker; CPU seconds of the busiest worker,
    what the wall time comes to on an otherwise idle machine)."""
    chunks = [(name, paths[i::procs]) for i in range(procs)]
    best, peak, cpu = float("inf"), 0.0, float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        with mp.get_context("spawn").Pool(procs) as pool:
            results = pool.map(_work, chunks)
        best = min(best, time.perf_counter() - t)
        peak = max(peak, *(r[0] for r in results))
        cpu = min(cpu, max(r[1] for r in results))
    return best, peak, cpu


FRESH = {
    "reader": "import sys; from generator.xlsx import read_workbook; read_workbook(sys.argv[1])",
    "floor": "import sys; sys.path.insert(0, 'bench'); from floor import floor_read; floor_read(sys.argv[1])",
    "python -c pass": "pass",
}


def fresh(code: str, path: Path, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="yaojian-bench-"))
    paths = sorted(folder.glob("filed-*.xlsx"))[: args.n]
    if len(paths) < args.n:
        t = time.perf_counter()
        paths = write_corpus(folder, args.n)
        print(f"generated {args.n} workbooks in {folder} ({time.perf_counter() - t:.1f} s)")
    cells = ours(paths[0])
    size = paths[0].stat().st_size
    print(f"{len(paths)} workbooks, {cells} cells each, {size / 1024:.0f} KB each; python {sys.version.split()[0]}")
    print()
    head = f"batch of {len(paths)}, {args.procs} procs: wall (busiest worker's CPU)"
    print(f"{'':12}{'in-process CPU':>16}  {head:52}{'fresh process':>14}")
    for name in ("reader", "floor", "floor-bare"):
        ms = in_process(name, paths)
        wall, peak, cpu = batch(name, paths, args.procs)
        one = fresh(FRESH[name], paths[0]) if name in FRESH else float("nan")
        print(f"{name:12}{ms:10.2f} ms/wb  {wall:6.2f} s = {len(paths) / wall:5.0f} wb/s ({cpu:5.2f} s CPU), "
              f"peak {peak:3.0f} MB{one:12.0f} ms")
    print(f"{'python -c pass':14}{'':82}{fresh('pass', paths[0]):10.0f} ms")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times suffer when it is high)")
    print(f"\nthis process's peak memory: {peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
