"""The ledger on SQLite and on PostgreSQL (a cluster the tests start themselves):
migrations, versions, duplicates, accepted filings, concurrency, accounts, consistency."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from service_fixtures import ledger, ledger_target, postgres_cluster  # noqa: F401  (fixtures)


def checked(valid=True, errors=0, findings=None, document=None):
    from generator.service.ledger import Checked

    findings = findings or []
    return Checked(valid=valid, errors=errors, warnings=0, report={"findings": findings}, html="<p>报告</p>",
                   document=document if document is not None else {"form": "monthly-progress", "header": {}, "tables": {}})


def file_for(ledger, data: bytes) -> tuple[str, int]:
    return ledger.store.put_bytes(data, "月报.xlsx"), len(data)


def record(ledger, unit_id, data: bytes, *, form="monthly-progress", period="2022-05", valid=True, **kw):
    sha, size = file_for(ledger, data)
    return ledger.record(unit_id=unit_id, form=form, period=period, sha256=sha, size=size, filename="月报.xlsx",
                         checked=checked(valid=valid, errors=0 if valid else 2), **kw)


def new_unit(ledger, name: str) -> int:
    from generator.service import db
    from generator.service.ledger import Ledger

    with db.write(ledger.engine) as conn:
        return Ledger.ensure_unit(conn, name)


def test_migrations_are_named_recorded_and_applied_once(ledger_target):
    from generator.service import migrations
    from generator.service.db import connect

    target, _ = ledger_target
    engine = connect(target)
    try:
        every = [name for name, _ in migrations.MIGRATIONS]
        assert every[:3] == ["0001-ledger", "0002-online-drafts", "0003-sessions"]
        assert migrations.migrate(engine) == every
        assert [name for name, _ in migrations.applied(engine)] == every
        assert migrations.migrate(engine) == []
        names = set(sa.inspect(engine).get_table_names())
        assert {"schema_migrations", "units", "accounts", "submissions", "login_attempts", "settings", "drafts",
                "sessions"} <= names
    finally:
        engine.dispose()


def test_a_failing_migration_leaves_no_trace(ledger_target):
    from generator.service import migrations
    from generator.service.db import connect

    def half(conn):
        conn.execute(sa.text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("boom")

    target, _ = ledger_target
    engine = connect(target)
    try:
        with pytest.raises(RuntimeError):
            migrations.migrate(engine, migrations.MIGRATIONS + (("9999-half", half),))
        assert [n for n, _ in migrations.applied(engine)] == [name for name, _ in migrations.MIGRATIONS]
        assert "half_done" not in sa.inspect(engine).get_table_names()
        assert migrations.migrate(engine) == []
    finally:
        engine.dispose()


def test_versions_count_up_and_the_same_bytes_are_recorded_once(ledger):
    unit = new_unit(ledger, "区公安局")
    other = new_unit(ledger, "区卫健委")
    s1, created1 = record(ledger, unit, b"first", valid=False)
    s2, created2 = record(ledger, unit, b"second")
    again, created3 = record(ledger, unit, b"first")
    assert (created1, created2, created3) == (True, True, False)
    assert (s1.version, s2.version) == (1, 2)
    assert again.id == s1.id and again.version == 1
    # the same bytes from another unit, or for another period, are their own filings
    o, created = record(ledger, other, b"first")
    assert created and o.version == 1
    p, created = record(ledger, unit, b"first", period="2022-06")
    assert created and p.version == 1
    assert ledger.count() == 4
    assert ledger.find(unit, "monthly-progress", "2022-05", s2.sha256).id == s2.id


def test_latest_accepted_is_the_newest_version_without_errors(ledger):
    a = new_unit(ledger, "甲单位")
    b = new_unit(ledger, "乙单位")
    good, _ = record(ledger, a, b"a1")
    record(ledger, a, b"a2", valid=False)  # a later version with errors does not replace it
    bad_only, _ = record(ledger, b, b"b1", valid=False)
    assert ledger.latest_accepted(a, "monthly-progress", "2022-05").id == good.id
    assert ledger.latest_accepted(b, "monthly-progress", "2022-05") is None
    newer, _ = record(ledger, a, b"a3")
    latest = ledger.latest_accepted_per_unit("monthly-progress", "2022-05")
    assert [(s.unit, s.id) for s in latest] == [("甲单位", newer.id)]
    assert latest[0].document == {"form": "monthly-progress", "header": {}, "tables": {}}


def test_record_refuses_a_file_not_yet_stored(ledger):
    unit = new_unit(ledger, "甲单位")
    with pytest.raises(RuntimeError):
        ledger.record(unit_id=unit, form="monthly-progress", period="2022-05", sha256="0" * 64, size=1,
                      filename="x.xlsx", checked=checked())


def test_concurrent_writers_lose_nothing(ledger):
    """8 threads recording 25 distinct files each for the same unit and slot, at once:
    every one recorded, versions 1..200 without a gap or a repeat."""
    unit = new_unit(ledger, "区市场监管局")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                record(ledger, unit, f"thread {n} file {i}".encode())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    versions = sorted(s.version for s in ledger.history(unit))
    assert versions == list(range(1, 201))
    assert ledger.check() == []


def test_concurrent_duplicates_are_recorded_once(ledger):
    unit = new_unit(ledger, "区市场监管局")
    results = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        results.append(record(ledger, unit, b"the same bytes"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 8
    assert sum(created for _, created in results) == 1
    assert len({s.id for s, _ in results}) == 1
    assert ledger.count() == 1


def test_files_are_stored_by_hash_read_only_and_never_replaced(ledger, tmp_path):
    import hashlib

    sha = ledger.store.put_bytes(b"workbook bytes", "a.xlsx")
    path = ledger.store.path(sha)
    assert sha == hashlib.sha256(b"workbook bytes").hexdigest()
    assert path.read_bytes() == b"workbook bytes"
    assert path.name == sha and path.parent.name == sha[:2]
    assert not os.stat(path).st_mode & 0o222
    inode = path.stat().st_ino
    assert ledger.store.put_bytes(b"workbook bytes", "b.xlsx") == sha
    assert path.stat().st_ino == inode  # the first file stays; nothing renamed over it
    assert list(ledger.store.tmp.iterdir()) == []


def test_check_finds_a_missing_or_altered_file(ledger):
    unit = new_unit(ledger, "甲单位")
    sub, _ = record(ledger, unit, b"content")
    assert ledger.check() == []
    path = ledger.file_path(sub)
    os.chmod(path, 0o644)
    path.write_bytes(b"changed")
    assert any("differs" in p for p in ledger.check())
    path.unlink()
    assert any("missing" in p for p in ledger.check())


def test_sqlite_runs_wal_full_sync_and_takes_write_locks_up_front(tmp_path):
    from generator.service import db

    engine = db.connect(str(tmp_path / "x.db"))
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with db.read(engine) as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with db.write(engine) as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert "BEGIN IMMEDIATE" in statements
        assert "BEGIN" in statements  # reads stay deferred
    finally:
        engine.dispose()


def test_a_settings_value_is_made_once(ledger):
    made = []

    def make():
        made.append(1)
        return "key-1"

    assert ledger.setting("session_key", make=make) == "key-1"
    assert ledger.setting("session_key", make=lambda: "key-2") == "key-1"
    assert made == [1]


# -- accounts --------------------------------------------------------------------------------


def test_accounts_hash_with_argon2_and_authenticate(ledger):
    from generator.service.accounts import AccountError, Accounts

    accounts = Accounts(ledger)
    unit = accounts.add("gaj", "correct horse", unit="区公安局")
    office = accounts.add("office", "office password", office=True)
    assert unit.unit == "区公安局" and not unit.is_office
    assert office.is_office and office.unit is None
    assert unit.password_hash.startswith("$argon2id$")
    assert "correct horse" not in unit.password_hash
    assert accounts.authenticate("gaj", "correct horse", "127.0.0.1").id == unit.id
    assert accounts.authenticate("gaj", "wrong", "127.0.0.1") is None
    assert accounts.authenticate("nobody", "wrong", "127.0.0.1") is None
    with pytest.raises(AccountError):
        accounts.add("gaj", "another password", unit="区公安局")
    with pytest.raises(AccountError):
        accounts.add("short", "1234567", unit="区公安局")
    with pytest.raises(AccountError):
        accounts.add("both", "long enough", unit="区公安局", office=True)


def test_disabling_or_a_new_password_ends_every_session_for_good(ledger):
    from generator.service.accounts import Accounts
    from generator.service.sessions import Sessions

    accounts = Accounts(ledger)
    sessions = Sessions(ledger)
    accounts.add("gaj", "correct horse", unit="区公安局")
    first = sessions.start(accounts.get("gaj").id)
    assert sessions.account(first).username == "gaj"
    accounts.set_password("gaj", "battery staple")
    assert sessions.account(first) is None
    assert accounts.authenticate("gaj", "correct horse", "1.1.1.1") is None
    assert accounts.authenticate("gaj", "battery staple", "1.1.1.1") is not None
    second = sessions.start(accounts.get("gaj").id)
    accounts.set_disabled("gaj", True)
    assert accounts.authenticate("gaj", "battery staple", "1.1.1.1") is None
    accounts.set_disabled("gaj", False)
    assert sessions.account(second) is None  # enabling again brings no old session back
    third = sessions.start(accounts.get("gaj").id)
    sessions.end(third)
    assert sessions.account(third) is None


def test_sessions_end_after_two_idle_hours_or_eight_in_all(ledger):
    from datetime import timedelta

    from generator.service.accounts import Accounts
    from generator.service.ledger import utcnow
    from generator.service.sessions import Sessions

    accounts = Accounts(ledger)
    sessions = Sessions(ledger)
    account = accounts.add("gaj", "correct horse", unit="区公安局")
    t0 = utcnow()
    idle = sessions.start(account.id, t0)
    assert sessions.account(idle, t0 + timedelta(hours=1, minutes=59)) is not None
    assert sessions.account(idle, t0 + timedelta(hours=4)) is None  # 2h 01m idle
    busy = sessions.start(account.id, t0)
    for hour in range(1, 8):
        assert sessions.account(busy, t0 + timedelta(hours=hour)) is not None
    assert sessions.account(busy, t0 + timedelta(hours=8, minutes=1)) is None
    assert sessions.account("not a token") is None


def test_failed_logins_slow_one_address_but_never_lock_the_owner_out(ledger):
    from datetime import timedelta

    from generator.service import accounts as mod
    from generator.service.ledger import utcnow

    accounts = mod.Accounts(ledger)
    accounts.add("gaj", "correct horse", unit="区公安局")
    for _ in range(mod.PAIR_FREE):
        assert accounts.wait("gaj", "10.0.0.1") == 0
        accounts.authenticate("gaj", "wrong", "10.0.0.1")
    first = accounts.wait("gaj", "10.0.0.1")
    assert 0 < first <= mod.PAIR_DELAY
    accounts.authenticate("gaj", "wrong", "10.0.0.1")
    assert accounts.wait("gaj", "10.0.0.1") > first  # the delay grows
    assert accounts.wait("gaj", "10.0.0.2") == 0  # another address is not slowed
    assert accounts.wait("other", "10.0.0.1") == 0
    # past the account's ceiling, addresses that failed on it wait for the window ...
    for n in range(mod.ACCOUNT_CEILING):
        accounts.authenticate("gaj", "wrong", f"10.0.1.{n}")
    assert accounts.wait("gaj", "10.0.1.0") > 60
    # ... but a fresh address may still try, and the right password logs in
    assert accounts.wait("gaj", "10.0.2.1") == 0
    assert accounts.authenticate("gaj", "correct horse", "10.0.2.1") is not None
    # one address spraying many accounts is stopped at its own ceiling
    for n in range(mod.ADDRESS_CEILING):
        accounts.authenticate(f"user{n}", "wrong", "10.0.3.1")
    assert accounts.wait("nobody-tried", "10.0.3.1") > 60
    later = utcnow() + mod.WINDOW + timedelta(seconds=1)
    assert accounts.wait("gaj", "10.0.1.0", later) == 0 and accounts.wait("x", "10.0.3.1", later) == 0


def test_active_units_are_those_with_an_account_or_a_filing(ledger):
    from generator.service.accounts import Accounts

    accounts = Accounts(ledger)
    accounts.add("a", "password 1", unit="甲单位")
    accounts.add("b", "password 2", unit="乙单位")
    accounts.set_disabled("b", True)
    c = new_unit(ledger, "丙单位")
    record(ledger, c, b"c")
    new_unit(ledger, "丁单位")
    assert [u.name for u in ledger.active_units()] == ["甲单位", "丙单位"]
