"""argparse speaking Chinese: its own words translated, its columns measured by display width.

argparse looks its words up through gettext (`argparse._` / `argparse.ngettext`) every time
it prints them; `install()` points those two names at the table below, so headings, the
help option, usage and every usage error read in Chinese.  `Formatter` lines up the option
column when metavars are Chinese (a Han character takes two columns on a terminal) and
wraps help text by display width.
"""

from __future__ import annotations

import argparse
import unicodedata

WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "expected one argument": "该选项需要一个值",
    "expected at most one argument": "该选项最多带一个值",
    "expected at least one argument": "该选项至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有操作 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：用法错误：%(message)s\n",
}

PLURALS = {
    ("expected %s argument", "expected %s arguments"): "该选项需要 %s 个值",
}


def gettext(message: str) -> str:
    return WORDS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


def install() -> None:
    """Make argparse speak Chinese in this process (the `yaojian` command line)."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def width(text: str) -> int:
    """Columns a string takes on a terminal (Han characters and full-width forms take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, limit: int) -> list[str]:
    """Lines of at most `limit` columns, breaking at spaces or between Han characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for word in _tokens(paragraph):
            w = width(word)
            if line and used + w > limit and not (word in _NO_START and used + w <= limit + 2) \
                    and line[-1:] not in _NO_END:
                lines.append(line.rstrip())
                line, used = "", 0
                word = word.lstrip()
                w = width(word)
            line += word
            used += w
        lines.append(line.rstrip())
    return lines


# A line does not start with a closing mark nor end with an opening one.
_NO_START = frozenset("，。、；：？！）」』”’》】")
_NO_END = frozenset("（「『“‘《【")


def _tokens(text: str) -> list[str]:
    """Latin words (with their leading space) whole; every wide character on its own."""
    out: list[str] = []
    current = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if current:
                out.append(current)
                current = ""
            out.append(ch)
        elif ch == " " and current.strip():
            out.append(current)
            current = ch
        else:
            current += ch
    if current:
        out.append(current)
    return out


_USAGE_MARGIN = 6  # room for the Chinese metavars of one usage line (名称, 单位名称, 账号)


class Formatter(argparse.HelpFormatter):
    """HelpFormatter that measures and wraps by display width."""

    def add_argument(self, action):
        if action.help is not argparse.SUPPRESS:
            get_invocation = self._format_action_invocation
            invocations = [get_invocation(action)]
            for subaction in self._iter_indented_subactions(action):
                invocations.append(get_invocation(subaction))
            longest = max(width(s) for s in invocations) + self._current_indent
            self._action_max_length = max(self._action_max_length, longest)
            self._add_item(self._format_action, [action])

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        if not action.help:
            parts = [" " * self._current_indent + header + "\n"]
        elif width(header) <= action_width:
            pad = action_width - width(header)
            parts = [" " * self._current_indent + header + " " * pad + "  "]
            header = None
        else:
            parts = [" " * self._current_indent + header + "\n"]
        if action.help and action.help.strip():
            lines = _wrap(self._expand_help(action), help_width)
            if header is None:
                parts.append(lines[0] + "\n")
                lines = lines[1:]
            parts.extend(" " * help_position + line + "\n" for line in lines)
        elif not parts[-1].endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _format_usage(self, usage, actions, groups, prefix):
        # argparse measures the usage by len(): "用法：" and Chinese metavars take twice the
        # columns they count.  Wrap a little narrower, then indent the continuation lines
        # by what the prefix really takes.
        shown = prefix if prefix is not None else gettext("usage: ")
        extra = width(shown) - len(shown)
        self._width -= extra + _USAGE_MARGIN
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra + _USAGE_MARGIN
        first, *rest = text.split("\n")
        return "\n".join([first] + [(" " * extra + line) if line.strip() else line for line in rest])

    def format_help(self):
        text = super().format_help()
        for heading in ("位置参数", "选项"):
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def _fill_text(self, text, width_, indent):
        text = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in _wrap(text, max(width_ - width(indent), 11)))

    def _split_lines(self, text, width_):
        return _wrap(self._whitespace_matcher.sub(" ", text).strip(), width_)

