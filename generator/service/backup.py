"""A consistent copy of the ledger and its stored files, and bringing one back.

    result = backup("yaojian.db", files_dir, "备份/2022-06-01")    # safe while serving
    result = restore("备份/2022-06-01", "new.db", new_files_dir)   # never over a ledger

What is copied, in this order, so that the copy is consistent while uploads go on:

1. the database, as one snapshot: SQLite's online backup API (`sqlite3.Connection.backup`,
   all pages in one step, a read transaction that writers in WAL mode do not wait for), or
   `pg_dump` (one transaction snapshot) for PostgreSQL;
2. the stored files the snapshot refers to.  A file is stored before its row is committed
   and stored files are never changed or removed, so every row of the snapshot has its
   file, and copying after the snapshot finds them all.  Each copy is hashed against its
   name.

The backup is written into a temporary folder beside DEST and renamed into place at the
end: a DEST that exists is complete.  A manifest (`backup.json`) says what it holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from generator.xlsx.atomicfile import umask
from generator.service import db

MANIFEST = "backup.json"
SQLITE_NAME = "yaojian.db"
PG_NAME = "yaojian.pgdump"
FILES_NAME = "yaojian-files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be made; the message is Chinese and says what to do."""


@dataclass
class Result:
    dest: Path
    kind: str  # "sqlite" | "postgresql"
    submissions: int
    files: int
    bytes: int
    notes: list[str] = field(default_factory=list)


def _sqlite_path(target: str) -> Path | None:
    url = sa.make_url(db.database_url(target))
    if url.get_backend_name() != "sqlite":
        return None
    return Path(url.database)


def _fresh_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"目标 {dest} 已存在且不是空目录；为免覆盖已有的备份，请指定一个新目录。")
    if not dest.parent.is_dir():
        raise BackupError(f"目标所在目录 {dest.parent} 不存在；请先创建它。")


