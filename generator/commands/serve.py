"""`yaojian serve`: the upload service (Flask, served by waitress) and its ledger."""

HELP = "运行报送服务：各单位上传报表，办公室查看报送情况并下载汇总"
DESCRIPTION = (
    "运行报送服务（网页）：各单位登录后上传报表并立即看到校验结果；工作小组办公室查看报送情况、"
    "催报名单和汇总。台账默认是一个 SQLite 文件（--db），也可以是 PostgreSQL 地址。"
    "默认只在本机 127.0.0.1 上监听；用 --host 0.0.0.0 对局域网开放。一直运行，按 Ctrl+C 停止。"
)


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机）")
    parser.add_argument("--port", type=int, default=8080, help="端口（默认 8080；0 表示任选一个空闲端口）")
    add_db_arguments(parser)
    parser.add_argument("--campaign", metavar="ID", help="专项行动编号（content/campaigns/ 中只有一个带报送安排时可省略）")
    parser.add_argument("--max-upload", metavar="MB", type=float, default=10.0, help="上传文件大小上限，单位 MB（默认 10）")
    parser.add_argument("--workers", type=int, default=None, help="校验进程数（默认：CPU 核数，最多 4；0 表示在服务进程内校验）")
    parser.add_argument("--threads", type=int, default=8, help="处理请求的线程数（默认 8）")
    parser.add_argument("--db-pool", metavar="N", type=int, default=None,
                        help="本进程最多占用的数据库连接数（默认 12；多个进程共用 PostgreSQL 时，各进程之和须小于其 max_connections）")
    parser.add_argument("--office-name", metavar="名称", help="汇总表的填报单位（默认由专项行动的报送对象得出）")
    parser.add_argument("--trusted-proxy", metavar="IP", help="前置 HTTPS 反向代理的地址：信任其 X-Forwarded-Proto/For 头")


def run(args):
    import os
    import sys

    from generator.commands import project_or_exit
    from generator.commands._ledger import db_target, open_ledger
    from generator.validate.pool import Checker
    from generator.service.db import describe
    from generator.service.slots import ScheduleError, load_schedule
    from generator.service.web import Service, create_app

    project = project_or_exit(args)
    try:
        schedule = load_schedule(project, args.campaign)
    except ScheduleError as exc:
        print(f"yaojian serve：{exc}", file=sys.stderr)
        return 1
    if args.max_upload <= 0:
        print("yaojian serve：--max-upload 必须大于 0。", file=sys.stderr)
        return 2
    workers = args.workers if args.workers is not None else min(4, os.cpu_count() or 1)
    ledger = open_ledger(args, pool=args.db_pool)
    ledger.store.sweep()
    checker = Checker(project.root, workers)
    service = Service(ledger, project, schedule, checker, max_upload=int(args.max_upload * 1024 * 1024),
                      office_name=args.office_name)
    app = create_app(service)

    import waitress

    options = dict(
        host=args.host, port=args.port, threads=max(1, args.threads), ident="yaojian",
        # waitress buffers a request body before the app sees it.  Bodies past this cap are
        # refused by waitress itself while the headers are read (a plain 413); uploads under
        # it that are still too large get the Chinese page with file-too-large, decided from
        # Content-Length before the body is parsed.
        max_request_body_size=max(4 * service.max_upload, service.max_upload + 16 * 1024 * 1024),
        clear_untrusted_proxy_headers=True,
    )
    if args.trusted_proxy:
        options.update(trusted_proxy=args.trusted_proxy, trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"})
    try:
        server = waitress.create_server(app, **options)
    except OSError as exc:
        print(f"yaojian serve：无法在 {args.host}:{args.port} 上监听：{exc.strerror or exc}", file=sys.stderr)
        checker.close()
        return 1
    checker.warm()
    print(f"yaojian serve：{schedule.title}，台账 {describe(db_target(args))}，文件 {ledger.store.root}", flush=True)
    print(f"yaojian serve：正在运行 http://{args.host}:{server.effective_port}/ （Ctrl+C 停止）", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"yaojian serve：注意：服务对 {args.host} 开放，局域网内可访问；请确认防火墙设置。", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("yaojian serve：已停止。", file=sys.stderr)
    finally:
        checker.close()
        ledger.close()
    return 0
