"""错误代码: every finding code of the catalogue (`generator.findings.areas()`), one anchor per
code, so a message's [code] can be looked up."""

from __future__ import annotations

import re

from generator.findings import SEVERITY_ZH
from generator.site.context import SiteContext
from generator.site.md import esc, heading, table
from generator.site.page import Page

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # a message template's slots, shown as …


def pages(ctx: SiteContext) -> list[Page]:
    from generator.findings import areas

    parts = [
        "# 错误代码\n",
        "`yaojian check` 和报表校验给出的每条信息末尾都有一个代码（如 `[blank-cell]`）。"
        "下表按代码说明问题是什么、怎样改正。\n",
    ]
    for area in areas():
        parts.append(heading(2, esc(area.title), f"area-{area.id}"))
        rows = []
        for kind in area.kinds:
            rows.append([
                f'<span id="{kind.code}"></span>`{kind.code}`',
                SEVERITY_ZH.get(kind.severity, kind.severity),
                esc(kind.title),
                esc(kind.description or _PLACEHOLDER.sub("…", kind.message)),
                esc(kind.remedy),
            ])
        parts.append('<div class="yj-codes" markdown>\n\n' + table(["代码", "级别", "名称", "说明", "处理办法"], rows)
                     + "\n</div>\n")
    return [Page("errors/index.md", "错误代码", "\n".join(parts), "errors")]
