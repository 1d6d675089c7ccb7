"""Named schema migrations, each applied once, in its own transaction, and recorded.

As in sqlite-utils' migrations: a migration is a name and a function of a connection.
`migrate(engine)` applies, in order, those whose name is not yet in `schema_migrations`;
each runs in one write transaction together with the row that records it, so a failing
migration leaves neither a half-changed schema nor a record (SQLite and PostgreSQL both
have transactional DDL).  Two servers starting at once apply each migration once: on
SQLite the write lock is taken up front, on PostgreSQL an advisory lock is held.

A migration, once released, is never edited: a later change is a new migration.  Each
one therefore declares the tables it creates itself rather than borrowing `schema.py`,
which describes the shape after the last migration.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import sqlalchemy as sa

from generator.service import db
from generator.service.tables import migrations as migrations_table

_PG_LOCK = 0x7A6A_0001  # advisory lock key held while migrating


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def m0001_ledger(conn: sa.Connection) -> None:
    """The first ledger: settings, units, accounts, submissions, login attempts."""
    md = sa.MetaData()
    sa.Table("settings", md, sa.Column("key", sa.String(100), primary_key=True), sa.Column("value", sa.Text, nullable=False))
    sa.Table(
        "units", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("uploads", sa.Integer, nullable=False, server_default="0"),
    )
    sa.Table(
        "accounts", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.CheckConstraint("role IN ('unit', 'office')", name="ck_account_role"),
        sa.CheckConstraint("(role = 'unit') = (unit_id IS NOT NULL)", name="ck_account_unit"),
    )
    submissions = sa.Table(
        "submissions", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("form", sa.String(100), nullable=False),
        sa.Column("period", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("valid", sa.Boolean, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("previous_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("report_html", sa.Text, nullable=False),
        sa.Column("document_json", sa.Text, nullable=True),
        sa.UniqueConstraint("unit_id", "form", "period", "sha256", name="uq_submission_file"),
        sa.UniqueConstraint("unit_id", "form", "period", "version", name="uq_submission_version"),
    )
    sa.Index("ix_submissions_slot", submissions.c.form, submissions.c.period, submissions.c.unit_id)
    attempts = sa.Table(
        "login_attempts", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("remote", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    sa.Index("ix_login_attempts_user", attempts.c.username, attempts.c.at)
    sa.Index("ix_login_attempts_remote", attempts.c.remote, attempts.c.at)
    md.create_all(conn)


Migration = tuple[str, Callable[[sa.Connection], None]]

MIGRATIONS: tuple[Migration, ...] = (
    ("0001-ledger", m0001_ledger),
)


def _lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})


def applied(engine: sa.Engine) -> list[tuple[str, str]]:
    """(name, applied_at) of every recorded migration, in the order applied."""
    with db.read(engine) as conn:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return []
        rows = conn.execute(sa.select(migrations_table.c.name, migrations_table.c.applied_at).order_by(migrations_table.c.applied_at, migrations_table.c.name))
        return [(r.name, r.applied_at) for r in rows]


def migrate(engine: sa.Engine, steps: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply the migrations not yet recorded; returns the names applied now."""
    with db.write(engine) as conn:
        _lock(conn)
        migrations_table.create(conn, checkfirst=True)
    done: list[str] = []
    for name, step in steps:
        with db.write(engine) as conn:
            _lock(conn)
            exists = conn.scalar(sa.select(sa.func.count()).select_from(migrations_table).where(migrations_table.c.name == name))
            if exists:
                continue
            step(conn)
            conn.execute(sa.insert(migrations_table).values(name=name, applied_at=_now()))
        done.append(name)
    return done
