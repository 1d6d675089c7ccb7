"""`yaojian forms --out DIR`: only the blank workbooks, one FORM_ID.xlsx per form definition."""

HELP = "只生成空白报表（Excel）：每张报表一个 FORM_ID.xlsx"
DESCRIPTION = (
    "先检查 forms/ 中的报表定义（及其引用的条款），无错误时把每张报表的空白 Excel 模板写入 --out 目录，"
    "文件名为表单编号（如 monthly-progress.xlsx）。退出码：0 已生成，1 报表定义有错误或无法写入。"
)


def add_arguments(parser):
    parser.add_argument("--out", metavar="DIR", required=True, help="输出目录（不存在时自动创建）")


def run(args):
    import sys
    from pathlib import Path

    from generator import content as content_mod
    from generator.project_check import format_finding
    from generator.commands import project_or_exit
    from generator.findings import count
    from generator.forms.definition_check import check_forms
    from generator.forms.workbook import write_workbooks
    from generator.schemacheck import SchemaSet

    project = project_or_exit(args)
    content = content_mod.load(project)
    result = check_forms(project, SchemaSet(project.schemas), content)
    for finding in result.findings:
        print(format_finding(finding))
    errors, _ = count(result.findings)
    if errors:
        print(f"报表定义有 {errors} 个错误，未生成空白报表。请先改正（yaojian check）。", file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        paths = write_workbooks(project, out, content)
    except OSError as exc:
        print(f"无法写入 {out}：{exc.strerror or exc}。请检查目录是否存在、是否有写入权限。", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    print(f"已生成 {len(paths)} 个空白报表。", file=sys.stderr)
    return 0
