"""`yaojian users`: unit and office accounts of the upload service."""

HELP = "管理报送服务的账号（单位账号与办公室账号）"
DESCRIPTION = (
    "管理报送服务的账号。单位账号属于一个单位（--unit 单位名称），只能报送和查看本单位的报送；"
    "办公室账号（--office）可查看全部报送、报送情况和汇总。密码以 argon2 存储。"
    "密码从终端输入两次；脚本中可用 --password-stdin 从标准输入读一行。退出码：0 成功，1 失败。"
)


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    sub = parser.add_subparsers(dest="action", metavar="操作", parser_class=type(parser))
    add = sub.add_parser("add", help="新建账号", description="新建账号：单位账号用 --unit，办公室账号用 --office。")
    add.add_argument("username", metavar="账号")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", metavar="单位名称", help="账号所属单位（全称，与报表上的填报单位一致）")
    who.add_argument("--office", action="store_true", help="工作小组办公室账号：可查看全部报送和汇总")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    add_db_arguments(add)
    ls = sub.add_parser("list", help="列出账号")
    ls.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_arguments(ls)
    pw = sub.add_parser("passwd", help="重设密码（该账号已登录的会话随之失效）")
    pw.add_argument("username", metavar="账号")
    pw.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    add_db_arguments(pw)
    for action, text in (("disable", "停用账号（立即不能登录，已登录的会话失效）"), ("enable", "重新启用账号")):
        p = sub.add_parser(action, help=text)
        p.add_argument("username", metavar="账号")
        add_db_arguments(p)


def _password(args) -> str:
    import getpass
    import sys

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ValueError("两次输入的密码不一致。")
    return first


def run(args):
    import json
    import sys

    from generator.commands._ledger import open_ledger
    from generator.service.accounts import ROLES, AccountError, Accounts

    if not getattr(args, "action", None):
        print("yaojian users：请指定操作：add、list、passwd、disable 或 enable（yaojian users --help 查看用法）。", file=sys.stderr)
        return 1
    ledger = open_ledger(args, files=False)
    accounts = Accounts(ledger)
    try:
        if args.action == "add":
            account = accounts.add(args.username, _password(args), unit=args.unit, office=args.office)
            where = "办公室账号" if account.is_office else f"单位「{account.unit}」的账号"
            print(f"已新建{where}「{account.username}」。")
        elif args.action == "list":
            rows = accounts.all()
            if args.json:
                print(json.dumps([{"username": a.username, "role": a.role, "unit": a.unit, "disabled": a.disabled,
                                   "created_at": a.created_at} for a in rows], ensure_ascii=False, indent=2))
            else:
                for a in rows:
                    state = "（已停用）" if a.disabled else ""
                    print(f"{a.username}\t{ROLES[a.role]}\t{a.unit or '—'}{state}")
                print(f"共 {len(rows)} 个账号。", file=sys.stderr)
        elif args.action == "passwd":
            accounts.set_password(args.username, _password(args))
            print(f"已重设账号「{args.username}」的密码。")
        elif args.action in ("disable", "enable"):
            accounts.set_disabled(args.username, args.action == "disable")
            print(f"已{'停用' if args.action == 'disable' else '启用'}账号「{args.username}」。")
    except (AccountError, ValueError) as exc:
        print(f"yaojian users：{exc}", file=sys.stderr)
        return 1
    finally:
        ledger.close()
    return 0
