"""The one findings catalogue, and the Finding every check returns.

Each kind of finding is data (a YAML entry in this folder): a stable kebab-case code, a
severity, a Chinese title, a Chinese message template and a remedy.  Checks return
`Finding` objects carrying the code, the facts (value, expected, params) and a typed
location; reporters render them late.  Rendering never raises.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

SEVERITIES = ("error", "warning")
SEVERITY_ZH = {"error": "错误", "warning": "警告"}

_HERE = Path(__file__).parent


class _Record:
    """Equality and repr over `__slots__`.  Plain classes rather than dataclasses: every
    `yaojian validate` imports this module, and building a dataclass costs ~1 ms."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({inner})"


class Kind(_Record):
    """One entry of the catalogue."""

    __slots__ = ("code", "severity", "title", "message", "remedy", "area", "description", "variants")

    def __init__(self, code: str, severity: str, title: str, message: str, remedy: str, area: str,
                 description: str = "", variants: dict[str, dict[str, str]] | None = None):
        self.code = code
        self.severity = severity
        self.title = title
        self.message = message
        self.remedy = remedy
        self.area = area
        self.description = description
        # Named alternatives of the same code (e.g. a downgraded, explained form).
        self.variants: dict[str, dict[str, str]] = variants if variants is not None else {}


class Area(_Record):
    __slots__ = ("id", "title", "kinds")

    def __init__(self, id: str, title: str, kinds: tuple[Kind, ...]):  # noqa: A002 - the catalogue's word
        self.id = id
        self.title = title
        self.kinds = kinds


class _Lenient(dict):
    """Format mapping that leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key: str) -> str:  # pragma: no cover - defensive
        return "{" + key + "}"


_FORMATTER = string.Formatter()


def render(template: str, params: dict[str, Any]) -> str:
    """Fill a message template; never raises, whatever the template or params."""
    values = _Lenient({k: _text(v) for k, v in params.items()})
    try:
        text = _FORMATTER.vformat(template, (), values)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return template
    # A parameter that ends a sentence itself ("，是否为「deadline」？") before the
    # template's own full stop: keep one mark.
    for doubled, single in _DOUBLED:
        text = text.replace(doubled, single)
    return text


_DOUBLED = (("？。", "？"), ("！。", "！"), ("。。", "。"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    return str(value)


def _raw_areas() -> list[dict]:
    """The catalogue files' data (`yaojian validate` renders messages on every run, so
    they come through the JSON cache: no PyYAML import while they are unchanged)."""
    from generator.yamlcache import read_folder

    return [data for _path, data in read_folder(_HERE, "findings")]


@lru_cache(maxsize=1)
def areas() -> tuple[Area, ...]:
    """Every area of the catalogue, in file order (sorted by file name)."""
    out = []
    for raw in _raw_areas():
        area_id = raw["area"]
        kinds = tuple(
            Kind(
                code=e["code"],
                severity=e["severity"],
                title=e["title"],
                message=e["message"],
                remedy=e["remedy"],
                area=area_id,
                description=e.get("description", ""),
                variants=e.get("variants", {}),
            )
            for e in raw["findings"]
        )
        out.append(Area(area_id, raw["title"], kinds))
    return tuple(out)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Kind]:
    """Every kind of finding by code."""
    result: dict[str, Kind] = {}
    for area in areas():
        for kind in area.kinds:
            if kind.code in result:
                raise RuntimeError(f"finding code {kind.code!r} is defined twice")
            if kind.severity not in SEVERITIES:
                raise RuntimeError(f"finding code {kind.code!r} has unknown severity {kind.severity!r}")
            result[kind.code] = kind
    return result


class Finding(_Record):
    """One problem found, with its facts and its location; rendered late."""

    __slots__ = ("code", "params", "value", "expected", "variant", "file", "line", "col", "path", "sheet", "cell",
                 "row", "column")

    def __init__(self, code: str, params: dict[str, Any] | None = None, value: str | None = None,
                 expected: str | None = None, variant: str | None = None, file: str | None = None,
                 line: int | None = None, col: int | None = None, path: str | None = None, sheet: str | None = None,
                 cell: str | None = None, row: str | None = None, column: str | None = None):
        self.code = code
        self.params: dict[str, Any] = params if params is not None else {}
        self.value = value
        self.expected = expected
        self.variant = variant
        # Location in a source file (YAML) ...
        self.file = file
        self.line = line
        self.col = col
        self.path = path
        # ... or in a workbook, in the form's own words.
        self.sheet = sheet
        self.cell = cell
        self.row = row
        self.column = column

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)

    @property
    def kind(self) -> Kind:
        return catalogue()[self.code]

    def _variant(self) -> dict[str, str]:
        if self.variant:
            return self.kind.variants.get(self.variant, {})
        return {}

    @property
    def severity(self) -> str:
        return self._variant().get("severity", self.kind.severity)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message(self) -> str:
        template = self._variant().get("message", self.kind.message)
        params = dict(self.params)
        params.setdefault("value", self.value)
        params.setdefault("expected", self.expected)
        return render(template, params)

    @property
    def remedy(self) -> str:
        params = dict(self.params)
        params.setdefault("value", self.value)
        params.setdefault("expected", self.expected)
        return render(self._variant().get("remedy", self.kind.remedy), params)

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON report contract has it."""
        out: dict[str, Any] = {"code": self.code, "severity": self.severity}
        for key in ("sheet", "cell", "row", "column", "value", "expected"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        for key in ("file", "line", "col", "path"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["message"] = self.message
        extra = {k: v for k, v in self.params.items() if k not in ("value", "expected")}
        if extra:
            out["params"] = _jsonable(extra)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings) among findings."""
    errors = warnings = 0
    for f in findings:
        if f.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
