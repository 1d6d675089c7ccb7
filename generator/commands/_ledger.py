"""Options and opening shared by the commands that use the upload service's ledger."""

from __future__ import annotations

import os
import sys

DEFAULT_DB = "yaojian.db"


def add_db_arguments(parser) -> None:
    parser.add_argument(
        "--db", metavar="PATH|URL", default=None,
        help=f"台账：SQLite 文件路径（默认 $YAOJIAN_DB 或 {DEFAULT_DB}），或 postgresql://用户:密码@主机/库名",
    )
    parser.add_argument(
        "--files", metavar="DIR", default=None,
        help="上传文件的存放目录（默认 $YAOJIAN_FILES，或 SQLite 文件旁的 <名称>-files/；使用 PostgreSQL 时必须指定）",
    )


def db_target(args) -> str:
    return args.db or os.environ.get("YAOJIAN_DB") or DEFAULT_DB


def open_ledger(args, *, files: bool = True, pool: int | None = None):
    """The ledger named by --db/--files, migrated; prints a Chinese message and exits 1 if it
    cannot be opened.  `files=False` for commands that never touch the stored files."""
    from generator.service.db import DatabaseError, describe
    from generator.service.ledger import Ledger

    target = db_target(args)
    try:
        return Ledger.open(target, getattr(args, "files", None), files=files, pool=pool)
    except DatabaseError as exc:
        print(f"yaojian: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except Exception as exc:  # sqlalchemy.exc.OperationalError and the like
        print(f"yaojian: 无法打开台账 {describe(target)}：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        raise SystemExit(1) from None


def files_dir(args, target: str):
    """The stored files' folder for --db/--files, as the ledger itself chooses it."""
    from generator.service.ledger import files_folder

    return files_folder(target, getattr(args, "files", None))
