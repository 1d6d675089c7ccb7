"""A prose report drafted from the unit's monthly filing (`yaojian forms --prefill MONTHLY.xlsx`).

Where the template asks for figures — 二(二) 移送通报情况 (线索通报数量和案件移送数量 of
药品、医疗器械、化妆品) and 二(三) 案件查办情况 — the draft holds a sentence and a small
table with the numbers of the monthly filing's 表2–4 (running totals to its 填报日期), and
every 表1 大案要案 case becomes a 一案一报 annex; a quarterly report also says how much each
figure grew since the unit's filing at the end of the quarter before (the service knows it).  Each drafted block is marked for the
clerk to check.  The figures drafted are kept in the document property 草稿数据 (JSON), so
that validating the filed report can tell a drafted figure the clerk changed
(`draft-figure-changed`, naming both numbers).

The figures are read from the filed document of a valid monthly filing (the agreed
shape, generator.validate): no row or column is named here but by the definition's ids
of the rows the template's words ask for.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from generator.forms.document import Block, Fill
from generator.forms.model import Form

DRAFT_PROPERTY = "草稿数据"
PRODUCTS = ("drug", "device", "cosmetic")
# (section, [(row group, row id)]): the rows each drafted section reports, by id.
REFERRALS = [("referral", "police_clues"), ("referral", "police_cases")]
CASES = [("value", "amount"), ("penalty", "fine_amount"), ("penalty", "confiscation")]


def _total(table: dict, row: str) -> Decimal | None:
    cell = (table.get("rows") or {}).get(row) or {}
    value = cell.get("total")
    if value is None or value == "/":
        parts = [v for k, v in cell.items() if k != "total" and isinstance(v, (int, float, str)) and v != "/"]
        if not parts:
            return None
        try:
            return sum((Decimal(str(v)) for v in parts), Decimal(0))
        except ArithmeticError:
            return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _shown(d: Decimal | None) -> str:
    if d is None:
        return "/"
    text = format(d.normalize(), "f")
    return text


def _case_count(table: dict, form_table) -> Decimal | None:
    """Cases of a product: the sum of its 涉案货值 band rows' totals."""
    rows = [r.id for r in form_table.rows if r.group == "value" and r.id.startswith("band_")]
    vals = [_total(table, r) for r in rows]
    vals = [v for v in vals if v is not None]
    return sum(vals, Decimal(0)) if vals else None


def figures(monthly: Form, document: dict) -> dict[str, list[tuple[str, str, str]]]:
    """(product title, item label, value) per drafted section."""
    tables = document.get("tables") or {}
    out: dict[str, list[tuple[str, str, str]]] = {"referrals": [], "case_handling": []}
    for pid in PRODUCTS:
        t = next((x for x in monthly.tables if x.id == pid), None)
        if t is None:
            continue
        data = tables.get(pid) or {}
        product = t.title or pid
        for _group, row in REFERRALS:
            out["referrals"].append((product, t.row(row).label, _shown(_total(data, row))))
        out["case_handling"].append((product, "案件数（件）", _shown(_case_count(data, t))))
        for _group, row in CASES:
            out["case_handling"].append((product, t.row(row).label, _shown(_total(data, row))))
    return out


def _short(product: str) -> str:
    return product.replace("案件查办情况", "")


def figure_blocks(monthly: Form, document: dict, who: str, source: str,
                  check: bool = True) -> tuple[dict[str, list[Block]], list[dict]]:
    """Per drafted section, a sentence and a small table of a monthly document's figures
    ("截至…，{who}累计（据{source}）：…"), and the figures as drafted (section, item, value)."""
    header = document.get("header") or {}
    out: dict[str, list[Block]] = {}
    drafted: list[dict] = []
    for section, items in figures(monthly, document).items():
        if not items:
            continue
        products = list(dict.fromkeys(p for p, _, _ in items))
        labels = list(dict.fromkeys(label for _, label, _ in items))
        sentences = []
        for p in products:
            parts = [f"{label.split('（')[0]} {value}{_unit(label)}" for q, label, value in items if q == p]
            sentences.append(f"{_short(p)}" + "，".join(parts))
            drafted += [{"section": section, "item": f"{_short(p)}{label.split('（')[0]}", "value": value}
                        for q, label, value in items if q == p]
        lead = f"截至{_zh_date(header.get('report_date'))}，{who}累计（据{source}）："
        text = lead + "；".join(sentences) + "。"
        rows = [["产品类别", *labels]] + [[_short(p), *[v for q, _, v in items if q == p]] for p in products]
        out[section] = [Block("paragraph", text), Block("table", rows=rows, check=check)]
    return out, drafted


