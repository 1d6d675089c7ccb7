"""Benchmark: `yaojian validate` beside the floor (unzip + expat over the same sheet XML).

    python bench/validate.py [--n 1000] [--unique 40] [--dir DIR] [--procs 2]

Makes realistic filed monthly workbooks (附件1) as Excel saves them: the
blank template filled through the layout with random, mostly consistent figures (5–30
cases in 表1, ~1,000 filled cells), then saved again by LibreOffice headless, which
writes shared strings, styles and cached formula results as Excel/WPS do.  UNIQUE
distinct workbooks are made and copied to N files.  Prints, with peak memory:

- in-process CPU ms per workbook (warm, one core), validate() and the floor;
- one file end to end as a fresh process: `python -m generator validate FILE`, and the
  floor as a fresh process (and `python -c pass` for scale), with .pyc files as an
  installed package has them and, where PYTHONDONTWRITEBYTECODE is set (this workplace),
  also compiled from source as such a machine runs it;
- a batch of N: `python -m generator validate FILE... --format json` (its own worker
  processes) and the floor over PROCS spawned processes.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO), str(REPO / "tests")]

from floor import floor_read  # noqa: E402
from measure import cpu_ms_per_file as in_process, peak_mb  # noqa: E402


# -- the corpus ----------------------------------------------------------------------------

def random_values(form, rng: random.Random) -> dict:
    """A plausible filing: figures per stage, bands that count the same cases as the
    sources, parts within their whole, 5–30 cases in 表1."""
    import datetime as dt

    from validate_support import complete_values

    values = complete_values(form)
    for t in form.tables:
        if t.kind == "grid":
            na = {c.id for c in t.columns if rng.random() < 0.2}
            sources = [r for g in t.groups if g.id == "source" for r in g.rows]
            bands = [r for g in t.groups if g.id == "value" for r in g.rows if r.id.startswith("band_")]
            for c in t.columns:
                for r in t.rows:
                    values[(t.id, "rows", r.id, c.id)] = "/" if c.id in na else 0
                if c.id in na:
                    continue
                total = 0
                for r in sources:
                    n = rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21])
                    values[(t.id, "rows", r.id, c.id)] = n
                    total += n
                left = total
                for i, r in enumerate(bands):
                    n = left if i == len(bands) - 1 else rng.randint(0, left)
                    values[(t.id, "rows", r.id, c.id)] = n
                    left -= n
                for r in t.rows:
                    if r.kind == "amount" and r.group in ("value", "penalty"):
                        values[(t.id, "rows", r.id, c.id)] = round(rng.uniform(0, 500), 2)
                for r in t.rows:
                    if r.whole:
                        whole = values[(t.id, "rows", r.whole, c.id)]
                        values[(t.id, "rows", r.id, c.id)] = whole if not isinstance(whole, (int, float)) else (
                            round(whole * rng.random(), 2) if r.kind == "amount" else int(whole * rng.random()))
            if t.key_areas:
                for r in t.key_areas.rows:
                    for c in t.key_areas.columns:
                        values[(t.id, "key_areas", r.id, c.id)] = rng.choice([0, 1, 2]) if not c.parent else 0
        elif t.kind == "cases":
            for k in [k for k in values if k[0] == t.id]:
                del values[k]
            for i in range(rng.randint(5, 30)):
                value = round(rng.uniform(1, 200), 1)
                values[(t.id, i, "number", None)] = f"YC-2022-{i + 1:03d}"
                values[(t.id, i, "name", None)] = f"某单位涉嫌违法案（{i + 1}）"
                values[(t.id, i, "category", "device")] = "√"
                values[(t.id, i, "clue_source", "inspection")] = "√"
                values[(t.id, i, "situation", "value_over_500k" if value >= 50 else "major_impact")] = "√"
                values[(t.id, i, "progress", "filed")] = "√"
                values[(t.id, i, "value", None)] = value
                values[(t.id, i, "planned_close", None)] = dt.date(2022, 9, 30)
                values[(t.id, i, "summary", None)] = "根据现场检查发现线索，已立案调查，正在收集证据。" * 3
    return values


def make_corpus(folder: Path, n: int, unique: int) -> list[Path]:
    from generator.forms.model import load_forms
    from validate_support import filed_workbook
    from xlsx_corpus import lo_convert_many

    form = load_forms(REPO / "forms")["monthly-progress"]
    raw = folder / "openpyxl"
    rng = random.Random(2022)
    sources = [filed_workbook(form, raw / f"u{i:03d}.xlsx", random_values(form, rng)) for i in range(unique)]
    half = len(sources) // 2
    lo_convert_many([(c, "xlsx", folder / "lo") for c in (sources[:half], sources[half:]) if c], timeout=900)
    saved = [folder / "lo" / s.name for s in sources]
    out = []
    for i in range(n):
        p = folder / f"filed-{i:04d}.xlsx"
        shutil.copy(saved[i % len(saved)], p)
        out.append(p)
    shutil.rmtree(raw)
    return out


# -- measurements --------------------------------------------------------------------------

_PROJECT = []


def validate_one(path) -> int:
    from generator.project import Project
    from generator.validate import validate

    if not _PROJECT:
        _PROJECT.append(Project(REPO))
    return len(validate(path, project=_PROJECT[0]).findings)


def _floor_chunk(paths):
    for p in paths:
        floor_read(p)
    return peak_mb()


def floor_batch(paths: list[Path], procs: int) -> tuple[float, float]:
    t = time.perf_counter()
    with mp.get_context("spawn").Pool(procs) as pool:
        peaks = pool.map(_floor_chunk, [paths[i::procs] for i in range(procs)])
    return time.perf_counter() - t, max(peaks)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _hwm(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, the peak resident memory (VmHWM, MB) of the largest process of the
    command's tree — sampled every few ms while it runs (ru_maxrss would carry this
    benchmark's own size across fork/exec) — and the exit code."""
    import threading

    peak = [0.0]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    def watch():
        while proc.poll() is None:
            for p in _tree(proc.pid):
                peak[0] = max(peak[0], _hwm(p))
            time.sleep(0.003)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    proc.wait()
    wall = time.perf_counter() - t
    th.join()
    return wall, peak[0], proc.returncode


