"""When a form may be filed: the campaigns of content/campaigns that reference it.

A filing's 填报日期 must fall between a campaign's start (`period.start`) and the last
reporting deadline for that form (`reporting[].deadline`: a recurring deadline's `end`,
an absolute deadline's `date`), or the campaign's end when that is later.  A form no
campaign references has no window, and the check is skipped.  The campaign files are
read through the same JSON cache as the form definitions (no YAML import when warm).
"""

from __future__ import annotations

from pathlib import Path

from generator.memo import Memo
from generator.yamlcache import read_folder, stamp


class Window:
    """When a form may be filed in one campaign: ISO dates, and the campaign's title."""

    __slots__ = ("campaign", "start", "end")

    def __init__(self, campaign: str, start: str, end: str):
        self.campaign, self.start, self.end = campaign, start, end


_WINDOWS: Memo[dict[str, list[Window]]] = Memo(8)


def windows(content: Path) -> dict[str, list[Window]]:
    """Filing windows by form id."""
    folder = Path(content) / "campaigns"
    if not folder.is_dir():
        return {}
    files = stamp(folder)
    return _WINDOWS.get((str(folder), repr(files)), lambda: _windows(folder, files))


def _windows(folder: Path, files: list) -> dict[str, list[Window]]:
    out: dict[str, list[Window]] = {}
    try:
        definitions = read_folder(folder, "campaigns", files)
    except Exception:  # noqa: BLE001 - a broken content file is `yaojian check`'s business
        definitions = []
    for _path, data in definitions:
        try:
            period = data.get("period") or {}
            start, end = str(period["start"]), str(period["end"])
            title = str(data.get("title") or data.get("id"))
            last: dict[str, str] = {}
            for rep in data.get("reporting") or ():
                form = rep.get("form")
                if not form:
                    continue
                d = rep.get("deadline") or {}
                due = d.get("end") or d.get("date") or end
                last[form] = max(last.get(form, end), str(due))
            for form, due in last.items():
                out.setdefault(form, []).append(Window(title, start, max(end, due)))
        except (AttributeError, KeyError, TypeError):
            continue
    return out
