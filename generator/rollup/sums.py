"""Summing units' filed documents into the district's own document of the same form.

Pure data in, data out (no workbooks here): `roll_up(form, filings, unit=…, report_date=…)`
takes each unit's filed document (as the validator returns it) and gives the district's
document plus, for every figure, the per-unit values behind it.

- A figure is the sum of the units' figures; "/" (不涉及) counts as nothing; the district
  writes "/" only where every unit wrote "/".  Money (万元) is summed as Decimal, never as
  binary floats; counts stay whole numbers.
- 合计 is recomputed from the district's stage figures by the same rule, not summed from
  the units' 合计 cells.
- 表1 lists every unit's cases, the 编号 prefixed with the unit's name, all of them in 表1
  itself: past the template's rows they continue below (the validator reads and checks
  them all, with a warning that the template's rows were exceeded).
- Free-text sections are the units' texts, each headed with the unit's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.forms.keys import GridKey, key_area_key, row_key
from generator.forms.model import NA, Form, Table

MAX_CELL_TEXT = 32_000  # Excel holds 32,767 characters in a cell


@dataclass
class Filing:
    unit: str
    document: dict
    source: str = ""  # where it came from (file name, or submission id and version)


@dataclass
class Line:
    """One figure of the district's document and the units' values behind it."""

    key: GridKey
    table: str
    row_label: str
    column_label: str
    total: bool
    value: Any  # the district's value: int, Decimal or "/"
    parts: list[Any]  # each unit's value, in the order of RollUp.units


@dataclass
class RollUp:
    form: Form
    units: list[str]
    document: dict
    lines: list[Line] = field(default_factory=list)
    texts: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (table, section, per-unit text)
    skipped: list[str] = field(default_factory=list)  # values that were neither figures nor "/"
    # 表1 (cases tables): every unit's cases, (unit, case), in the order 表1 lists them.
    all_cases: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)


def to_decimal(value: Any) -> Decimal | None:
    """A figure as Decimal (floats through their shortest repr, so 0.1 stays 0.1)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _out(total: Decimal, kind: str) -> int | Decimal:
    if total == total.to_integral_value():
        return int(total)
    return total


def sum_values(values: list[Any], kind: str) -> tuple[Any, list[Any]]:
    """(district value, the values that are neither figures nor "/", blanks included).

    No figure at all (every unit wrote "/") gives "/"; otherwise the figures' sum.
    """
    odd: list[Any] = []
    total = Decimal(0)
    figures = 0
    for v in values:
        if isinstance(v, str) and v.strip() == NA:
            continue
        d = to_decimal(v)
        if d is None:
            odd.append(v)
            continue
        total += d
        figures += 1
    if figures == 0:
        return NA, odd
    return _out(total, kind), odd


def _is_odd(v: Any) -> bool:
    return not (isinstance(v, str) and v.strip() == NA) and to_decimal(v) is None


def _grid(t: Table, docs: list[dict], out: dict, lines: list[Line], skipped: list[str], units: list[str]) -> None:
    tables = [d.get("tables", {}).get(t.id) or {} for d in docs]
    rows_out: dict[str, dict[str, Any]] = {}
    for row in t.rows:
        rows_out[row.id] = {}
        parts_values: list[Any] = []
        for col in t.columns:
            values = [((tb.get("rows") or {}).get(row.id) or {}).get(col.id) for tb in tables]
            value, odd = sum_values(values, row.kind)
            skipped.extend(f"{units[i]}：{t.heading} {row.label} × {col.label} = {v!r}" for i, v in enumerate(values) if _is_odd(v))
            rows_out[row.id][col.id] = value
            parts_values.append(value)
            lines.append(Line(row_key(t.id, row.id, col.id), t.heading, row.label, col.label, False, value, values))
        if t.total is not None:
            total, _ = sum_values(parts_values, row.kind)
            rows_out[row.id][t.total.id] = total
            unit_totals = [((tb.get("rows") or {}).get(row.id) or {}).get(t.total.id) for tb in tables]
            lines.append(Line(row_key(t.id, row.id, t.total.id), t.heading, row.label, t.total.label, True, total, unit_totals))
    table_out: dict[str, Any] = {"rows": rows_out}
    if t.key_areas is not None:
        ka_out: dict[str, dict[str, Any]] = {}
        for row in t.key_areas.rows:
            ka_out[row.id] = {}
            for col in t.key_areas.columns:
                values = [((tb.get("key_areas") or {}).get(row.id) or {}).get(col.id) for tb in tables]
                value, odd = sum_values(values, row.kind)
                skipped.extend(f"{units[i]}：{t.heading} {t.key_areas.title} {row.label} × {col.label} = {v!r}" for i, v in enumerate(values) if _is_odd(v))
                ka_out[row.id][col.id] = value
                label = col.label if not col.parent else f"{t.key_areas.column(col.parent).label} · {col.label}"
                lines.append(Line(key_area_key(t.id, row.id, col.id), f"{t.heading} · {t.key_areas.title}", row.label, label, False, value, values))
        table_out["key_areas"] = ka_out
    out[t.id] = table_out


