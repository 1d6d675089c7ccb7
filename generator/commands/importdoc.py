"""`yaojian import FILE`: a new document (.docx or .txt) as a draft content/documents/ID.yaml."""

HELP = "导入新文件（Word .docx 或文本 .txt），生成 content/documents/ 中的条款草稿"
DESCRIPTION = (
    "把一份新文件（Word .docx，或 UTF-8/GB18030 编码的 .txt）逐字转成 content/documents/ID.yaml 草稿："
    "按编号（一、（一）1.（1）、第一条、一是）分出条款，去掉页码和页眉，合并分页断开的句子，"
    "推测标题、文号、发文机关、日期与类别并标注“待核对”，最后输出中文导入报告和 yaojian check 的结果。"
    "不会覆盖已有文件（除非加 --force）。退出码：0 草稿检查通过，1 草稿已写出但有问题，2 无法读取或用法错误。"
)


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="要导入的文件（.docx 或 .txt）")
    parser.add_argument("--id", metavar="ID", help="文件编号（小写字母、数字、连字符，如 dongying-2017-61）；默认由文号或日期生成")
    parser.add_argument("--out", metavar="PATH", help="草稿写到哪里；默认 content/documents/ID.yaml")
    parser.add_argument("--force", action="store_true", help="目标文件已存在时覆盖")
    parser.add_argument("--form-draft", metavar="PATH", dest="form_draft",
                        help="文件中有统计表（带“合计”列）时，另写一份报表定义草稿到 PATH（如 forms/ID.yaml）")


def run(args):
    import sys

    from generator.commands import project_or_exit
    from generator.importer import ImportFailure, import_document
    from generator.importer.report import render

    project = project_or_exit(args, installed=False)  # it writes into the maintainer's sources
    try:
        result = import_document(args.file, project, doc_id=args.id, out=args.out, force=args.force,
                                 form_draft=args.form_draft)
    except ImportFailure as exc:
        print(f"yaojian import: {exc}", file=sys.stderr)
        return 2
    print(render(result))
    return result.exit_code
