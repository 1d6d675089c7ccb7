"""The YAML files of a folder, parsed, through a JSON cache.

`yaojian validate` needs the form definitions, the findings catalogue and the campaign
schedule on every run.  Importing PyYAML and parsing those files costs ~25–30 ms of
start-up; the cache, one JSON file per folder under $XDG_CACHE_HOME/yaojian (or
~/.cache/yaojian), keyed by each file's name, size and mtime, costs under 1 ms.  A cache
that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


class BrokenSource(Exception):
    """A project file that cannot be read or parsed; the message is Chinese and names the
    place (the tool's own data cannot be used until `yaojian check` is clean)."""


def _broken(path: Path, exc: Exception) -> BrokenSource:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    what = "YAML 语法错误" if mark is not None or type(exc).__module__.startswith("yaml") else "无法读取"
    if isinstance(exc, UnicodeDecodeError):
        what = "不是 UTF-8 编码"
    return BrokenSource(f"{where}：{what}。请先运行 yaojian check，按提示改正后再试。")


def parse_yaml(text: str) -> Any:
    import yaml  # imported only when a cache is cold

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def stamp(folder: Path) -> list[list]:
    """[name, size, mtime_ns] of each *.yaml in the folder, sorted by name."""
    return [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(Path(folder).glob("*.yaml"))]


def _cache_file(folder: Path, kind: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yaojian"
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return base / f"{kind}-{digest}.json"


def read_folder(folder: Path, kind: str, files: list[list] | None = None) -> list[tuple[Path, Any]]:
    """(path, parsed data) of each *.yaml in `folder`, sorted by name.

    `kind` names the cache file (forms, findings, campaigns); `files` is the folder's
    `stamp()` when the caller already has it."""
    folder = Path(folder)
    files = stamp(folder) if files is None else files
    cache = _cache_file(folder, kind)
    where = str(folder.resolve())
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("stamp") == files and cached.get("where") == where:
            return [(folder / name, data) for name, data in cached["files"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    parsed = []
    for name, _, _ in files:
        try:
            parsed.append((folder / name, parse_yaml((folder / name).read_text(encoding="utf-8"))))
        except Exception as exc:  # noqa: BLE001 - OSError, UnicodeDecodeError, yaml.YAMLError
            raise _broken(folder / name, exc) from None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"stamp": files, "where": where, "files": [[p.name, d] for p, d in parsed]},
                             ensure_ascii=False)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache.parent, delete=False, suffix=".tmp") as fh:
            fh.write(payload)
        os.replace(fh.name, cache)
    except (OSError, TypeError, ValueError):
        pass
    return parsed
