"""The rules of DESIGN.md, applied generically from the form definitions.

Implied by structure: 合计 = the sum of the stage columns (`total-mismatch`); a row's
`whole` and a column's `parent` make a part ≤ whole (`subitem-exceeds-parent`).
Declared in the definitions: `same-count`, `flag-matches-threshold`, `cases-within-bands`.
The header: 填报日期 within a campaign that references the form.

The three states go through every rule: a "/" part is left out of a sum, a "0" part
counts, a blank or unreadable part makes the rule unverifiable there (its own finding is
the error).  Numbers are Decimals throughout.
"""

from __future__ import annotations

from decimal import Decimal
from generator.findings import Finding
from generator.forms.keys import case_key, header_key, key_area_key, row_key
from generator.forms.model import CASES_WITHIN_BANDS, FLAG_MATCHES_THRESHOLD, NA, SAME_COUNT, Rule, Table
from generator.memo import Memo
from generator.validate.document import Filed
from generator.validate.normalize import plain
from generator.validate.plan import Plan



class Values:
    """The rules' view of the filed values: a Decimal, "/" or None (unverifiable)."""

    def __init__(self, filed: Filed, bad: set[tuple]):
        self.filed = filed
        self.bad = bad

    def get(self, key: tuple):
        if key in self.bad:
            return None
        read = self.filed.values.get(key)
        if read is None:
            return None
        if read.state == "num":
            return read.number
        if read.state == "na":
            return NA
        return None

    def read(self, key: tuple):
        return self.filed.values.get(key)


def run(filed: Filed, plan: Plan, bad: set[tuple], windows: dict | None = None) -> list[Finding]:
    vals = Values(filed, bad)
    out: list[Finding] = []
    form = plan.form
    for t in form.tables:
        if t.kind == "grid":
            out.extend(totals(t, vals))
            out.extend(parts(t, vals))
        elif t.kind == "cases":
            out.extend(capacity(t, filed))
        for rule in t.rules:
            out.extend(_declared(rule, t, plan, vals))
    for rule in form.rules:
        out.extend(_declared(rule, None, plan, vals))
    if windows:
        out.extend(_campaign(plan, vals, windows))
    return out


def capacity(t: Table, filed: Filed) -> list[Finding]:
    """More cases than the template has rows: every case is read and checked all the same
    (nothing is dropped), but rows past the template have no dropdowns or prompts."""
    count = filed.cases.get(t.id, 0)
    if count <= t.capacity:
        return []
    first = filed.place(case_key(t.id, t.capacity, t.fields[0].id))
    return [Finding("too-many-cases", {"count": count, "limit": t.capacity}, value=str(count),
                    expected=str(t.capacity), sheet=first.sheet if first else t.sheet,
                    cell=first.cell if first else None, row=first.row_label if first else None)]


def _sum_keys(keys, vals: "Values") -> tuple[str, Decimal | str | None]:
    """_sum over the values at `keys` (inlined lookups: this runs for every row)."""
    bad = vals.bad
    values = vals.filed.values
    total = 0
    numbers = 0
    for k in keys:
        read = values.get(k)
        if read is None or k in bad:
            return "unverifiable", None
        state = read.state
        if state == "num":
            total += read.number
            numbers += 1
        elif state != "na":
            return "unverifiable", None
    return "ok", (total if numbers else NA)


def _show(v) -> str:
    if v is None:
        return "空白"
    if v is NA or v == NA:
        return NA
    return plain(v)


# -- 合计 -----------------------------------------------------------------------------------


_TOTAL_KEYS: Memo[list] = Memo(64)


def _total_keys(t: Table) -> list[tuple]:
    """(row, part keys, total key) of every row of a grid, made once per table."""
    return _TOTAL_KEYS.get(t.content_key, lambda: [
        (row, [row_key(t.id, row.id, c.id) for c in t.columns], row_key(t.id, row.id, t.total.id)) for row in t.rows])


def totals(t: Table, vals: Values) -> list[Finding]:
    if t.total is None:
        return []
    out = []
    filed = vals.filed
    for row, keys, tkey in _total_keys(t):
        if tkey in filed.absent or tkey in vals.bad:
            continue
        status, expected = _sum_keys(keys, vals)
        if status != "ok":
            continue
        read = vals.read(tkey)
        if read is None or read.state not in ("num", "na"):
            continue
        found = read.number if read.state == "num" else NA
        if (found is NA and expected is NA) or (found is not NA and expected is not NA and found == expected):
            continue
        if tkey in filed.formulas and found is not NA and found == _excel_sum(keys, vals):
            # The template's SUM computed what Excel computes: it leaves out numbers stored
            # as text (each has its normalized-value warning) and caches 0 over "/" parts.
            continue
        parts = " + ".join(f"{c.label} {_show(vals.get(k))}" for c, k in zip(t.columns, keys))
        typo = _typo(t, keys, vals, found, expected)
        out.append(filed.finding("total-mismatch", tkey, {"parts": parts, "typo": typo[0], "typo_cell": typo[1]},
                                 value=_show(found), expected=_show(expected)))
    return out


