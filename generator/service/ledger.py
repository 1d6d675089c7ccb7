"""The ledger: who filed which file for which form and period, and what the validator said.

    ledger = Ledger.open("yaojian.db")            # or a postgresql:// URL; migrates
    sub, created = ledger.record(unit_id=…, form=…, period=…, incoming=…, checked=…)

Every version is kept.  The same bytes filed again by the same unit for the same form
and period are recorded once (`created` is False and the first row is returned).  A
unit's *accepted* filing is one without errors; the latest accepted filing of a period
is what the roll-up sums and what the next period's cumulative rule compares with.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa

from generator.service import db, migrations
from generator.service.tables import settings, submissions, units
from generator.service.store import FileStore
from generator.validate.pool import Checked  # noqa: F401  (what the ledger records of a check)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    """A UTC time as stored: fixed width, so that text order is time order."""
    moment = (moment or utcnow()).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Unit:
    id: int
    name: str


@dataclass
class Submission:
    id: int
    unit_id: int
    unit: str
    form: str
    period: str
    version: int
    sha256: str
    size: int
    filename: str
    account_id: int | None
    received_at: datetime
    valid: bool
    errors: int
    warnings: int
    previous_id: int | None
    report_json: str
    report_html: str
    document_json: str | None

    @cached_property
    def report(self) -> dict:
        return json.loads(self.report_json)

    @cached_property
    def document(self) -> dict | None:
        return json.loads(self.document_json) if self.document_json else None

    @property
    def findings(self) -> list[dict]:
        return list(self.report.get("findings") or [])


_COLUMNS = [c for c in submissions.c] + [units.c.name.label("unit")]


def _submission(row: Any) -> Submission:
    m = row._mapping
    return Submission(
        id=m["id"], unit_id=m["unit_id"], unit=m["unit"], form=m["form"], period=m["period"], version=m["version"],
        sha256=m["sha256"], size=m["size"], filename=m["filename"], account_id=m["account_id"],
        received_at=parse_stamp(m["received_at"]), valid=bool(m["valid"]), errors=m["errors"],
        warnings=m["warnings"], previous_id=m["previous_id"], report_json=m["report_json"],
        report_html=m["report_html"], document_json=m["document_json"],
    )


def _select(*columns):
    cols = columns or _COLUMNS
    return sa.select(*cols).select_from(submissions.join(units, units.c.id == submissions.c.unit_id))


def default_store(target: str | os.PathLike) -> Path | None:
    """Where files go when `--files` is not given: $YAOJIAN_FILES, else beside an SQLite file
    (`x.db` → `x-files/`).  A PostgreSQL ledger has no such place: every `serve` process
    must name the one shared folder, so None."""
    if os.environ.get("YAOJIAN_FILES"):
        return Path(os.environ["YAOJIAN_FILES"]).expanduser().resolve()
    if db.is_url(str(target)) and not str(target).startswith("sqlite:"):
        return None
    url = sa.make_url(db.database_url(target))
    path = Path(url.database)
    return path.with_name(path.stem + "-files")


def files_folder(target: str | os.PathLike, store: str | os.PathLike | None = None) -> Path:
    """The stored files' folder: `store` if given, else the default; a PostgreSQL ledger
    has no default, so the caller must name it (DatabaseError otherwise)."""
    folder = Path(store) if store else default_store(target)
    if folder is None:
        raise db.DatabaseError(
            "使用 PostgreSQL 台账时，请用 --files 或环境变量 YAOJIAN_FILES 指定上传文件的存放目录"
            "（多个服务进程须共用同一个目录）。"
        )
    return folder


class Ledger:
    def __init__(self, engine: sa.Engine, store: FileStore):
        self.engine = engine
        self.store = store

    @classmethod
    def open(cls, target: str | os.PathLike, store: str | os.PathLike | None = None, *, migrate: bool = True,
             files: bool = True, pool: int | None = None) -> "Ledger":
        """The ledger at `target`, migrated.  `files=False` (account management) opens it
        without a file store: nothing is created on disk beyond the database."""
        store = files_folder(target, store) if files else (store or default_store(target))
        engine = db.connect(target, pool)
        if migrate:
            migrations.migrate(engine)
        return cls(engine, FileStore(store) if store is not None else None)

    def close(self) -> None:
        self.engine.dispose()

    # -- settings ---------------------------------------------------------------------

    def setting(self, key: str, make: Any = None) -> str | None:
        """A stored setting; if absent and `make` is given, store make() once and return it."""
        with db.read(self.engine) as conn:
            value = conn.scalar(sa.select(settings.c.value).where(settings.c.key == key))
        if value is not None or make is None:
            return value
        # Several servers may start at once on a new database: whoever inserts first wins,
        # and everyone reads the winner's value.
        with db.write(self.engine) as conn:
            db.insert_if_absent(conn, settings, {"key": key, "value": make()}, ["key"])
            return conn.scalar(sa.select(settings.c.value).where(settings.c.key == key))

    # -- units ------------------------------------------------------------------------

    @staticmethod
    def ensure_unit(conn: sa.Connection, name: str) -> int:
        """The unit's id, made if new (atomic: INSERT … ON CONFLICT DO NOTHING, then read)."""
        unit_id = conn.scalar(sa.select(units.c.id).where(units.c.name == name))
        if unit_id is None:
            db.insert_if_absent(conn, units, {"name": name, "created_at": stamp()}, ["name"])
            unit_id = conn.scalar(sa.select(units.c.id).where(units.c.name == name))
        return unit_id

    def unit(self, unit_id: int) -> Unit | None:
        with db.read(self.engine) as conn:
            row = conn.execute(sa.select(units.c.id, units.c.name).where(units.c.id == unit_id)).first()
        return Unit(row.id, row.name) if row else None

    def active_units(self) -> list[Unit]:
        """Units that owe filings: those with an enabled account, or with any filing."""
        from generator.service.tables import accounts

        with db.read(self.engine) as conn:
            with_account = sa.select(accounts.c.unit_id).where(accounts.c.disabled == sa.false(), accounts.c.unit_id.is_not(None))
            with_filing = sa.select(submissions.c.unit_id)
            rows = conn.execute(
                sa.select(units.c.id, units.c.name)
                .where(sa.or_(units.c.id.in_(with_account), units.c.id.in_(with_filing)))
                .order_by(units.c.id)
            )
            return [Unit(r.id, r.name) for r in rows]

    # -- submissions ------------------------------------------------------------------

    def find(self, unit_id: int, form: str, period: str, sha256: str) -> Submission | None:
        with db.read(self.engine) as conn:
            row = conn.execute(_select().where(
                submissions.c.unit_id == unit_id, submissions.c.form == form,
                submissions.c.period == period, submissions.c.sha256 == sha256,
            )).first()
        return _submission(row) if row else None

    def get(self, submission_id: int) -> Submission | None:
        with db.read(self.engine) as conn:
            row = conn.execute(_select().where(submissions.c.id == submission_id)).first()
        return _submission(row) if row else None

    def latest_accepted(self, unit_id: int, form: str, period: str) -> Submission | None:
        with db.read(self.engine) as conn:
            row = conn.execute(_select().where(
                submissions.c.unit_id == unit_id, submissions.c.form == form,
                submissions.c.period == period, submissions.c.valid == sa.true(),
            ).order_by(submissions.c.version.desc()).limit(1)).first()
        return _submission(row) if row else None

    def record(
        self, *, unit_id: int, form: str, period: str, sha256: str, size: int, filename: str,
        checked: Checked, account_id: int | None = None, previous_id: int | None = None,
        received_at: datetime | None = None,
    ) -> tuple[Submission, bool]:
        """Record a checked file whose bytes the store already keeps.

        Returns (submission, created); created is False when these bytes were already
        recorded for this unit, form and period (the first record is returned).
        """
        if not self.store.exists(sha256):
            raise RuntimeError("record() before the file is stored")
        with db.write(self.engine) as conn:
            # Serialises uploads of one unit on PostgreSQL (a row lock); on SQLite the
            # write lock is already held.  Also counts the unit's uploads.
            conn.execute(sa.update(units).where(units.c.id == unit_id).values(uploads=units.c.uploads + 1))
            existing = conn.scalar(sa.select(submissions.c.id).where(
                submissions.c.unit_id == unit_id, submissions.c.form == form,
                submissions.c.period == period, submissions.c.sha256 == sha256,
            ))
            if existing is None:
                version = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(submissions.c.version), 0)).where(
                    submissions.c.unit_id == unit_id, submissions.c.form == form, submissions.c.period == period,
                )) + 1
                new_id = conn.execute(sa.insert(submissions).values(
                    unit_id=unit_id, form=form, period=period, version=version, sha256=sha256, size=size,
                    filename=filename, account_id=account_id, received_at=stamp(received_at),
                    valid=checked.valid, errors=checked.errors, warnings=checked.warnings,
                    previous_id=previous_id,
                    report_json=json.dumps(checked.report, ensure_ascii=False, default=str),
                    report_html=checked.html,
                    document_json=json.dumps(checked.document, ensure_ascii=False, default=str) if checked.document is not None else None,
                )).inserted_primary_key[0]
            row = conn.execute(_select().where(submissions.c.id == (existing if existing is not None else new_id))).first()
        return _submission(row), existing is None

    def history(self, unit_id: int | None = None, form: str | None = None, period: str | None = None) -> list[Submission]:
        """Submissions, oldest first (by slot, then version)."""
        return self._listed(_select(), unit_id=unit_id, form=form, period=period)

    def summaries(self, form: str | None = None, period: str | None = None) -> list[Submission]:
        """Like `history`, without the report and document texts (for status pages)."""
        light = [c for c in submissions.c if c.name not in ("report_json", "report_html", "document_json")]
        q = _select(*light, units.c.name.label("unit"),
                    sa.literal("{}").label("report_json"), sa.literal("").label("report_html"),
                    sa.null().label("document_json"))
        return self._listed(q, form=form, period=period)

    def _listed(self, q, *, unit_id: int | None = None, form: str | None = None,
                period: str | None = None) -> list[Submission]:
        """Submissions of query `q` narrowed to a unit/form/period, by slot then version."""
        for column, value in ((submissions.c.unit_id, unit_id), (submissions.c.form, form),
                              (submissions.c.period, period)):
            if value is not None:
                q = q.where(column == value)
        q = q.order_by(submissions.c.form, submissions.c.period, submissions.c.unit_id, submissions.c.version)
        with db.read(self.engine) as conn:
            return [_submission(r) for r in conn.execute(q)]

    def latest_accepted_per_unit(self, form: str, period: str) -> list[Submission]:
        """The latest accepted filing of each unit for a form and period, by unit name."""
        best = (
            sa.select(submissions.c.unit_id, sa.func.max(submissions.c.version).label("version"))
            .where(submissions.c.form == form, submissions.c.period == period, submissions.c.valid == sa.true())
            .group_by(submissions.c.unit_id)
            .subquery()
        )
        q = _select().join(best, sa.and_(best.c.unit_id == submissions.c.unit_id, best.c.version == submissions.c.version)).where(
            submissions.c.form == form, submissions.c.period == period,
        ).order_by(units.c.name)
        with db.read(self.engine) as conn:
            return [_submission(r) for r in conn.execute(q)]

    def count(self) -> int:
        with db.read(self.engine) as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(submissions))

    def file_path(self, sub: Submission) -> Path:
        return self.store.path(sub.sha256)

    # -- consistency ------------------------------------------------------------------

    def sweep_orphans(self) -> int:
        """At a server's start: remove stored files no submission refers to (a crash
        between storing and recording); returns how many."""
        with db.read(self.engine) as conn:
            referenced = set(conn.scalars(sa.select(submissions.c.sha256).distinct()))
        return self.store.sweep_orphans(referenced)

    def check(self) -> list[str]:
        """Problems with the ledger (empty when consistent): the database's own integrity
        check (SQLite), and every recorded row's file present with its recorded size and hash."""
        import hashlib

        problems: list[str] = []
        with db.read(self.engine) as conn:
            if db.is_sqlite(self.engine):
                result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                if result != ["ok"]:
                    problems.extend(f"integrity_check: {r}" for r in result)
            rows = conn.execute(sa.select(submissions.c.id, submissions.c.sha256, submissions.c.size)).all()
        for row in rows:
            path = self.store.path(row.sha256)
            if not path.is_file():
                problems.append(f"submission {row.id}: file {row.sha256} missing")
                continue
            if path.stat().st_size != row.size:
                problems.append(f"submission {row.id}: file size differs")
                continue
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            if h.hexdigest() != row.sha256:
                problems.append(f"submission {row.id}: file content differs from its hash")
        return problems


def group_by(items: Iterable[Submission], key) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out
