"""The ledger's database connection: an SQLite file by default, PostgreSQL by URL.

SQLAlchemy Core speaks both.  SQLite is set up for many writers on one machine:

- WAL journal (readers never wait for the writer) and `synchronous=FULL` (a committed
  submission survives a power cut, not only a crash of the process);
- write transactions are taken up front (`BEGIN IMMEDIATE`): a transaction that reads and
  then writes never has to upgrade its lock half-way, which under Python's default
  deferred transactions loses writes to `database is locked` when many uploads arrive at
  once; read transactions stay deferred (`BEGIN`), so pages never queue behind uploads;
- a busy timeout, so a writer waits its turn instead of failing.

`write(engine)` and `read(engine)` are the only ways the ledger opens transactions.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event

BUSY_TIMEOUT_MS = 60_000
_WRITE = "ledger_write"


class DatabaseError(Exception):
    """The ledger cannot be opened; the message is Chinese and says what to do."""


def is_url(target: str) -> bool:
    return "://" in str(target)


def database_url(target: str | os.PathLike) -> str:
    """A SQLAlchemy URL for `--db`: a file path (SQLite) or a URL (sqlite:/// or postgresql://)."""
    text = str(target)
    if not is_url(text):
        return "sqlite:///" + str(Path(text).expanduser().resolve())
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def describe(target: str | os.PathLike) -> str:
    """The database as shown to people: the file, or the URL without its password."""
    url = database_url(target)
    if url.startswith("sqlite"):
        return sa.make_url(url).database or url
    return sa.make_url(url).render_as_string(hide_password=True)


DEFAULT_POOL = 12


def connect(target: str | os.PathLike, pool: int | None = None) -> sa.Engine:
    """An engine for `--db` (path or URL), set up as the module docstring says.

    `pool` caps the connections this process holds at once (default 12).  A PostgreSQL
    server allows 100 by default (`max_connections`), shared by every `serve` process and
    every command run meanwhile: several processes × their pool must stay below that.
    """
    pool = max(2, pool or DEFAULT_POOL)
    pool_args = dict(pool_size=pool - pool // 4, max_overflow=pool // 4)
    url = sa.make_url(database_url(target))
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseError("台账必须是一个文件（不支持内存数据库）。")
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise DatabaseError(f"台账所在目录 {folder} 不存在；请先创建该目录，或用 --db 指定其他位置。")
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **pool_args)
        _setup_sqlite(engine)
        return engine
    if backend == "postgresql":
        if url.get_driver_name() != "psycopg":
            url = url.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DatabaseError("使用 PostgreSQL 需要安装 psycopg：pip install 'yaojian[postgres]'。") from None
        return sa.create_engine(url, pool_pre_ping=True, **pool_args)
    raise DatabaseError(f"不支持的数据库类型「{backend}」：请给出 SQLite 文件路径或 postgresql:// 地址。")


def _setup_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # The driver must not open transactions on its own: we issue BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction, its lock taken up front; commits on success, rolls back on error."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A read transaction (one consistent snapshot)."""
    with engine.connect() as conn:
        with conn.begin():
            yield conn
