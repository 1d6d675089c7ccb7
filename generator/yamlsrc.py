"""YAML sources with positions.

`load(path)` reads a YAML file into plain Python data and remembers where every value
and every key stands (1-based line and column), so that a schema error on
`clauses/3/id` can be reported as `content/documents/x.yaml:41:9`.  Duplicate keys,
non-UTF-8 bytes and syntax errors become `SourceError`s carrying a Finding.

Dates stay strings (`2017-09-11`), so the JSON Schemas see what the maintainer wrote.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.findings import Finding

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_NODES = 2_000_000

JsonPath = tuple[Any, ...]


class SourceError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class Source:
    """A YAML file's data and the positions of its values and keys."""

    file: str
    data: Any
    values: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """The position of the value (or key) at `path`, or of its nearest ancestor."""
        path = tuple(path)
        table = self.keys if key else self.values
        while True:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def finding(self, code: str, path: JsonPath = (), *, key: bool = False, **kw: Any) -> Finding:
        line, col = self.position(path, key=key)
        return Finding(code, file=self.file, line=line, col=col, path=format_path(path), **kw)


def format_path(path: JsonPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PROBLEMS_ZH = {
    "mapping values are not allowed": "此处不能出现“: ”；文字中含冒号时，请给整段文字加引号",
    "could not find expected ':'": "缺少“:”，或上一行的引号没有闭合",
    "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进，请改用空格",
    "that cannot start any token": "此处的字符不能作为一个值的开头；以 @、`、% 等开头的文字请加引号",
    "did not find expected key": "缩进不一致，或列表项与键混在同一层",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found undefined alias": "引用了未定义的锚点（*别名）",
    "found unexpected end of stream": "文件意外结束：引号或括号没有闭合",
    "found unknown escape character": "双引号字符串中有无法识别的转义符“\\”，请改用单引号",
    "expected <document start>, but found '<block mapping start>'": "文件中有多余的缩进",
    "did not find expected <document start>": "文件中有多余的缩进",
    "did not find expected ',' or '}'": "花括号 { } 没有闭合，或其中的项之间缺少逗号",
    "did not find expected ',' or ']'": "方括号 [ ] 没有闭合，或其中的项之间缺少逗号",
    "but found another document": "一个文件只能包含一个 YAML 文档（不要用“---”分隔）",
    "tab character that violate": "不能用制表符（Tab）缩进，请改用空格",
    "tab character where an indentation space is expected": "不能用制表符（Tab）缩进，请改用空格",
    "found character that cannot start any token": "此处的字符不能作为一个值的开头；以 @、`、% 等开头的文字请加引号",
    "mapping values are not allowed in this context": "此处不能出现“: ”；文字中含冒号时，请给整段文字加引号",
    "block sequence entries are not allowed": "此处不能开始列表项（“- ”）；请检查缩进",
    "sequence entries are not allowed": "此处不能开始列表项（“- ”）；请检查缩进",
    "mapping keys are not allowed": "此处不能出现键；请检查缩进",
    "did not find expected node content": "此处缺少内容",
    "did not find expected comment or line break": "引号闭合后同一行还有多余的文字",
    "expected a comment or a line break": "引号闭合后同一行还有多余的文字",
    "found unexpected document indicator": "文字中出现了“---”或“...”，请给这段文字加引号",
    "found unexpected document separator": "文字中出现了“---”或“...”，请给这段文字加引号",
    "found duplicate anchor": "同一个锚点（&名称）定义了两次",
    "found undefined tag handle": "无法识别的标签（以 ! 开头），文字以 ! 开头时请加引号",
    "expected the node content": "此处缺少内容",
    "expected <block end>": "缩进不一致",
    "invalid indentation": "缩进不正确，或 [ { 没有闭合",
    "found an indentation indicator equal to 0": "多行文字（| 或 >）后的缩进数字不能是 0",
    "special characters are not allowed": "文件中有不允许的控制字符",
    "control characters are not allowed": "文件中有不允许的控制字符",
    "incorrect leading UTF-8 octet": "文件中有无效的 UTF-8 字符",
    "invalid leading UTF-8 octet": "文件中有无效的 UTF-8 字符",
}

# A problem the table does not know: said in Chinese all the same (never PyYAML's English).
_PROBLEM_UNKNOWN = "此处的写法无法解析，请检查缩进、冒号“: ”、引号与括号是否成对"


def _problem_zh(problem: str | None) -> str:
    problem = problem or ""
    for en, zh in _PROBLEMS_ZH.items():
        if problem.startswith(en) or en in problem:
            return zh
    return _PROBLEM_UNKNOWN


def load(path: Path, display: str | None = None) -> Source:
    """Read and parse a YAML file; raise SourceError with a located Finding on failure."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        what = shown
        if path.is_symlink():
            what = f"{shown}（它是指向 {os.readlink(path)} 的链接，链接的目标不存在）"
        raise SourceError(Finding("file-missing", {"file": what}, file=shown, line=1, col=1)) from None
    except OSError as exc:
        from generator.oserrors import reason as os_reason

        reason = os_reason(exc)
        raise SourceError(Finding("file-unreadable", {"reason": reason}, file=shown, line=1, col=1)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            Finding("not-utf8", {"byte": f"0x{raw[exc.start]:02X}"}, file=shown, line=line, col=col)
        ) from None
    return loads(text, shown)


def loads(text: str, display: str) -> Source:
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or ""
        if "cannot start any token" in problem and _char_at(text, line, col) == "\t":
            problem = "found character '\\t' that cannot start any token"
        raise SourceError(
            Finding("yaml-syntax", {"problem": _problem_zh(problem)}, file=display, line=line, col=col)
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(Finding("yaml-syntax", {"problem": _problem_zh(str(exc))}, file=display, line=1, col=1)) from None
    source = Source(display, None)
    if node is None:
        return source
    builder = _Builder(source)
    source.data = builder.build(node, ())
    return source


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


class _Builder:
    def __init__(self, source: Source):
        self.source = source
        self.count = 0
        self.scalars = SafeConstructor()

    def build(self, node: Any, path: JsonPath) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise SourceError(self.source.finding("yaml-syntax", path, params={"problem": "文件过大或别名嵌套过深"}))
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise SourceError(
                        Finding("yaml-syntax", {"problem": "键必须是简单的文字"}, file=self.source.file,
                                line=key_node.start_mark.line + 1, col=key_node.start_mark.column + 1)
                    )
                key = key_node.value
                kpath = path + (key,)
                kpos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:
                    first = self.source.keys[kpath]
                    raise SourceError(
                        Finding("duplicate-key", {"key": key, "first_line": first[0]},
                                file=self.source.file, line=kpos[0], col=kpos[1], path=format_path(kpath))
                    )
                self.source.keys[kpath] = kpos
                out[key] = self.build(value_node, kpath)
            return out
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value
        if tag == "tag:yaml.org,2002:bool" and node.value not in ("true", "false", "True", "False", "TRUE", "FALSE"):
            return node.value  # yes/no/on/off stay words
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                   "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            return self.scalars.construct_object(node, deep=True)
        return node.value