def _hash_copy(src: Path, dst: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(src, "rb") as inp, open(dst, "wb") as out:
        while chunk := inp.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _copy_files(shas: list[str], store_root: Path, into: Path) -> tuple[int, int, list[str]]:
    """Copy each stored file by its sha256, checking the copy; returns (files, bytes, problems)."""
    count = total = 0
    problems: list[str] = []
    for sha in sorted(set(shas)):
        src = store_root / sha[:2] / sha
        if not src.is_file():
            problems.append(f"台账记录的文件 {sha[:12]}… 在文件目录 {store_root} 中找不到")
            continue
        (into / sha[:2]).mkdir(parents=True, exist_ok=True)
        dst = into / sha[:2] / sha
        got, size = _hash_copy(src, dst)
        if got != sha:
            problems.append(f"文件 {sha[:12]}… 的内容与其校验值不符（文件已损坏）")
        os.chmod(dst, 0o444)
        count += 1
        total += size
    return count, total, problems


def _shas_sqlite(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT sha256 FROM submissions")]
    finally:
        conn.close()


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def _snapshot_sqlite(source: Path, into: Path) -> None:
    if not source.is_file():
        raise BackupError(f"台账文件 {source} 不存在；请用 --db 指定正在使用的台账。")
    src = sqlite3.connect(source, timeout=db.BUSY_TIMEOUT_MS / 1000)  # reads only
    dst = sqlite3.connect(into)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"无法读取台账 {source}：{exc}") from None
    finally:
        dst.close()
        src.close()


def _pg_env(url: sa.URL) -> tuple[str, dict]:
    """The URL without its password (for the command line) and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).is_file():
            return str(folder / name)
    raise BackupError(f"找不到 PostgreSQL 的 {name} 程序；请安装 postgresql-client（与服务器同一大版本）后再试。")


def _pg_run(tool: str, args: list[str], env: dict) -> None:
    run = subprocess.run([_pg_tool(tool), *args], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise BackupError(f"{tool} 失败：{run.stderr.strip()[:500]}")


def _shas_pg(target: str) -> list[str]:
    """The files a PostgreSQL ledger refers to."""
    engine = db.connect(target, pool=2)
    try:
        with db.read(engine) as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT sha256 FROM submissions")]
    finally:
        engine.dispose()


def backup(target: str, files_dir: str | os.PathLike, dest: str | os.PathLike) -> Result:
    """Write a consistent copy of the ledger `target` and its files into the new folder `dest`."""
    dest = Path(dest).expanduser().absolute()
    _fresh_dest(dest)
    store_root = Path(files_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        notes: list[str] = []
        sqlite_path = _sqlite_path(target)
        if sqlite_path is not None:
            kind = "sqlite"
            snapshot = work / SQLITE_NAME
            _snapshot_sqlite(sqlite_path, snapshot)
            problems = _integrity(snapshot)
            if problems:
                raise BackupError("台账的完整性检查未通过：" + "；".join(problems[:5]))
            shas = _shas_sqlite(snapshot)
        else:
            kind = "postgresql"
            url = sa.make_url(db.database_url(target))
            plain, env = _pg_env(url)
            _pg_run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(work / PG_NAME),
                                "--dbname", plain], env)
            # every row of the dump was committed before this query runs, so this list is a
            # superset of the dump's files; files are never removed, so each one is there
            shas = _shas_pg(target)
        files_into = work / FILES_NAME
        files_into.mkdir()
        count, total, problems = _copy_files(shas, store_root, files_into)
        if problems:
            raise BackupError("备份未完成：" + "；".join(problems[:5]))
        manifest = {
            "kind": kind,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "source": db.describe(target),
            "files_dir": str(store_root.resolve()),
            "submissions": len(shas),
            "files": count,
            "bytes": total,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.rename(work, dest)
        os.chmod(dest, 0o755 & ~umask())
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Result(dest, kind, len(shas), count, total, notes)


def _read_manifest(src: Path) -> dict:
    try:
        return json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{src} 不是 yaojian backup 写出的备份（缺少或无法读取 {MANIFEST}）。") from None


def restore(src: str | os.PathLike, target: str, files_dir: str | os.PathLike) -> Result:
    """Bring the backup in `src` back as the ledger `target` with its files in `files_dir`.

    Never over an existing ledger: an SQLite file that exists, or a PostgreSQL database that
    already holds the ledger's tables, is refused.  Files go into `files_dir` by content, so
    an existing folder is filled, never overwritten.
    """
    src = Path(src).expanduser()
    manifest = _read_manifest(src)
    files_dir = Path(files_dir)
    sqlite_path = _sqlite_path(target)
    if manifest.get("kind") == "sqlite":
        if sqlite_path is None:
            raise BackupError("这是 SQLite 台账的备份，请用 --db 指定一个新的 SQLite 文件路径来恢复。")
        if any(Path(str(sqlite_path) + suffix).exists() for suffix in ("", "-wal", "-journal")):
            raise BackupError(
                f"台账 {sqlite_path} 已存在：恢复不会覆盖正在使用或已有的台账。"
                "请先停止服务并把它移到别处，或用 --db 指定一个新位置。"
            )
        if not sqlite_path.parent.is_dir():
            raise BackupError(f"台账所在目录 {sqlite_path.parent} 不存在；请先创建它。")
        source = src / SQLITE_NAME
        problems = _integrity(source) if source.is_file() else [f"缺少 {SQLITE_NAME}"]
        if problems:
            raise BackupError("备份中的台账已损坏：" + "；".join(problems[:5]))
        partial = sqlite_path.with_name(f".{sqlite_path.name}.restoring")
        partial.unlink(missing_ok=True)
        a, b = sqlite3.connect(source), sqlite3.connect(partial)
        try:
            a.backup(b)
        finally:
            b.close()
            a.close()
        shas = _shas_sqlite(partial)
        count, total, problems = _copy_files(shas, src / FILES_NAME, _ensure(files_dir))
        if problems:
            partial.unlink(missing_ok=True)
            raise BackupError("备份中的文件不完整：" + "；".join(problems[:5]))
        os.link(partial, sqlite_path)  # fails rather than replace a ledger made meanwhile
        partial.unlink()
        return Result(sqlite_path, "sqlite", len(shas), count, total)
    if manifest.get("kind") == "postgresql":
        if sqlite_path is not None:
            raise BackupError("这是 PostgreSQL 台账的备份，请用 --db 指定一个新建的空 PostgreSQL 数据库来恢复。")
        engine = db.connect(target, pool=2)
        try:
            if sa.inspect(engine).has_table("submissions"):
                raise BackupError(f"数据库 {db.describe(target)} 中已有台账：恢复不会覆盖已有的台账。请新建一个空数据库。")
        finally:
            engine.dispose()
        url = sa.make_url(db.database_url(target))
        plain, env = _pg_env(url)
        _pg_run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", plain,
                               str(src / PG_NAME)], env)
        shas = _shas_pg(target)
        count, total, problems = _copy_files(shas, src / FILES_NAME, _ensure(files_dir))
        if problems:
            raise BackupError("备份中的文件不完整：" + "；".join(problems[:5]))
        return Result(Path(db.describe(target)), "postgresql", len(shas), count, total)
    raise BackupError(f"{src} 中的备份类型无法识别。")


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def forget_sessions(ledger) -> None:
    """End every session recorded in a restored ledger: whoever was logged in when the
    backup was taken logs in again."""
    from generator.service.tables import sessions

    with db.write(ledger.engine) as conn:
        conn.execute(sa.delete(sessions))
