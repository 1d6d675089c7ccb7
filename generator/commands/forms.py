"""`yaojian forms --out DIR [--prefill PREVIOUS]`: the blank forms, one FORM_ID.xlsx per form
definition and FORM_ID.docx beside it for the prose forms (附件2, 附件3); with --prefill, the
next period's form pre-filled from a previous filing and, from a monthly filing, drafts of
the prose reports."""

HELP = "生成空白报表：每张报表一个 FORM_ID.xlsx，文字报告另有 FORM_ID.docx；--prefill 生成预填上期数的本期报表和文字报告草稿"
DESCRIPTION = (
    "先检查 forms/ 中的报表定义（及其引用的条款），无错误时把每张报表的空白 Excel 模板写入 --out 目录，"
    "文件名为表单编号（如 monthly-progress.xlsx）；文字报告（季度进展报告、工作总结报告）另写一份 Word 模板（如 quarterly-report.docx）。"
    "加 --prefill 上期报表.xlsx 时：先校验上期报表（须是月报），无错误时这张报表写成本期的预填版本，"
    "把其中的累计数（表2–4）和未办结的案件（表1）填入，这些单元格标浅蓝色并附批注“沿用上期数，请核对”；"
    "上期报表是月报时，另据其数字写出文字报告的草稿（FORM_ID.草稿.docx）。"
    "退出码：0 已生成，1 报表定义有错误或无法写入，2 用法错误（包括上期报表无法读取或有错误）。"
)


def add_arguments(parser):
    parser.add_argument("--out", metavar="DIR", required=True, help="输出目录（不存在时自动创建）")
    parser.add_argument("--prefill", metavar="PREVIOUS",
                        help="本单位上一期已报送并通过校验的报表（.xlsx）：本期报表预填其中的累计数；是月报时另生成文字报告草稿（FORM_ID.草稿.docx）")


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
    previous = None
    if args.prefill:  # checked before anything is written
        previous = _previous(project, Path(args.prefill))
        if isinstance(previous, int):
            return previous
    try:
        paths = write_workbooks(project, out, content) + write_documents(project, out, content)
        if previous is not None:
            paths = _prefilled(project, previous, out, content, paths)
    except OSError as exc:
        from generator.oserrors import reason as os_reason

        print(f"无法写入 {out}：{os_reason(exc)}。请检查目录是否存在、是否有写入权限。", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    print(f"已生成 {len(paths)} 个报表文件。", file=sys.stderr)
    return 0


def _previous(project, previous):
    """The previous filing's Report and form, or an exit code after saying why it cannot
    be used (missing, unreadable, with errors, or a prose report instead of a monthly)."""
    import sys

    from generator.forms.document import is_prose
    from generator.forms.model import load_forms
    from generator.validate import validate
    from generator.validate.reporters import render

    prog = "yaojian forms"
    if not previous.is_file():
        print(f"{prog}: 用法错误：找不到上期报表 {previous}", file=sys.stderr)
        return 2
    report = validate(previous, project=project)
    form = load_forms(project.forms).get(report.form or "")
    if form is not None and is_prose(form):
        print(f"{prog}: 用法错误：{previous.name} 是“{report.form_title}”，预填的报表和报告草稿要据本单位的月报生成。",
              file=sys.stderr)
        return 2
    if report.stopped or not report.valid:
        sys.stdout.write(render("text", [report]))
        why = "无法读取" if report.stopped else f"有 {report.errors} 个错误"
        print(f"{prog}: 用法错误：上期报表 {previous.name} {why}，不能用来预填。"
              "请先改正并重新报送，再用通过校验的一版预填。", file=sys.stderr)
        return 2
    return report, load_forms(project.forms)[report.form]


def _prefilled(project, previous, out, content, paths: list) -> list:
    """The previous filing's form for the next period, pre-filled (in place of its blank),
    and drafts of the prose reports from its figures; returns every path written."""
    import sys
    from datetime import date

    from generator.forms.document import is_prose
    from generator.forms.draft import build_draft
    from generator.forms.filled import to_bytes, write_values
    from generator.forms.model import load_forms
    from generator.forms.prefill import prefill

    report, form = previous
    report_date = _next_report_date(project, form.id, report.report_date, date.today())
    values, carried = prefill(form, report.document, unit=report.unit, report_date=report_date)
    target = out / f"{form.id}.xlsx"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(to_bytes(write_values(form, project, values, carried)))
    tmp.replace(target)
    for form_id, other in sorted(load_forms(project.forms).items()):
        if is_prose(other):
            path = out / f"{form_id}.草稿.docx"
            build_draft(other, form, report.document, content).save(str(path))
            paths.append(path)
    print(f"已生成预填上期数的报表 {target.name}：沿用 {len(carried)} 个单元格（浅蓝色，附批注“沿用上期数，请核对”），"
          "请逐一核对并填写本期新增；文字报告草稿中的数字也请逐项核对。", file=sys.stderr)
    return paths


def _next_report_date(project, form_id: str, previous_date: str | None, today) -> str | None:
    """填报日期 of the period after the previous filing's, from the campaign's schedule
    (today while that period is open, else its due date); None when it cannot be told."""
    from datetime import date

    from generator.forms.prefill import default_report_date
    from generator.service.slots import ScheduleError, load_schedule

    if not previous_date:
        return None
    try:
        slots = load_schedule(project).slots_of(form_id)
    except (ScheduleError, OSError):
        return None
    before = date.fromisoformat(previous_date)
    for i, slot in enumerate(slots):
        if slot.due >= before:
            if i + 1 < len(slots):
                nxt = slots[i + 1]
                return default_report_date(nxt.start, nxt.due, today).isoformat()
            return None
    return None
