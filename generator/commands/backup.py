"""`yaojian backup DEST`: a consistent copy of the ledger and its stored files."""

HELP = "备份台账和上传的文件（服务运行时也可以备份）"
DESCRIPTION = (
    "把报送台账和上传的文件一致地复制到新目录 DEST：SQLite 台账用其在线备份接口取一个完整快照，"
    "PostgreSQL 台账用 pg_dump；随后复制快照中记录的每个文件并逐一核对校验值。"
    "服务运行、各单位正在上传时也可以备份。用 yaojian restore 恢复。"
)


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    parser.add_argument("dest", metavar="DEST", help="备份写入的新目录（不能是已有内容的目录）")
    add_db_arguments(parser)


def run(args):
    import sys

    from generator.commands._ledger import db_target, files_dir
    from generator.service.backup import BackupError, backup
    from generator.service.db import DatabaseError

    target = db_target(args)
    try:
        result = backup(target, files_dir(args, target), args.dest)
    except (BackupError, DatabaseError) as exc:
        print(f"yaojian backup：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"yaojian backup：无法写入备份：{exc.strerror or exc}（{exc.filename or args.dest}）", file=sys.stderr)
        return 1
    print(f"yaojian backup：已备份到 {result.dest}：{result.submissions} 条报送记录，{result.files} 个文件，"
          f"共 {result.bytes / 1024 / 1024:.1f} MB。")
    return 0
