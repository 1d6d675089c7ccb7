"""`yaojian build`: check, then the whole site into site/."""

HELP = "检查后生成工作流程网站（输出到 site/）"
DESCRIPTION = (
    "先做与 yaojian check 相同的检查（有错误则不生成网站，退出码 1），再由 content/ 生成全部网页，"
    "用 mkdocs-material 生成网站到 site/：文件全文、机构与职责、工作流程、时间安排与日历文件、认定标准、"
    "报表、错误代码。生成在旁边的临时目录中进行，成功后才替换 site/，失败时原有网站保持不变。"
)


def add_arguments(parser):
    parser.add_argument("--site-dir", metavar="DIR", help="输出目录（默认为项目的 site/）")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按该日期计算当前阶段和近期期限（默认今天）")
    parser.add_argument("--keep-docs", metavar="DIR", help="把生成的 Markdown 保留在该目录（用于排查）")


def run(args):
    import sys
    from datetime import date
    from pathlib import Path

    from generator.project_check import format_finding
    from generator.commands import project_or_exit
    from generator.site.build import build

    project = project_or_exit(args, installed=False)
    today = None
    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            print(f"yaojian build: 用法错误：--today 应写作 YYYY-MM-DD，如 2022-06-15（收到“{args.today}”）", file=sys.stderr)
            return 2
    result = build(
        project,
        today=today,
        site_dir=Path(args.site_dir).resolve() if args.site_dir else None,
        docs_dir=Path(args.keep_docs).resolve() if args.keep_docs else None,
    )
    for finding in result.check.findings:
        print(format_finding(finding))
    if result.check.errors:
        print(
            f"检查了 {result.check.files} 个文件：{result.check.errors} 个错误，{result.check.warnings} 个警告。"
            "有错误，未生成网站（原有网站未改动）。",
            file=sys.stderr,
        )
        return 1
    if not result.built:
        print("网站生成失败（原有网站未改动）：", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"网站已生成：{project.display(result.site)}（{result.pages} 个页面，用时 {result.seconds:.1f} 秒）",
        file=sys.stderr,
    )
    return 0
