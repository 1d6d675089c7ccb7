"""`yaojian check`: validate content/ and forms/ against their schemas and each other."""

HELP = "检查 content/ 与 forms/：结构、编号、引用与引文"
DESCRIPTION = (
    "按 schemas/ 中的结构检查 content/ 与 forms/ 下的 YAML 文件，并检查编号唯一、引用存在、"
    "引文与原文一致。每个问题输出为“路径:行:列: 信息”。退出码：0 无错误，1 有错误。"
)


def add_arguments(parser):
    parser.add_argument("--strict", action="store_true", help="有警告时也以退出码 1 结束")


def run(args):
    import sys

    from generator.project_check import check_project, format_finding
    from generator.commands import project_or_exit

    project = project_or_exit(args, installed=False)
    result = check_project(project)
    for finding in result.findings:
        print(format_finding(finding))
    print(
        f"检查了 {result.files} 个文件：{result.errors} 个错误，{result.warnings} 个警告。",
        file=sys.stderr,
    )
    return 0 if result.ok(strict=args.strict) else 1
