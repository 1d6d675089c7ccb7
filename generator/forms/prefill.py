"""A new period's form, pre-filled from the unit's last accepted filing.

    values, carried = prefill(form, previous_document, unit="区公安局", report_date="2022-07-01")
    wb = write_values(form, project, values, marks=carried)     # generator.forms.filled

What is carried, from the form definition alone:
- every figure of a table marked `cumulative` (表2–4: running totals, 填表须知 2), stage
  columns and 重点领域案件 grids — not 合计, which the workbook computes;
- the cases of a case list that are not closed (`closed_when`: a case with one of those
  ticks is closed), every field of them (their 工作进展 may change);
- nothing else: prose sections and 情况说明 are written anew each period.

The header takes the unit (from the login, or the previous filing offline) and the
filing date.  Values are what a filer would type (text), keyed by layout key, the same
shape the online form works with.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from generator.forms.model import TICK, Form, Table


def as_text(value: Any) -> str | None:
    """A document value as a filer would type it ("3", "12.5", "/", "2022-06-30")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_closed(t: Table, case: dict) -> bool:
    if t.closed_when is None:
        return False
    field, options = t.closed_when
    ticked = case.get(field) or []
    if not isinstance(ticked, (list, tuple)):
        ticked = [ticked]
    return any(o in ticked for o in options)


def carried_values(form: Form, previous: dict | None) -> dict[tuple, str]:
    """The values a new period takes over from `previous` (a filed document), by key."""
    out: dict[tuple, str] = {}
    if not previous:
        return out
    tables = previous.get("tables") or {}
    for t in form.tables:
        data = tables.get(t.id)
        if data is None:
            continue
        if t.kind == "grid" and t.cumulative and isinstance(data, dict):
            blocks = [("rows", t.rows, t.columns)]
            if t.key_areas is not None:
                blocks.append(("key_areas", t.key_areas.rows, t.key_areas.columns))
            for block, rows, columns in blocks:
                got = data.get(block) or {}
                for row in rows:
                    line = got.get(row.id) or {}
                    for c in columns:
                        text = as_text(line.get(c.id))
                        if text is not None:
                            out[(t.id, block, row.id, c.id)] = text
        elif t.kind == "cases" and isinstance(data, list):
            index = 0
            for case in data:
                if not isinstance(case, dict) or is_closed(t, case):
                    continue
                for f in t.fields:
                    value = case.get(f.id)
                    if f.is_choice:
                        chosen = value if isinstance(value, (list, tuple)) else ([value] if value else [])
                        for o in f.options:
                            if o.id in chosen:
                                out[(t.id, index, f.id, o.id)] = TICK
                    else:
                        text = as_text(value)
                        if text is not None:
                            out[(t.id, index, f.id, None)] = text
                index += 1
    return out


def prefill(form: Form, previous: dict | None, *, unit: str | None, report_date: str | None
            ) -> tuple[dict[tuple, str], set[tuple]]:
    """(values, carried keys) of a new period's form: the header and what is carried."""
    carried = carried_values(form, previous)
    values: dict[tuple, str] = dict(carried)
    if unit:
        values[("header", "unit")] = unit
    if report_date:
        values[("header", "report_date")] = report_date
    return values, set(carried)


def default_report_date(start: date, due: date, today: date) -> date:
    """填报日期 for a period [start, due]: today while the period is open, else its due date."""
    if start <= today <= due:
        return today
    return due
