"""The `yaojian` command line: a thin layer over the library.

Each command lives in `generator.commands.<name>` and offers `HELP`, `add_arguments(parser)`
and `run(args) -> int`.  Command modules import nothing heavy at module level, so that
`yaojian validate` on one file starts quickly; the work is done by library calls inside
`run`, which return results that the command prints.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = ("check", "build", "forms", "validate", "serve", "rollup", "users", "backup", "restore")

_ARGPARSE_ZH = (
    ("the following arguments are required: ", "缺少必需的参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("invalid choice: ", "无效的选项："),
    ("expected one argument", "该选项需要一个值"),
    ("argument ", "参数 "),
    ("choose from ", "可选："),
    ("invalid int value: ", "不是有效的整数："),
)


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in Chinese (exit 2, as the contract says)."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        for en, zh in _ARGPARSE_ZH:
            message = message.replace(en, zh)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 用法错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="yaojian",
        description="药监：药品安全专项整治行动的工作流程网站、报表模板与报表校验工具。",
    )
    from generator import __version__

    parser.add_argument("--version", action="version", version=f"yaojian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"generator.commands.{name}")
        p = sub.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        p.add_argument("--root", metavar="DIR", help="项目目录（含 content/ 与 forms/）；默认从当前目录向上查找")
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a tool bug must still not show users a traceback
        if os.environ.get("YAOJIAN_DEBUG"):
            raise
        print(
            f"yaojian: 内部错误（{type(exc).__name__}: {exc}）。这是工具本身的问题，不是您的文件的问题；"
            "请把这条信息转给维护人员（设置环境变量 YAOJIAN_DEBUG=1 可看到详细信息）。",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
