"""Benchmark of the upload service and the roll-up (a benchmark, not a test).

    python bench/serve.py [--clients 8] [--uploads 50] [--units 300] [--workers N] [--checks 100] [--only online]

1. Starts `yaojian serve` on 127.0.0.1 with a fresh SQLite ledger, and has `--clients`
   clients (threads, one unit account each) upload `--uploads` real filed workbooks each,
   all at once: the monthly form's blank template filled with a valid random filing, each
   file distinct.  An upload is timed from the POST to the result page (received, stored,
   validated by the validator in a worker process, recorded, and the page with the
   validator's report rendered).  Prints uploads per second and p50/p95 latency.
2. Records `--units` units' filings of one month in a ledger and times the roll-up from
   it (sum, write the workbook) and then the roll-up's own validation.
3. 在线填报: `--clients` clients, each a unit with an accepted May filing, open June online
   (pre-filled) and type into it: every change is one check round trip (POST …/check with
   the whole form's values → the validator's findings), `--checks` each, at a typist's
   pace of about four a second (the page's own debounce is 350 ms).  Prints the round
   trip's p50/p95 beside, measured in the same run, the cost of validating the same
   values from an uploaded workbook: writing it (the form's writer) and reading and
   validating it (`yaojian validate`'s library call).
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

from service_client import Client, page_fields, submission_id  # noqa: E402
from service_fixtures import add_account, free_port, Server  # noqa: E402
from service_support import monthly_form, random_document, workbook_bytes  # noqa: E402

PASSWORD = "bench password 1"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_clients(client, clients: int, barrier: threading.Barrier) -> float:
    """Run `client(i)` in one thread each, all released at once; the wall time until all end."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start


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
        wall = run_clients(client, clients, barrier)
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


def bench_online(project, tmp: Path, clients: int, checks: int) -> None:
    import json

    from generator.forms.filled import to_bytes, write_values
    from generator.service.online_form import entry_for
    from generator.validate import validate
    from generator.validate.typed_values import check_values

    form = monthly_form(project)
    rng = random.Random(3)
    db = str(tmp / "online.db")
    mays = {}
    for i in range(clients):
        unit = f"在线{i:02d}"
        add_account(db, tmp / "online-files", f"o{i}", PASSWORD, unit=unit)
        mays[i] = workbook_bytes(project, form, random_document(form, unit, "2022-05-31", rng))
    server = Server(db, tmp / "online-files", free_port(), []).start()
    page = "/online/monthly-progress/2022-06"
    latencies: list[float] = []
    failures: list[str] = []
    limited = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    sample: dict = {}

    def client(i: int) -> None:
        c = Client(server.url)
        c.login(f"o{i}", PASSWORD)
        assert submission_id(c.upload(mays[i], "五月.xlsx", period="2022-05")) is not None
        text = c.get(page).text
        token = c.token(page)
        values = page_fields(text)
        grid = sorted(k for k in values if ".rows." in k or ".key_areas." in k)
        local = random.Random(i)
        sample.setdefault("values", values)
        barrier.wait()
        for n in range(checks):
            name = local.choice(grid)
            values[name] = str(local.randint(0, 60)) if n % 7 else "-1"
            body = json.dumps({"values": values}).encode()
            t = time.perf_counter()
            r = c.request("POST", page + "/check", body, {"Content-Type": "application/json", "X-CSRF-Token": token})
            dt = time.perf_counter() - t
            with lock:
                if r.status == 200:
                    latencies.append(dt)
                elif r.status == 429:
                    limited[0] += 1
                else:
                    failures.append(f"{i}/{n}: {r.status}")
            time.sleep(max(0.0, 0.25 - dt))

    try:
        wall = run_clients(client, clients, barrier)
    finally:
        server.stop()

    # the same values, as an uploaded workbook: written by the form's writer, then validated
    entry = entry_for(form, project)
    values = entry.values(sample["values"])
    may_report = validate(mays[0], project=project)
    rounds = 20
    t = time.perf_counter()
    for _ in range(rounds):
        data = to_bytes(write_values(form, project, values))
    t_write = (time.perf_counter() - t) / rounds
    t = time.perf_counter()
    for _ in range(rounds):
        validate(data, project=project, previous=may_report, name="在线填报.xlsx")
    t_validate = (time.perf_counter() - t) / rounds
    t = time.perf_counter()
    for _ in range(rounds):
        check_values(form, project, values, previous=may_report)
    t_check = (time.perf_counter() - t) / rounds

    total = len(latencies)
    print(f"在线填报：{clients} 个客户端同时填写，共检查 {total} 次（失败 {len(failures)}，限流 {limited[0]}），用时 {wall:.1f} 秒")
    print(f"  检查往返 p50 {percentile(latencies, 0.5) * 1000:.1f} ms，p95 {percentile(latencies, 0.95) * 1000:.1f} ms，"
          f"最大 {max(latencies) * 1000:.1f} ms（目标 p95 < 100 ms；含整张表的校验与累计数核对）")
    print(f"  同一批数值在服务器内检查一次 {t_check * 1000:.1f} ms；作为上传的工作簿：写出 {t_write * 1000:.0f} ms，"
          f"读取并校验 {t_validate * 1000:.0f} ms（共 {(t_write + t_validate) * 1000:.0f} ms）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=50, help="每个客户端上传的文件数")
    parser.add_argument("--units", type=int, default=300, help="汇总基准的单位数")
    parser.add_argument("--workers", type=int, default=None, help="服务的校验进程数（默认同 yaojian serve）")
    parser.add_argument("--checks", type=int, default=100, help="在线填报基准中每个客户端的检查次数")
    parser.add_argument("--only", choices=["uploads", "rollup", "online"], help="只运行其中一项")
    args = parser.parse_args()

    from generator.project import Project

    project = Project(REPO)
    import os

    print(f"CPU {os.cpu_count()} 核；Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="yaojian-bench-") as tmp:
        if args.only in (None, "uploads"):
            bench_uploads(project, Path(tmp), args.clients, args.uploads, args.workers)
        if args.only in (None, "rollup"):
            bench_rollup(project, Path(tmp), args.units)
        if args.only in (None, "online"):
            bench_online(project, Path(tmp), args.clients, args.checks)


if __name__ == "__main__":
    main()
