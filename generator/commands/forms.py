"""`yaojian forms --out DIR`: only the blank forms, one FORM_ID.xlsx per form definition and
FORM_ID.docx beside it for the prose forms (附件2, 附件3)."""

HELP = "只生成空白报表：每张报表一个 FORM_ID.xlsx，文字报告另有 FORM_ID.docx"
DESCRIPTION = (
    "先检查 forms/ 中的报表定义（及其引用的条款），无错误时把每张报表的空白 Excel 模板写入 --out 目录，"
    "文件名为表单编号（如 monthly-progress.xlsx）；文字报告（季度进展报告、工作总结报告）另写一份 Word 模板（如 quarterly-report.docx）。退出码：0 已生成，1 报表定义有错误或无法写入。"
)


def add_arguments(parser):
    parser.add_argument("--out", metavar="DIR", required=True, help="输出目录（不存在时自动创建）")
    parser.add_argument("--prefill", metavar="FILE",
                        help="本单位最近一次通过校验的月报（.xlsx）：另据此生成文字报告的草稿（FORM_ID.草稿.docx）")


def run(args):
    import sys
    from pathlib import Path

    from generator import content as content_mod
    from generator.project_check import format_finding
    from generator.commands import project_or_exit
    from generator.findings import count
    from generator.forms.definition_check import check_forms
    from generator.forms.document import write_documents
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
        drafts = []
        if getattr(args, "prefill", None):  # the prose forms' drafts (the monthly form's is i13's)
            drafts = _drafts(project, out, args.prefill, content)
            if drafts is None:
                return 2
        paths = write_workbooks(project, out, content) + write_documents(project, out, content) + drafts
    except OSError as exc:
        print(f"无法写入 {out}：{exc.strerror or exc}。请检查目录是否存在、是否有写入权限。", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    print(f"已生成 {len(paths)} 个报表文件。", file=sys.stderr)
    return 0


def _drafts(project, out, monthly_path: str, content):
    """Drafts of the prose forms from a monthly filing; None (after saying why) when the
    file is not a valid monthly filing."""
    import sys
    from pathlib import Path

    from generator.forms.document import is_prose
    from generator.forms.draft import build_draft
    from generator.forms.model import load_forms
    from generator.validate import validate

    report = validate(monthly_path, project=project)
    forms = load_forms(project.forms)
    monthly = forms.get(report.form or "")
    if report.stopped or monthly is None or is_prose(monthly) or not report.valid:
        if report.stopped:
            why = report.findings[0].message if report.findings else "文件无法读取"
        elif monthly is None or is_prose(monthly):
            why = f"这是“{report.form_title}”，草稿要据本单位的月报生成"
        else:
            why = f"该月报有 {report.errors} 个错误，请先改正（yaojian validate {monthly_path}）"
        print(f"yaojian forms: 无法据 {monthly_path} 生成草稿：{why}", file=sys.stderr)
        return None
    paths = []
    Path(out).mkdir(parents=True, exist_ok=True)
    for form_id, form in sorted(forms.items()):
        if is_prose(form):
            path = Path(out) / f"{form_id}.草稿.docx"
            build_draft(form, monthly, report.document, content).save(str(path))
            paths.append(path)
    return paths