def _cases(t: Table, filings: list[Filing]) -> list[tuple[str, dict]]:
    """Every unit's cases, each 编号 prefixed with the unit's name."""
    number = next((f for f in t.fields if f.id == "number"), None) or (t.fields[0] if t.fields else None)
    cases: list[tuple[str, dict]] = []
    for filing in filings:
        for case in (filing.document.get("tables", {}).get(t.id) or []):
            if not isinstance(case, dict):
                continue
            case = dict(case)
            if number is not None:
                own = case.get(number.id)
                own = "" if own is None else str(own).strip()
                case[number.id] = f"{filing.unit}·{own}" if own else filing.unit
            cases.append((filing.unit, case))
    return cases


def _sections(t: Table, filings: list[Filing], texts: list) -> dict[str, str]:
    out: dict[str, str] = {}
    for section in t.all_sections():
        if not section.fillable:
            continue
        per_unit = []
        chunks = []
        for filing in filings:
            value = (filing.document.get("tables", {}).get(t.id) or {}).get(section.id)
            text = "" if value is None else str(value).strip()
            per_unit.append(text)
            if text:
                chunks.append(f"【{filing.unit}】{text}")
        joined = "\n\n".join(chunks)
        if len(joined) > MAX_CELL_TEXT:
            joined = joined[: MAX_CELL_TEXT - 40].rstrip() + "……（超出单元格长度，全文见「各单位明细」工作表）"
        out[section.id] = joined
        texts.append((t.id, section.id, per_unit))
    return out


def roll_up(form: Form, filings: list[Filing], *, unit: str, report_date: str, note: str | None = None) -> RollUp:
    """The district's document for `form` from the units' filings (at least one)."""
    if not filings:
        raise ValueError("no filings to roll up")
    filings = sorted(filings, key=lambda f: f.unit)
    units = [f.unit for f in filings]
    docs = [f.document for f in filings]
    tables: dict[str, Any] = {}
    lines: list[Line] = []
    skipped: list[str] = []
    texts: list = []
    all_cases: dict[str, list[tuple[str, dict]]] = {}
    for t in form.tables:
        if t.kind == "grid":
            _grid(t, docs, tables, lines, skipped, units)
        elif t.kind == "cases":
            all_cases[t.id] = _cases(t, filings)
            tables[t.id] = [case for _, case in all_cases[t.id]]
        elif t.kind == "sections":
            tables[t.id] = _sections(t, filings, texts)
    if note is None:
        note = f"本表由 {len(units)} 个单位最新通过校验的报送汇总而成（{'、'.join(units[:20])}{'等' if len(units) > 20 else ''}）；各数字的单位明细见「各单位明细」工作表。"
        for t in form.tables:
            if t.kind == "cases" and len(all_cases[t.id]) > t.capacity:
                note += (f"{t.heading or t.sheet} 共 {len(all_cases[t.id])} 个案件，多于模板预留的 {t.capacity} 行，"
                         f"超出的案件续列在模板行之下。")
    header: dict[str, Any] = {}
    for f in form.header:
        header[f.id] = None
    header.update({"unit": unit, "report_date": report_date})
    if any(f.id == "note" for f in form.header):
        header["note"] = note
    document = {"form": form.id, "form_version": form.version, "header": header, "tables": tables}
    return RollUp(form, units, document, lines, texts, skipped, all_cases)
