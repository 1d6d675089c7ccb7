"""`yaojian restore SRC --db TARGET`: a backup brought back as a new ledger."""

HELP = "从 yaojian backup 的备份恢复台账和文件（不会覆盖已有台账）"
DESCRIPTION = (
    "把 yaojian backup 写出的备份 SRC 恢复为 --db 指定的新台账，文件放入 --files 目录。"
    "已有的台账（SQLite 文件已存在，或 PostgreSQL 库中已有台账）一律拒绝覆盖：请先停止服务、"
    "把旧台账移走，或指定新位置。恢复后核对数据库完整性和每个文件的校验值。"
)


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    parser.add_argument("src", metavar="SRC", help="yaojian backup 写出的备份目录")
    add_db_arguments(parser)


def run(args):
    import sys

    from generator.commands._ledger import db_target, files_dir
    from generator.service.backup import BackupError, forget_sessions, restore
    from generator.service.db import DatabaseError
    from generator.service.ledger import Ledger

    target = db_target(args)
    try:
        files = files_dir(args, target)
        result = restore(args.src, target, files)
        ledger = Ledger.open(target, files)  # brings an older backup's schema up to date
        try:
            forget_sessions(ledger)  # a restored ledger lets nobody in on a cookie from before
            problems = ledger.check()
        finally:
            ledger.close()
    except (BackupError, DatabaseError) as exc:
        print(f"yaojian restore：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        from generator.oserrors import reason as os_reason

        print(f"yaojian restore：无法写入：{os_reason(exc)}（{exc.filename or ''}）", file=sys.stderr)
        return 1
    if problems:
        print("yaojian restore：恢复后的台账核对未通过：" + "；".join(problems[:5]), file=sys.stderr)
        return 1
    print(f"yaojian restore：已恢复到 {result.dest}：{result.submissions} 条报送记录，{result.files} 个文件，核对无误。")
    return 0