def _excel_sum(keys: list[tuple], vals: Values) -> Decimal:
    """What Excel's SUM makes of the parts: numbers only, text (even "3") left out."""
    total = Decimal(0)
    for k in keys:
        read = vals.read(k)
        if read is not None and read.state == "num" and read.how is None and read.number is not None:
            total += read.number
    return total


def _digits_off(a: str, b: str) -> str | None:
    """How two numbers' digit strings differ: one digit, two digits swapped, or neither."""
    if len(a) != len(b) or a == b:
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1 and a[diff[0]].isdigit() and b[diff[0]].isdigit():
        return "一位数字写错"
    if len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return "两位数字颠倒"
    return None


def _typo(t: Table, keys: list[tuple], vals: Values, found, expected) -> tuple[str, str | None]:
    if found is NA or expected is NA:
        return "", None
    diff = found - expected
    hits = []
    for c, k in zip(t.columns, keys):
        v = vals.get(k)
        if v is None or v is NA:
            continue
        fixed = v + diff
        if fixed < 0:
            continue
        how = _digits_off(plain(v), plain(fixed))
        if how:
            hits.append((c, k, v, fixed, how))
    filed = vals.filed
    if len(hits) == 1:
        c, k, v, fixed, how = hits[0]
        w = filed.place(k)
        cell = w.cell if w is not None else ""
        return f"若合计无误，可能是“{c.label}”（{cell}）的 {plain(v)} 应为 {plain(fixed)}（{how}）。", cell
    if not hits:
        how = _digits_off(plain(expected), plain(found))
        if how:
            return f"也可能是合计本身{how}。", None
    return "", None


# -- parts ≤ whole -------------------------------------------------------------------------


_ROWS: Memo[dict] = Memo(64)


def _rows(t: Table) -> dict:
    """A table's rows by id, made once per table (Table.rows builds a tuple per call)."""
    return _ROWS.get(t.content_key, lambda: {r.id: r for r in t.rows})


def parts(t: Table, vals: Values) -> list[Finding]:
    out = []
    filed = vals.filed
    rows = _rows(t)
    for row in rows.values():
        if not row.whole:
            continue
        whole = rows[row.whole]
        for c in t.columns:
            out.extend(_part(vals, row_key(t.id, row.id, c.id), row_key(t.id, whole.id, c.id),
                             row.label, whole.label))
    ka = t.key_areas
    if ka is not None:
        for c in ka.columns:
            if not c.parent:
                continue
            parent = ka.column(c.parent)
            for row in ka.rows:
                out.extend(_part(vals, key_area_key(t.id, row.id, c.id), key_area_key(t.id, row.id, parent.id),
                                 f"{parent.label} · {c.label}", parent.label))
    return out


def _part(vals: Values, part_key, whole_key, part_label, whole_label) -> list[Finding]:
    p, w = vals.get(part_key), vals.get(whole_key)
    if p is None or w is None or p is NA or w is NA or p <= w:
        return []
    filed = vals.filed
    where = filed.place(whole_key)
    return [filed.finding("subitem-exceeds-parent", part_key,
                          {"part": part_label, "whole": whole_label, "whole_cell": where.cell if where else ""},
                          value=plain(p), expected=plain(w))]


# -- declared rules ------------------------------------------------------------------------


def _declared(rule: Rule, t: Table | None, plan: Plan, vals: Values) -> list[Finding]:
    fn = _DECLARED.get(rule.kind)
    if fn is None:
        return []  # a rule kind this validator does not know; `yaojian check` guards the kinds
    return fn(rule, t, plan, vals)


def _rows_of(t: Table, spec: dict) -> list:
    if "group" in spec:
        return [r for g in t.groups if g.id == spec["group"] for r in g.rows]
    rows = _rows(t)
    return [rows[r] for r in spec.get("rows", ())]


def _label_of(t: Table, spec: dict, rows: list) -> str:
    if "group" in spec:
        g = next(g for g in t.groups if g.id == spec["group"])
        if g.label:
            return f"{g.label}各行"
    if len(rows) == 1:
        return rows[0].label
    groups = {r.group_label for r in rows}
    span = f"{rows[0].label}至{rows[-1].label}"
    if len(groups) == 1 and rows[0].group_label:
        return f"{rows[0].group_label}（{span}）"
    return f"{span}各行"


def _same_count(rule: Rule, t: Table, plan: Plan, vals: Values) -> list[Finding]:
    a_rows = _rows_of(t, rule.params["a"])
    b_rows = _rows_of(t, rule.params["b"])
    out = []
    filed = vals.filed
    for c in t.columns:
        sa, a = _sum_keys([row_key(t.id, r.id, c.id) for r in a_rows], vals)
        sb, b = _sum_keys([row_key(t.id, r.id, c.id) for r in b_rows], vals)
        if sa != "ok" or sb != "ok":
            continue
        a0 = 0 if a is NA else a
        b0 = 0 if b is NA else b
        if a0 == b0:
            continue
        a_label, b_label = _label_of(t, rule.params["a"], a_rows), _label_of(t, rule.params["b"], b_rows)
        f = filed.finding("counts-differ", row_key(t.id, b_rows[0].id, c.id),
                          {"a": a_label, "b": b_label, "a_sum": _show(a), "b_sum": _show(b)},
                          value=_show(b), expected=_show(a))
        f.row = f"{a_label} / {b_label}"
        out.append(f)
    return out


