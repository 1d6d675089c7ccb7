"""`yaojian validate FILE...`: check filed report workbooks and say, cell by cell, what is wrong."""

from __future__ import annotations

import argparse
import sys

HELP = "校验各单位报回的报表（.xlsx），逐个单元格指出问题"
DESCRIPTION = (
    "校验报回的报表工作簿：识别报表与模板版本，检查每个单元格（不涉及填“/”，没有填“0”）、合计、分项、"
    "各表之间的一致性和累计数。退出码：0 无错误（可有警告），1 发现错误，2 有文件无法读取或用法错误。"
)
FORMATS = ("text", "json", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="报回的报表文件（.xlsx），可以有多个")
    parser.add_argument("--previous", metavar="FILE", help="本单位上一次报送的同一报表，用于核对累计数不减少")
    parser.add_argument("--format", choices=FORMATS, default="text", help="输出格式：text（默认）、json 或 html")
    parser.add_argument("--annotate", metavar="DIR", help="把每个文件标注后的副本写到此目录（错误标红、警告标黄，附批注）")
    parser.add_argument("--jobs", type=int, metavar="N", help="并行处理的进程数（默认：CPU 核数；文件少时不并行）")


def run(args: argparse.Namespace) -> int:
    from generator.commands import project_or_exit

    project = project_or_exit(args)
    if args.jobs is not None and args.jobs < 1:
        print("yaojian validate: 用法错误：--jobs 至少为 1", file=sys.stderr)
        return 2
    if args.annotate:
        from pathlib import Path

        try:
            Path(args.annotate).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from generator.oserrors import reason as os_reason

            print(f"yaojian validate: 无法创建目录 {args.annotate}：{os_reason(exc)}", file=sys.stderr)
            return 2

    from generator.validate.batch import validate_many
    from generator.validate.report import worst_exit
    from generator.validate.reporters import render

    progress = _progress if len(args.files) > 1 and sys.stderr.isatty() else None
    reports = validate_many(args.files, project, previous=args.previous, annotate_dir=args.annotate,
                            jobs=args.jobs, progress=progress)
    if progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    options = {"colour": True} if args.format == "text" and sys.stdout.isatty() else {}
    sys.stdout.write(render(args.format, reports, **options))
    sys.stdout.flush()
    return worst_exit(reports)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r校验中 {done}/{total} …")
    sys.stderr.flush()
