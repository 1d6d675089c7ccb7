"""`yaojian rollup`: the latest accepted filings of a period summed into one filing of the form."""

HELP = "汇总：各单位最新通过校验的报送相加，生成同一报表的一份填报（可报上级）"
DESCRIPTION = (
    "把各单位某一期最新通过校验的报送相加，写成同一报表的一份工作簿：填报单位为本级（--unit-name），"
    "只有各单位都填“/”的格才是“/”，合计重新计算，表1 各案件编号前加上单位名称，另有“各单位明细”工作表"
    "列出每个数字背后各单位的数值。数据来自台账（--period 与 --form），或来自一个目录中的报表文件（--from）。"
    "写出后用校验器复核。退出码：0 成功且汇总表通过校验，1 失败。"
)


def add_arguments(parser):
    from generator.commands._ledger import add_db_arguments

    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--period", metavar="P", help="期间，如 2022-05（月报）、2022-Q2（季报）或专项行动编号（总结）")
    source.add_argument("--from", dest="folder", metavar="DIR", help="从目录中的报表文件汇总（每个单位取填报日期最晚的一份通过校验的文件）")
    parser.add_argument("--form", metavar="F", help="报表编号，如 monthly-progress（用 --period 时必需）")
    add_db_arguments(parser)
    parser.add_argument("--out", metavar="FILE", help="输出的工作簿（默认 汇总-<报表>-<期间>.xlsx）")
    parser.add_argument("--unit-name", metavar="名称", help="汇总表的填报单位（默认由专项行动的报送对象得出，如“永川区工作小组办公室”）")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="汇总表的填报日期（默认取各单位填报日期中最晚的一个）")
    parser.add_argument("--campaign", metavar="ID", help="专项行动编号（只有一个带报送安排时可省略）")


def run(args):
    import sys
    from datetime import date
    from pathlib import Path

    from generator.commands import project_or_exit
    from generator.rollup import RollupError, from_folder, from_ledger, write
    from generator.service.slots import ScheduleError, load_schedule

    project = project_or_exit(args)
    if args.date:
        try:
            date.fromisoformat(args.date)
        except ValueError:
            print(f"yaojian rollup：--date 应为 YYYY-MM-DD 格式的日期，而不是“{args.date}”。", file=sys.stderr)
            return 1
    name = args.unit_name
    if not name:
        try:
            name = load_schedule(project, args.campaign).office_name()
        except ScheduleError:
            name = "工作小组办公室"
    try:
        if args.folder:
            folder = Path(args.folder)
            if not folder.is_dir():
                print(f"yaojian rollup：目录 {folder} 不存在。", file=sys.stderr)
                return 1
            result = from_folder(folder, project, args.form, unit=name, report_date=args.date)
            label = folder.name
        else:
            if not args.form:
                print("yaojian rollup：用 --period 汇总时须用 --form 指定报表。", file=sys.stderr)
                return 1
            from generator.commands._ledger import open_ledger

            ledger = open_ledger(args)
            try:
                result = from_ledger(ledger, project, args.form, args.period, unit=name, report_date=args.date)
            finally:
                ledger.close()
            label = args.period
    except RollupError as exc:
        print(f"yaojian rollup：{exc}", file=sys.stderr)
        return 1
    for line in result.skipped:
        print(f"略去：{line}", file=sys.stderr)
    for line in result.rollup.skipped:
        print(f"未计入：{line}", file=sys.stderr)
    out = Path(args.out or f"汇总-{result.rollup.form.id}-{label}.xlsx")
    write(result.rollup, project, out)
    units = result.rollup.units
    print(f"已汇总 {len(units)} 个单位（{'、'.join(units[:10])}{'等' if len(units) > 10 else ''}）→ {out}")

    from generator.validate.pool import check_file

    checked = check_file(str(out), str(project.root))
    if not checked.valid:
        print(f"yaojian rollup：汇总表未通过校验（{checked.errors} 个错误）：", file=sys.stderr)
        for f in checked.report.get("findings") or []:
            if f.get("severity") == "error":
                print(f"  {f.get('sheet') or ''} {f.get('cell') or ''} {f.get('code')}: {f.get('message')}", file=sys.stderr)
        return 1
    print(f"汇总表已通过校验（{checked.warnings} 个警告）。")
    return 0