def _flag_threshold(rule: Rule, t: Table, plan: Plan, vals: Values) -> list[Finding]:
    p = rule.params
    value_field = t.field(p["field"])
    flag_field = t.field(p["flag"]["field"])
    option = flag_field.option(p["flag"]["option"])
    threshold = Decimal(str(p["at_least"]))
    unit = value_field.unit or ""
    out = []
    filed = vals.filed
    for i in range(filed.cases.get(t.id, 0)):
        v = vals.get((t.id, i, value_field.id, None))
        if v is None or v is NA:
            continue
        if (t.id, i, flag_field.id, None) in vals.bad:
            continue
        tick_read = vals.read((t.id, i, flag_field.id, option.id))
        ticked = tick_read is not None and tick_read.value is True
        over = v >= threshold
        if over == ticked:
            continue
        if over:
            params = {"relation": "达到", "ticked": "却未勾选",
                      "remedy_hint": f"货值金额达到 {plain(threshold)} {unit}的案件，请在“{flag_field.label}”中勾选“{option.label}”；"
                                     f"如金额填错（单位为{unit}），请改正金额。"}
        else:
            params = {"relation": "不足", "ticked": "却已勾选",
                      "remedy_hint": f"货值金额不足 {plain(threshold)} {unit}的案件不应勾选“{option.label}”；"
                                     f"如金额填错（单位为{unit}），请改正金额，否则请取消该勾选。"}
        params.update(field=value_field.label, threshold=plain(threshold), unit=unit, flag=option.label)
        out.append(filed.finding("flag-threshold-mismatch", (t.id, i, flag_field.id, option.id), params,
                                 value=plain(v), expected=("√" if over else "空白")))
    return out


def _cases_within_bands(rule: Rule, t: Table | None, plan: Plan, vals: Values) -> list[Finding]:
    p = rule.params
    form = plan.form
    cases = form.table(p["cases"])
    cat_field = cases.field(p["category"])
    value_field = cases.field(p["value"])
    threshold = Decimal(str(p["at_least"]))
    filed = vals.filed
    counts: dict[str, int] = {}
    for i in range(filed.cases.get(cases.id, 0)):
        if case_key(cases.id, i, cat_field.id) in vals.bad:
            continue
        v = vals.get(case_key(cases.id, i, value_field.id))
        if v is None or v is NA or v < threshold:
            continue
        ticked = [o.id for o in cat_field.options if (vals.read(case_key(cases.id, i, cat_field.id, o.id)) or _NONE).value is True]
        if len(ticked) == 1:
            counts[ticked[0]] = counts.get(ticked[0], 0) + 1
    out = []
    for option_id, n in counts.items():
        table_id = p["tables"].get(option_id)
        if not table_id:
            continue
        grid = form.table(table_id)
        grid_rows = _rows(grid)
        bands = [grid_rows[b] for b in p["bands"]]
        total = Decimal(0)
        ok = True
        for b in bands:
            status, s = _sum_keys([row_key(grid.id, b.id, c.id) for c in grid.columns], vals)
            if status != "ok":
                ok = False
                break
            if s is not NA:
                total += s
        if not ok or n <= total:
            continue
        key = row_key(grid.id, bands[0].id, grid.total.id if grid.total else grid.columns[0].id)
        f = filed.finding("cases-exceed-bands", key, {
            "category": cat_field.option(option_id).label, "threshold": plain(threshold),
            "table": f"“{grid.sheet}”", "bands": "、".join(b.label for b in bands)},
            value=str(n), expected=plain(total))
        f.row = "、".join(b.label for b in bands)
        out.append(f)
    return out


class _NoneRead:
    value = None


_NONE = _NoneRead()

_DECLARED = {
    SAME_COUNT: _same_count,
    FLAG_MATCHES_THRESHOLD: _flag_threshold,
    CASES_WITHIN_BANDS: _cases_within_bands,
}


# -- the header ----------------------------------------------------------------------------


def _campaign(plan: Plan, vals: Values, windows: dict) -> list[Finding]:
    spans = windows.get(plan.form.id)
    if not spans:
        return []
    key = header_key("report_date")
    read = vals.read(key)
    if key in vals.bad or read is None or read.state != "num" or not isinstance(read.value, str):
        return []
    day = read.value
    if any(w.start <= day <= w.end for w in spans):
        return []
    w = min(spans, key=lambda w: min(abs(_days(day) - _days(w.start)), abs(_days(day) - _days(w.end))))
    return [vals.filed.finding("date-outside-campaign", key, {"campaign": w.campaign, "start": w.start, "end": w.end},
                               value=day, expected=f"{w.start} 至 {w.end}")]


def _days(iso: str) -> int:
    import datetime as dt

    try:
        return dt.date.fromisoformat(iso).toordinal()
    except ValueError:
        return 0
