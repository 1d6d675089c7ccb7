"""`yaojian serve`: the upload service (Flask, served by waitress) and its ledger."""

HELP = "运行报送服务：各单位上传报表，办公室查看报送情况并下载汇总"
DESCRIPTION = (
    "运行报送服务（网页）：各单位登录后上传报表并立即看到校验结果；工作小组办公室查看报送情况、"
    "催报名单和汇总。台账默认是一个 SQLite 文件（--db），也可以是 PostgreSQL 地址。"
    "默认只在本机 127.0.0.1 上监听；用 --host 0.0.0.0 对局域网开放。一直运行，按 Ctrl+C 停止。"
)


def _whole(low: int, high: int, what: str):
    """An argparse type: a whole number in [low, high], else a Chinese usage error."""
    import argparse

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}必须是整数，收到「{text}」") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}必须在 {low}–{high} 之间，收到 {value}")
        return value

    return parse


def _megabytes(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"上传大小上限必须是数字（单位 MB），收到「{text}」") from None
    if not math.isfinite(value) or not 0 < value <= 1024:
        raise argparse.ArgumentTypeError(f"上传大小上限必须大于 0、不超过 1024 MB，收到「{text}」")
    return value


def _address(text: str) -> str:
    import argparse
    import ipaddress

    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"反向代理地址必须是一个 IP 地址（如 127.0.0.1），收到「{text}」") from None


def _text(what: str):
    import argparse

    def parse(text: str) -> str:
        text = text.strip()
        if not text or len(text) > 200 or not text.isprintable():
            raise argparse.ArgumentTypeError(f"{what}不能为空、不能含控制字符，最长 200 个字符")
        return text

    return parse


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    parser.add_argument("--host", metavar="地址", type=_text("监听地址"), default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机）")
    parser.add_argument("--port", metavar="端口", type=_whole(0, 65535, "端口"), default=8080,
                        help="端口，1–65535（默认 8080；0 表示任选一个空闲端口）")
    add_db_arguments(parser)
    parser.add_argument("--campaign", metavar="ID", help="专项行动编号（content/campaigns/ 中只有一个带报送安排时可省略）")
    parser.add_argument("--max-upload", metavar="MB", type=_megabytes, default=10.0, help="上传文件大小上限，单位 MB（默认 10，最大 1024）")
    parser.add_argument("--workers", metavar="N", type=_whole(0, 64, "校验进程数"), default=None,
                        help="校验进程数（默认：CPU 核数，最多 4；0 表示在服务进程内校验）")
    parser.add_argument("--threads", metavar="N", type=_whole(1, 256, "线程数"), default=8, help="处理请求的线程数（默认 8，1–256）")
    parser.add_argument("--db-pool", metavar="N", type=_whole(1, 1000, "数据库连接数"), default=None,
                        help="本进程最多占用的数据库连接数（默认 12；多个进程共用 PostgreSQL 时，各进程之和须小于其 max_connections）")
    parser.add_argument("--office-name", metavar="名称", type=_text("汇总表的填报单位"), help="汇总表的填报单位（默认由专项行动的报送对象得出）")
    parser.add_argument("--trusted-proxy", metavar="IP", type=_address,
                        help="前置反向代理的地址：只信任来自该地址的 X-Forwarded-Proto/For/Prefix 头（登录限制据此按真实客户端地址计算；Prefix 为代理对外的路径前缀）")
    parser.add_argument("--site", metavar="目录", help="在 / 下提供的网站（默认项目的 site/，由 yaojian build 生成）；报送服务在 /filing/ 下")


def run(args):
    import os
    import sys

    from generator.commands import project_or_exit
    from generator.commands._ledger import db_target, open_ledger
    from generator.validate.pool import Checker
    from generator.service.db import describe
    from generator.content.office import read_profile
    from generator.service.slots import ScheduleError, load_schedule
    from generator.service.web import Service, create_app
    from generator.service.web.portal import PREFIX, portal

    project = project_or_exit(args)
    try:
        profile = read_profile(project.content)
        schedule = load_schedule(project, args.campaign or profile.campaign)
    except ScheduleError as exc:
        if args.campaign:  # a campaign named on the command line that is not there: bad usage
            print(f"yaojian serve：用法错误：{exc}", file=sys.stderr)
            return 2
        print(f"yaojian serve：{exc}", file=sys.stderr)
        return 1
    workers = args.workers if args.workers is not None else min(4, os.cpu_count() or 1)
    ledger = open_ledger(args, pool=args.db_pool)
    folders = ledger.store.claim()  # and remove the temp folders of servers that are gone
    files = ledger.sweep_orphans()
    from generator.service.sessions import Sessions

    Sessions(ledger).prune()
    checker = Checker(project.root, workers)
    from pathlib import Path

    site = Path(args.site) if args.site else project.site
    service = Service(ledger, project, schedule, checker, max_upload=int(args.max_upload * 1024 * 1024),
                      office_name=args.office_name, profile=profile,
                      site=site if (site / "index.html").is_file() else None)
    proxy_headers = {"x-forwarded-proto", "x-forwarded-for"} if args.trusted_proxy else set()
    flask_app = create_app(service)
    app = portal(flask_app, service.site, args.trusted_proxy, proxy_headers)

    import waitress

    from generator.service import serving

    options = dict(
        host=args.host, port=args.port, threads=max(1, args.threads), ident="yaojian",
        # waitress buffers a request body before the app sees it.  Bodies past this cap are
        # refused by waitress itself while the headers are read (with the app's Chinese
        # file-too-large page, see serving.speak_chinese); uploads under it that are still
        # too large get the same page from the app, decided from Content-Length before the
        # body is parsed.
        max_request_body_size=max(4 * service.max_upload, service.max_upload + 16 * 1024 * 1024),
        # The proxy headers are handled inside `portal` (which also takes X-Forwarded-Prefix).
        clear_untrusted_proxy_headers=False,
    )
    try:
        server = waitress.create_server(app, **options)
    except (OSError, ValueError) as exc:
        from generator.oserrors import reason as os_reason

        why = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        print(f"yaojian serve：无法在 {args.host}:{args.port} 上监听：{why}", file=sys.stderr)
        checker.close()
        ledger.store.release()
        ledger.close()
        return 1
    serving.speak_chinese(server, flask_app)  # waitress's own refusals as the service's pages
    checker.warm()
    print(f"yaojian serve：{schedule.title}，台账 {describe(db_target(args))}，文件 {ledger.store.root}", flush=True)
    if service.site is None:
        print(f"yaojian serve：未找到已生成的网站（{project.display(site)}）；先运行 yaojian build，网站才会出现在 / 下。", flush=True)
    print(f"yaojian serve：报送服务 http://{args.host}:{server.effective_port}{PREFIX}/", flush=True)
    if folders or files:
        print(f"yaojian serve：已清理上次异常退出留下的 {folders} 个临时文件夹、{files} 个未入账的文件。", flush=True)
    print(f"yaojian serve：正在运行 http://{args.host}:{server.effective_port}/ （Ctrl+C 停止）", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"yaojian serve：注意：服务对 {args.host} 开放，局域网内可访问；请确认防火墙设置。", flush=True)
    try:
        serving.run(server)  # until Ctrl+C or SIGTERM; the requests in progress are answered
    finally:
        checker.close(wait=True)
        ledger.store.release()
        ledger.close()
    print("yaojian serve：已停止。", file=sys.stderr, flush=True)
    return 0
