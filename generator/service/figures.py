"""The district's figures for the 汇总 page's charts, from the units' accepted filings.

Cumulative figures (表2–4 are running totals, 填表须知 2), month by month and by unit:

- 案件数: the 案件来源 rows' 合计 (every case has exactly one source);
- 罚没款（万元）: 罚款金额 + 没收违法所得, 合计 column.

Both are read through the form definition (the group and row ids), summed as Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.rollup.sums import to_decimal
from generator.service.charts import bar_chart, column_chart

CASE_GROUP = "source"
FINE_ROWS = ("fine_amount", "confiscation")


@dataclass
class Chart:
    title: str
    svg: str


def _figure(table_data: dict, row_id: str, total_id: str | None, stage_ids: list[str]) -> Decimal:
    row = (table_data.get("rows") or {}).get(row_id) or {}
    if total_id is not None:
        d = to_decimal(row.get(total_id))
        if d is not None:
            return d
    return sum((to_decimal(row.get(c)) or Decimal(0) for c in stage_ids), Decimal(0))


def table_figures(table, doc: dict) -> tuple[Decimal, Decimal]:
    """(案件数, 罚没款) of one grid table of a filed document."""
    data = (doc.get("tables") or {}).get(table.id) or {}
    total_id = table.total.id if table.total else None
    stages = [c.id for c in table.columns]
    cases = Decimal(0)
    for group in table.groups:
        if group.id == CASE_GROUP:
            for row in group.rows:
                if row.parent is None:
                    cases += _figure(data, row.id, total_id, stages)
    fines = sum((_figure(data, r, total_id, stages) for r in FINE_ROWS if any(x.id == r for x in table.rows)), Decimal(0))
    return cases, fines


def _grid_form(project, schedule, form_id: str):
    from generator.forms.model import load_forms

    forms = load_forms(project.forms)
    form = forms.get(form_id)
    if form is not None and any(t.kind == "grid" for t in form.tables):
        return form
    for fid in schedule.forms():
        f = forms.get(fid)
        if f is not None and any(t.kind == "grid" for t in f.tables):
            return f
    return None


def charts(ledger, project, schedule, slot) -> list[Chart]:
    """The 汇总 page's charts for the period picked on the page (every chart ends there).

    The figures are running totals, so a month's district figure is the sum over units of
    each unit's latest accepted figure up to that month: a unit that did not file in a
    month keeps its last figure (carried forward) instead of dropping out of the sum.
    Each month says how many units the figure rests on."""
    form = _grid_form(project, schedule, slot.form)
    if form is None:
        return []
    grids = [t for t in form.tables if t.kind == "grid"]
    slots = [s for s in schedule.slots_of(form.id) if s.end <= slot.end] or schedule.slots_of(form.id)[:1]
    labels = [s.label.replace(f"{s.start.year}年", "") if s.kind == "month" and s.start.year == slots[-1].start.year
              else s.label for s in slots]
    span = slots[0].label if len(slots) == 1 else f"{slots[0].label}—{slots[-1].label}"
    latest: dict[str, tuple[str, dict]] = {}  # unit -> (axis label, figures of its latest accepted filing)
    cases: dict[str, list[Decimal | None]] = {t.id: [] for t in grids}
    fines: list[Decimal | None] = []
    counts: list[int] = []
    for s, label in zip(slots, labels):
        for sub in ledger.latest_accepted_per_unit(form.id, s.period):
            figures = {t.id: table_figures(t, sub.document or {}) for t in grids}
            latest[sub.unit] = (label, figures)
        counts.append(len(latest))
        for t in grids:
            cases[t.id].append(sum((f[t.id][0] for _, f in latest.values()), Decimal(0)) if latest else None)
        fines.append(sum((f[t.id][1] for _, f in latest.values() for t in grids), Decimal(0)) if latest else None)
    notes = [f"{n} 个单位" for n in counts]
    how = "各单位截至当月最近一次通过校验的累计数之和；当月未报的单位沿用其上一次的数"
    out = [
        Chart("各月累计案件数", column_chart(f"全区累计案件数（{span}）", labels,
                                          [(t.sheet, cases[t.id]) for t in grids], "件", notes=notes, integer=True, caption=how)),
        Chart("各月累计罚没款", column_chart(f"全区累计罚没款（{span}）", labels, [("罚没款", fines)], "万元",
                                          notes=notes, caption=how)),
    ]
    if latest:
        per_unit = []
        for unit, (label, figures) in latest.items():
            shown = unit if label == labels[-1] else f"{unit}（{label}）"
            per_unit.append((shown, sum((figures[t.id][0] for t in grids), Decimal(0))))
        per_unit.sort(key=lambda x: (-x[1], x[0]))
        out.append(Chart("各单位累计案件数", bar_chart(
            f"各单位累计案件数（截至{slots[-1].label}，{len(per_unit)} 个单位）", per_unit, "件", integer=True,
            caption="各单位最近一次通过校验的报送；括号内为沿用的较早月份")))
    return out
