"""Benchmark of the upload service and the roll-up (a benchmark, not a test).

    python bench/serve.py [--clients 8] [--uploads 50] [--units 300] [--workers N]

1. Starts `yaojian serve` on 127.0.0.1 with a fresh SQLite ledger, and has `--clients`
   clients (threads, one unit account each) upload `--uploads` real filed workbooks each,
   all at once: the monthly form's blank template filled with a valid random filing, each
   file distinct.  An upload is timed from the POST to the result page (received, stored,
   validated by the validator in a worker process, recorded, and the page with the
   validator's report rendered).  Prints uploads per second and p50/p95 latency.
2. Records `--units` units' filings of one month in a ledger and times the roll-up from
   it (sum, write the workbook) and then the roll-up's own validation.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from service_client import Client, submission_id  # noqa: E402
from service_fixtures import add_account, free_port, Server  # noqa: E402
from service_support import monthly_form, random_document, workbook_bytes  # noqa: E402

PASSWORD = "bench password 1"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def bench_uploads(project, tmp: Path, clients: int, uploads: int, workers: int | None) -> None:
    form = monthly_form(project)
    rng = random.Random(1)
    print(f"准备 {clients} × {uploads} 个报表文件……", flush=True)
    books: dict[int, list[bytes]] = {}
    for i in range(clients):
        unit = f"单位{i:02d}"
        base = random_document(form, unit, "2022-05-31", rng)
        files = []
        for n in range(uploads):
            doc = dict(base, header=dict(base["header"], note=f"第 {n + 1} 次报送"))
            files.append(workbook_bytes(project, form, doc))
        books[i] = files
    db = str(tmp / "bench.db")
    for i in range(clients):
        add_account(db, tmp / "files", f"b{i}", PASSWORD, unit=f"单位{i:02d}")
    extra = ["--workers", str(workers)] if workers is not None else []
    server = Server(db, tmp / "files", free_port(), extra).start()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        c = Client(server.url)
        c.login(f"b{i}", PASSWORD)
        token = c.token("/upload")
        barrier.wait()
        for n, data in enumerate(books[i]):
            t = time.perf_counter()
            r = c.upload(data, f"月报-{n}.xlsx", token=token)
            dt = time.perf_counter() - t
            with lock:
                if r.status == 200 and submission_id(r) is not None:
                    latencies.append(dt)
                else:
                    failures.append(f"{i}/{n}: {r.status}")

    try:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.stop()
    total = len(latencies)
    print(f"上传：{clients} 个客户端并发，共 {total} 次（失败 {len(failures)}），用时 {wall:.1f} 秒")
    print(f"  吞吐 {total / wall:.1f} 次/秒；延迟 p50 {percentile(latencies, 0.5) * 1000:.0f} ms，"
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms，最大 {max(latencies) * 1000:.0f} ms")
    print("  （含接收、按 sha256 存储、校验器校验、记入台账、返回含校验报告的结果页）")


def bench_rollup(project, tmp: Path, units: int) -> None:
    from generator.rollup import from_ledger, to_bytes
    from generator.service.accounts import Accounts
    from generator.service.ledger import Checked, Ledger
    from generator.validate import validate

    form = monthly_form(project)
    rng = random.Random(2)
    ledger = Ledger.open(tmp / "rollup.db", tmp / "rollup-files")
    accounts = Accounts(ledger)
    print(f"准备 {units} 个单位的月报……", flush=True)
    from generator.service import db as dbmod
    from generator.service.ledger import Ledger as L

    for i in range(units):
        unit = f"第{i:03d}单位"
        doc = random_document(form, unit, "2022-05-31", rng)
        data = workbook_bytes(project, form, doc)
        sha = ledger.store.put_bytes(data)
        with dbmod.write(ledger.engine) as conn:
            unit_id = L.ensure_unit(conn, unit)
        ledger.record(unit_id=unit_id, form=form.id, period="2022-05", sha256=sha, size=len(data), filename="月报.xlsx",
                      checked=Checked(True, 0, 0, {"findings": []}, "", doc))
    del accounts
    t = time.perf_counter()
    result = from_ledger(ledger, project, form.id, "2022-05", unit="永川区工作小组办公室")
    t_sum = time.perf_counter() - t
    data = to_bytes(result.rollup, project)
    t_all = time.perf_counter() - t
    out = tmp / "汇总.xlsx"
    out.write_bytes(data)
    t = time.perf_counter()
    report = validate(out, project=project)
    t_valid = time.perf_counter() - t
    ledger.close()
    listed = len(result.rollup.document["tables"]["major_cases"])
    cases = sum(len(v) for v in result.rollup.all_cases.values())
    print(f"汇总：{units} 个单位（{cases} 个大案要案，表1 列出 {listed} 个）：读取台账并相加 {t_sum:.2f} 秒，"
          f"连同写出工作簿（含各单位明细表） {t_all:.2f} 秒；")
    print(f"  汇总表 {len(data) / 1024:.0f} KB，校验 {t_valid:.2f} 秒：{'通过' if report.valid else '未通过'}"
          f"（{report.errors} 个错误，{report.warnings} 个警告）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=50, help="每个客户端上传的文件数")
    parser.add_argument("--units", type=int, default=300, help="汇总基准的单位数")
    parser.add_argument("--workers", type=int, default=None, help="服务的校验进程数（默认同 yaojian serve）")
    args = parser.parse_args()

    from generator.project import Project

    project = Project(REPO)
    import os

    print(f"CPU {os.cpu_count()} 核；Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="yaojian-bench-") as tmp:
        bench_uploads(project, Path(tmp), args.clients, args.uploads, args.workers)
        bench_rollup(project, Path(tmp), args.units)


if __name__ == "__main__":
    main()
