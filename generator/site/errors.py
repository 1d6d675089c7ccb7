"""错误代码: every finding code a clerk can meet when filing (`generator.findings.areas()`),
one anchor per code so a message's [code] can be looked up.  Each code shows a worked
example — the message as the tool prints it, with the values of its example folder under
tests/cases/ (finding-examples.yaml, made by scripts/finding-examples.py) — its remedy and
where it applies.  The content checks' codes (the maintainer's) are on 维护说明."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from generator.findings import SEVERITY_ZH
from generator.site.context import SiteContext
from generator.site.md import esc, heading
from generator.site.page import Page

EXAMPLES = Path(__file__).with_name("finding-examples.yaml")
MAINTAINER_AREAS = ("source",)  # checks of content/ and forms/, run by the maintainer
# Where the codes of an area come up, in the office's words.
WHERE = {
    "file": "报送或校验报表文件时：文件本身无法读取或不安全",
    "template": "校验报表时：报表模板（工作表、行、列、版本）与规定的格式不符",
    "cell": "校验报表时：某个单元格的填写",
    "rules": "校验报表时：表内合计、表间核对、与上次报送的累计数比较",
    "service": "在网上报送时",
    "source": "检查网站内容和报表定义时",
}
_COMMAND = re.compile(r"（yaojian [a-z]+）|（--[a-z-]+）|\s*--[a-z-]+")


_FORM_TITLES: dict[str, str] = {}  # form id -> title, set by pages(): a clerk knows a form by its title


def office_words(text: str) -> str:
    """Catalogue text without the command-line words (yaojian …, --previous) and with form
    titles for form ids."""
    text = _COMMAND.sub("", text or "").strip()
    for form_id, title in _FORM_TITLES.items():
        text = text.replace(form_id, f"“{title}”")
    return text


@lru_cache(maxsize=1)
def examples() -> dict[str, dict]:
    """code -> {where, message, remedy?}: from the example folders, else written by hand
    (rendered through the catalogue's own template)."""
    from generator.findings import catalogue, render
    import yaml

    data = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")) or {}
    out = dict(data.get("cases") or {})
    kinds = catalogue()
    for code, ex in (data.get("manual") or {}).items():
        if code in out or code not in kinds:
            continue
        params = ex.get("params") or {}
        out[code] = {"where": ex.get("where", ""), "message": render(kinds[code].message, params),
                     "remedy": render(kinds[code].remedy, params)}
    return out


def pages(ctx: SiteContext) -> list[Page]:
    from generator.findings import areas

    _FORM_TITLES.update({fid: getattr(f, "title", fid) for fid, f in ctx.forms().items()})
    parts = [
        "# 错误代码\n",
        "校验报表和网上报送给出的每条提示末尾都有一个代码（如 [blank-cell]）。"
        "按代码在本页查找：问题是什么、实际提示的样子、怎样改正。\n",
    ]
    for area in areas():
        if area.id in MAINTAINER_AREAS:
            continue
        parts.append(area_section(area, level=2, where=_forms_place(ctx)))
    return [Page("errors/index.md", "错误代码", "\n".join(parts), "errors")]


def _forms_place(ctx: SiteContext) -> str:
    """The place and year of the document the forms come from (the examples are its forms'),
    as inline HTML: "永川区 · 2022"."""
    docs = {ctx.form_doc(fid) for fid in ctx.forms()} - {None}
    return ctx.tag(docs.pop()) if len(docs) == 1 else ""


def area_section(area, level: int, where: str = "") -> str:
    parts = [heading(level, esc(office_words(area.title)), f"area-{area.id}")]
    if WHERE.get(area.id):
        parts.append(f"出现在：{esc(WHERE[area.id])}。\n")
    for kind in area.kinds:
        parts.append(code_block(kind, where))
    return "\n".join(parts)


def code_block(kind, place: str = "") -> str:
    ex = examples().get(kind.code, {})
    severity = SEVERITY_ZH.get(kind.severity, kind.severity)
    lines = [f'<div class="yj-code" id="{kind.code}" markdown>\n',
             f'<p class="yj-code-head"><strong>{esc(kind.title)}</strong> <code>{kind.code}</code> '
             f'<span class="yj-sev yj-sev-{kind.severity}">{severity}</span></p>\n']
    if kind.description:
        lines.append(esc(office_words(kind.description)) + "\n")
    if ex.get("message"):
        where = f"（{esc(office_words(ex['where']))}）" if ex.get("where") else ""
        if place and ex.get("where") and "上传的文件" not in ex["where"]:
            where += place  # an example from a form: whose form it is
        lines.append(f'<p class="yj-example"><span class="yj-label">提示示例{where}：</span><br>'
                     f'<span class="yj-msg">{esc(office_words(ex["message"]))}</span></p>\n')
    remedy = office_words(ex.get("remedy") or kind.remedy)
    if "{" in remedy:  # a catalogue remedy naming values only an example has: say it without them
        remedy = office_words(re.sub(r"[{][a-z_]+[}]", "", kind.remedy)).replace("“”", "")
    if remedy:
        lines.append(f'<p class="yj-remedy"><span class="yj-label">怎样改正：</span>{esc(remedy)}</p>\n')
    lines.append("</div>\n")
    return "\n".join(lines)
