"""`yaojian backup` and `yaojian restore` on real ledgers, and the commands run from a folder
outside the checkout.

The backup is taken by the real CLI while eight clients keep uploading to a real server;
the restore into a new folder must pass SQLite's integrity check and hold every upload that
was acknowledged before the backup began, each with its file.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli
from service_client import Client, submission_id
from service_fixtures import REPO, add_account, postgres_cluster, start_server  # noqa: F401 (fixture)
from service_support import monthly_form, random_document, unit_books, variants, workbook_bytes

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def project_m():
    from generator.project import Project

    return Project(REPO)


def _ledger_rows(db: str, files: Path) -> dict[int, str]:
    from generator.service.ledger import Ledger

    ledger = Ledger.open(db, files)
    try:
        assert ledger.check() == []  # integrity_check, and every row's file hashed
        return {s.id: s.sha256 for s in ledger.history()}
    finally:
        ledger.close()


def test_backup_while_eight_clients_upload_then_restore_into_a_new_folder(tmp_path, project_m):
    db = str(tmp_path / "ledger.db")
    units = unit_books(project_m, 8, seed=13)
    for i, unit in enumerate(units):
        add_account(db, tmp_path / "files", f"b{i}", PASSWORD, unit=unit)
    srv = start_server(tmp_path, db=db)
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(i: int, unit: str) -> None:
        c = Client(srv.url, timeout=60)
        assert c.login(f"b{i}", PASSWORD).status == 200
        token = c.token("/upload")
        for data in variants(units[unit], 40, f"backup {unit}"):
            if stop.is_set():
                return
            r = c.upload(data, "月报.xlsx", token=token)
            sid = submission_id(r)
            if r.status == 200 and sid is not None:
                with lock:
                    acknowledged.append((sid, hashlib.sha256(data).hexdigest()))

    threads = [threading.Thread(target=client, args=(i, u)) for i, u in enumerate(units)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 300
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        with lock:
            before = list(acknowledged)
        assert len(before) >= 40
        dest = tmp_path / "备份"
        result = run_cli("backup", str(dest), "--db", db, "--files", str(tmp_path / "files"), timeout=300)
        with lock:
            after = len(acknowledged)
        assert result.returncode == 0, result.stderr
        assert "已备份到" in result.stdout and "Traceback" not in result.stderr
        assert after > len(before), "uploads went on while the backup ran"  # it really ran concurrently
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=300)
        srv.stop()

    manifest = json.loads((dest / "backup.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "sqlite" and manifest["files"] >= len(before)

    # a live ledger is never overwritten
    refused = run_cli("restore", str(dest), "--db", db, "--files", str(tmp_path / "files"), timeout=120)
    assert refused.returncode == 1 and "已存在" in refused.stderr and "Traceback" not in refused.stderr

    new = tmp_path / "恢复"
    new.mkdir()
    restored = run_cli("restore", str(dest), "--db", str(new / "yaojian.db"), "--files", str(new / "files"), timeout=300)
    assert restored.returncode == 0, restored.stderr
    assert "核对无误" in restored.stdout
    conn = sqlite3.connect(new / "yaojian.db")
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        conn.close()
    with sqlite3.connect(new / "yaojian.db") as conn:  # nobody gets in on a cookie from before the backup
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    rows = _ledger_rows(str(new / "yaojian.db"), new / "files")
    for sid, sha in before:
        assert rows.get(sid) == sha, f"submission {sid}, acknowledged before the backup, is missing"
        assert (new / "files" / sha[:2] / sha).is_file()
    # the restored ledger serves again and goes on numbering
    srv2 = start_server(new, db=str(new / "yaojian.db"))
    try:
        c = Client(srv2.url)
        assert c.login("b0", PASSWORD).status == 200
        r = c.upload(variants(units["单位00"], 1, "after restore")[0], "恢复后.xlsx")
        assert r.status == 200 and submission_id(r) is not None
    finally:
        srv2.stop()


def test_backup_refuses_a_folder_that_holds_something_and_a_missing_ledger(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "旧备份.txt").write_text("x")
    r = run_cli("backup", str(busy), "--db", str(tmp_path / "none.db"), timeout=60)
    assert r.returncode == 1 and "不是空目录" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("backup", str(tmp_path / "new"), "--db", str(tmp_path / "none.db"), timeout=60)
    assert r.returncode == 1 and "不存在" in r.stderr
    assert not (tmp_path / "new").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".new.")]  # no half-written backup left
    r = run_cli("restore", str(busy), "--db", str(tmp_path / "x.db"), timeout=60)
    assert r.returncode == 1 and "不是 yaojian backup 写出的备份" in r.stderr


def test_backup_and_restore_on_postgresql(tmp_path, project_m, postgres_cluster):
    url = postgres_cluster.create_database()
    files = tmp_path / "files"
    add_account(url, files, "gaj", PASSWORD, unit="区公安局")
    srv = start_server(tmp_path, db=url)
    form = monthly_form(project_m)
    doc = random_document(form, "区公安局", "2022-05-31", random.Random(3))
    try:
        c = Client(srv.url)
        assert c.login("gaj", PASSWORD).status == 200
        ids = [submission_id(c.upload(data, "月报.xlsx")) for data in variants(workbook_bytes(project_m, form, doc), 3, "pg")]
        assert all(ids)
        dest = tmp_path / "pg-backup"
        r = run_cli("backup", str(dest), "--db", url, "--files", str(files), timeout=120)
        assert r.returncode == 0, r.stderr
    finally:
        srv.stop()
    assert "password" not in (dest / "backup.json").read_text()
    target = postgres_cluster.create_database()
    new_files = tmp_path / "files2"
    r = run_cli("restore", str(dest), "--db", target, "--files", str(new_files), timeout=120)
    assert r.returncode == 0, r.stderr
    rows = _ledger_rows(target, new_files)
    assert sorted(rows) == sorted(ids)
    # a second restore into the same database is refused
    r = run_cli("restore", str(dest), "--db", target, "--files", str(new_files), timeout=120)
    assert r.returncode == 1 and "已有台账" in r.stderr


def test_a_postgresql_ledger_needs_one_named_files_folder(tmp_path, postgres_cluster):
    url = postgres_cluster.create_database()
    r = run_cli("serve", "--db", url, "--port", "0", cwd=tmp_path, env={"YAOJIAN_FILES": ""}, timeout=60)
    assert r.returncode == 1 and "--files" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "yaojian-files").exists()


def test_commands_work_from_a_folder_outside_the_checkout(tmp_path, project_m):
    """validate, forms, users and rollup, run in an unrelated folder with no YAOJIAN_ROOT,
    find the installed project and leave nothing behind in that folder."""
    outside = tmp_path / "别处"
    outside.mkdir()
    form = monthly_form(project_m)
    doc = random_document(form, "区公安局", "2022-05-31", random.Random(9))
    (outside / "五月.xlsx").write_bytes(workbook_bytes(project_m, form, doc))
    env = {"YAOJIAN_ROOT": "", "YAOJIAN_DB": "", "YAOJIAN_FILES": ""}
    r = run_cli("validate", "五月.xlsx", "--format", "json", cwd=outside, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["valid"] is True
    r = run_cli("forms", "--out", "空白", cwd=outside, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (outside / "空白" / "monthly-progress.xlsx").is_file()
    r = run_cli("users", "add", "gaj", "--unit", "区公安局", "--password-stdin", "--db", str(tmp_path / "l.db"),
                cwd=outside, env=env, timeout=60, input=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    r = run_cli("rollup", "--from", str(outside), "--form", "monthly-progress", "--out", "汇总.xlsx",
                cwd=outside, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    leftovers = sorted(p.name for p in outside.iterdir())
    assert leftovers == ["五月.xlsx", "汇总.xlsx", "空白"], leftovers  # no yaojian-files/, no yaojian.db
    assert not (tmp_path / "l-files").exists()  # adding an account stores no files


def test_two_serve_processes_on_one_postgresql_ledger_lose_nothing_across_restarts(tmp_path, project_m, postgres_cluster):
    """160 uploads by eight clients, spread over two `serve` processes that share one
    PostgreSQL ledger and one files folder; each process is restarted once mid-stream.
    Every acknowledged upload is in the ledger with its file, and each unit's versions run
    1, 2, 3 … without a gap or a repeat."""
    from service_fixtures import Server, free_port

    url = postgres_cluster.create_database()
    files = tmp_path / "shared-files"
    units = unit_books(project_m, 8, seed=17)
    for i, unit in enumerate(units):
        add_account(url, files, f"p{i}", PASSWORD, unit=unit)
    servers = [Server(url, files, free_port(), []).start(), Server(url, files, free_port(), []).start()]
    acknowledged: dict[str, set[str]] = {u: set() for u in units}
    lock = threading.Lock()
    problems: list[str] = []

    def client(i: int, unit: str) -> None:
        srv = servers[i % 2]
        c = None
        for n, data in enumerate(variants(units[unit], 20, f"pg2 {unit}")):
            for attempt in range(100):
                try:
                    if c is None:
                        c = Client(srv.url, timeout=60)
                        if c.login(f"p{i}", PASSWORD).status != 200:
                            raise OSError("login refused")
                    r = c.upload(data, f"{unit}-{n}.xlsx")
                except OSError:
                    c = None  # the process is restarting: log in again and send the same file
                    time.sleep(0.2)
                    continue
                if r.status == 200 and submission_id(r) is not None:
                    with lock:
                        acknowledged[unit].add(hashlib.sha256(data).hexdigest())
                    break
                if r.status >= 500 or r.status in (302, 303, 403):
                    c = None
                    time.sleep(0.2)
                    continue
                problems.append(f"{unit} #{n}: {r.status} {r.text[:200]}")
                break
            else:
                problems.append(f"{unit} #{n}: never acknowledged")

    def total() -> int:
        with lock:
            return sum(len(v) for v in acknowledged.values())

    threads = [threading.Thread(target=client, args=(i, u)) for i, u in enumerate(units)]
    try:
        for t in threads:
            t.start()
        for which, at in ((0, 40), (1, 100)):
            deadline = time.monotonic() + 300
            while total() < at and time.monotonic() < deadline:
                time.sleep(0.05)
            servers[which].stop()
            servers[which].start()
        for t in threads:
            t.join(timeout=600)
    finally:
        for srv in servers:
            srv.stop()
    assert not problems, problems[:5]
    assert total() == 160
    from generator.service.ledger import Ledger

    ledger = Ledger.open(url, files)
    try:
        assert ledger.check() == []
        subs = ledger.history()
        for unit, shas in acknowledged.items():
            mine = [s for s in subs if s.unit == unit]
            assert {s.sha256 for s in mine} == shas
            assert sorted(s.version for s in mine) == list(range(1, len(mine) + 1))
    finally:
        ledger.close()