def change_sentence(monthly: Form, document: dict, previous: dict, section: str) -> str | None:
    """"较2022年3月31日（上一季度末）：药品通报公安机关线索数增加 2件，…。" — the change of
    each drafted figure since an earlier monthly filing (running totals), or None."""
    now = {(p, label): v for p, label, v in figures(monthly, document).get(section, [])}
    before = {(p, label): v for p, label, v in figures(monthly, previous).get(section, [])}
    parts = []
    for (p, label), value in now.items():
        old = before.get((p, label))
        try:
            diff = Decimal(value) - Decimal(old)
        except (ArithmeticError, TypeError, ValueError):
            continue
        word = "增加" if diff >= 0 else "减少"
        parts.append(f"{_short(p)}{label.split('（')[0]}{word} {_shown(abs(diff))}{_unit(label)}")
    if not parts:
        return None
    when = _zh_date((previous.get("header") or {}).get("report_date"))
    return f"较{when}（上一季度末）：" + "，".join(parts) + "。"


def draft_fill(prose: Form, monthly: Form, document: dict, source: str,
               previous: dict | None = None) -> tuple[Fill, dict]:
    """The Fill of a drafted report, and the figures drafted (the 草稿数据 property).
    `previous`: the unit's monthly filing at the end of the quarter before, for a
    quarterly report's change since then."""
    header = document.get("header") or {}
    fill = Fill(header={"unit": str(header.get("unit") or "")},
                note=f"【请核对】本草稿由系统根据本单位{source}生成：标注“请核对”的文字和数字请逐项核对、补充后再报送，其余部分请按提示填写。")
    fill.sections, drafted = figure_blocks(monthly, document, "本单位", source)
    if previous is not None and prose.period == "quarter":
        for section, blocks in fill.sections.items():
            sentence = change_sentence(monthly, document, previous, section)
            if sentence:
                blocks.insert(1, Block("paragraph", sentence))
    for case in (document.get("tables") or {}).get("major_cases") or []:
        if not isinstance(case, dict):
            continue
        fill.annexes.append((str(case.get("name") or case.get("number") or "案件"), _case_blocks(monthly, case)))
    return fill, {"source": source, "figures": drafted}


def _zh_date(value) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else "本期"


def _unit(label: str) -> str:
    m = re.search(r"（(.+?)）", label)
    return m.group(1) if m else ""


def _case_blocks(monthly: Form, case: dict) -> list[Block]:
    t = monthly.table("major_cases")
    lines = []
    for f in t.fields:
        value = case.get(f.id)
        if value in (None, "", []):
            continue
        if f.is_choice:
            ids = value if isinstance(value, list) else [value]
            value = "、".join(f.option(i).label for i in ids if any(o.id == i for o in f.options))
        lines.append(f"{f.label}：{value}{f.unit or ''}")
    return [Block("paragraph", "\n".join(lines), check=True)]


def changed_figures(prop: str | None, texts: dict[str, str | None]) -> list[dict]:
    """Drafted figures whose number in the filed text differs: {section, item, found, expected, source}."""
    if not prop:
        return []
    try:
        data = json.loads(prop)
        items = list(data.get("figures") or [])
        source = str(data.get("source") or "月报")
    except (ValueError, AttributeError, TypeError):
        return []
    out = []
    for it in items:
        if not isinstance(it, dict):
            continue
        text = texts.get(str(it.get("section"))) or ""
        item, value = str(it.get("item") or ""), str(it.get("value") or "")
        if not item or not text:
            continue
        m = re.search(re.escape(item) + r"\s*([0-9]+(?:\.[0-9]+)?|/)", text)
        if m and m.group(1) != value:
            out.append({"section": it["section"], "item": item, "found": m.group(1), "expected": value,
                        "source": source})
    return out


def property_value(drafted: dict) -> str:
    return json.dumps(drafted, ensure_ascii=False)


def build_draft(prose: Form, monthly: Form, document: dict, content, previous: dict | None = None):
    """The drafted report (a python-docx Document, not saved) of a prose form from the
    filed document of a unit's valid monthly filing — for `yaojian forms --prefill` and
    the service's 下载本期报告草稿 alike; `previous`: see `draft_fill`."""
    from generator.forms.document import build_document

    date = (document.get("header") or {}).get("report_date")
    source = f"{date}报送的月报" if date else "月报"
    fill, drafted = draft_fill(prose, monthly, document, source, previous)
    return build_document(prose, content, fill, {DRAFT_PROPERTY: property_value(drafted)})
