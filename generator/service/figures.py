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
from generator.service.charts import bar_chart, line_chart

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
    form = _grid_form(project, schedule, slot.form)
    if form is None:
        return []
    grids = [t for t in form.tables if t.kind == "grid"]
    slots = schedule.slots_of(form.id)
    if slot.form == form.id:
        slots = slots[: slots.index(slot) + 1]
    labels = [s.label.replace(f"{s.start.year}年", "") if s.kind == "month" else s.label for s in slots]
    cases = {t.id: [] for t in grids}
    fines: list[Decimal | None] = []
    last_filings = []
    for s in slots:
        filings = ledger.latest_accepted_per_unit(form.id, s.period)
        if filings:
            last_filings = filings
        month_fines = Decimal(0)
        for t in grids:
            total = Decimal(0)
            for sub in filings:
                c, f = table_figures(t, sub.document or {})
                total += c
                month_fines += f
            cases[t.id].append(total if filings else None)
        fines.append(month_fines if filings else None)
    out = [
        Chart("各月累计案件数", line_chart("全区累计案件数（按月）", labels, [(t.sheet, cases[t.id]) for t in grids], "件")),
        Chart("各月累计罚没款", line_chart("全区累计罚没款（按月）", labels, [("罚没款", fines)], "万元")),
    ]
    if last_filings:
        per_unit = []
        for sub in last_filings:
            per_unit.append((sub.unit, sum((table_figures(t, sub.document or {})[0] for t in grids), Decimal(0))))
        per_unit.sort(key=lambda x: (-x[1], x[0]))
        period_label = next((s.label for s in slots if s.period == last_filings[0].period), "")
        out.append(Chart("各单位累计案件数", bar_chart(f"各单位累计案件数（{period_label}）", per_unit, "件")))
    return out