def fresh(cmd: list[str], runs: int = 15, env: dict | None = None) -> float:
    return statistics.median(run_timed(cmd, env)[0] for _ in range(runs)) * 1000


def with_bytecode() -> dict:
    """An environment in which Python uses (and writes) .pyc files, as an installed
    package has them; this workplace sets PYTHONDONTWRITEBYTECODE, so every fresh process
    would otherwise compile the whole package from source."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", "generator", "bench"], cwd=REPO, env=env,
                   stdout=subprocess.DEVNULL, check=False)
    return env


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--unique", type=int, default=40)
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="yaojian-bench-validate-"))
    paths = sorted(folder.glob("filed-*.xlsx"))[: args.n]
    if len(paths) < args.n:
        t = time.perf_counter()
        paths = make_corpus(folder, args.n, min(args.unique, args.n))
        print(f"generated {args.n} workbooks ({args.unique} distinct, saved by LibreOffice) in {folder} "
              f"({time.perf_counter() - t:.0f} s)")
    from generator.xlsx import read_workbook

    book = read_workbook(paths[0])
    cells = sum(len(s.cells) for s in book.sheets)
    print(f"{len(paths)} workbooks, ~{cells} cells each, {paths[0].stat().st_size / 1024:.0f} KB each; "
          f"python {sys.version.split()[0]}; {mp.cpu_count()} cores")
    print()

    ours_ms = in_process(validate_one, paths[:200])
    floor_ms = in_process(floor_read, paths[:200])
    print("in-process, CPU per workbook (warm, one core)")
    print(f"  validate()          {ours_ms:7.2f} ms")
    print(f"  floor (zip+expat)   {floor_ms:7.2f} ms")
    print(f"  this process's peak memory: {peak_mb():.0f} MB")
    print()

    py = sys.executable
    one = str(paths[0])
    ours_cmd = [py, "-m", "generator", "validate", one, "--format", "json"]
    floor_cmd = [py, "-c", "import sys; sys.path.insert(0, 'bench'); from floor import floor_read; floor_read(sys.argv[1])",
                 one]
    import os

    dont = os.environ.get("PYTHONDONTWRITEBYTECODE")
    cmds = (("yaojian validate", ours_cmd), ("floor", floor_cmd), ("python -c pass", [py, "-c", "pass"]))
    source = {}
    if dont:  # as this workplace runs it: the project's modules compiled from source every time
        for cache in list((REPO / "generator").rglob("__pycache__")) + [REPO / "bench" / "__pycache__"]:
            shutil.rmtree(cache, ignore_errors=True)
        source = {label: fresh(cmd) for label, cmd in cmds}
    env_pyc = with_bytecode()
    _w, peak_one, _rc = run_timed(ours_cmd, env_pyc)
    print("one file end to end as a fresh process (median of 15, wall)")
    print(f"{'':22}{'with .pyc':>10}" + (f"{'from source':>14}" if dont else ""))
    for label, cmd in cmds:
        line = f"  {label:20}{fresh(cmd, env=env_pyc):7.0f} ms"
        if dont:
            line += f"{source[label]:11.0f} ms"
        print(line)
    print(f"  peak memory of yaojian validate on one file: {peak_one:.0f} MB")
    print()

    walls = []
    for _ in range(2):
        wall, peak_batch, rc = run_timed([py, "-m", "generator", "validate", *map(str, paths), "--format", "json",
                                          "--jobs", str(args.procs)], env_pyc)
        walls.append(wall)
    wall = min(walls)
    fwall, fpeak = min(floor_batch(paths, args.procs) for _ in range(2))
    print(f"a batch of {len(paths)} on {args.procs} processes (wall, best of 2)")
    print(f"  yaojian validate    {wall:7.2f} s = {len(paths) / wall:5.0f} workbooks/s   (exit {rc}; "
          f"peak of the largest process {peak_batch:.0f} MB)")
    print(f"  floor               {fwall:7.2f} s = {len(paths) / fwall:5.0f} workbooks/s   (peak {fpeak:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
