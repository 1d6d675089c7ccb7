"""The cumulative rule: 表2–4 figures may not fall below the unit's previous filing.

Compared cell by cell over every table marked `cumulative` (stage columns and 重点领域案件;
合计 follows from its parts).  A figure below the previous one is `cumulative-decrease`;
where the workbook's 情况说明 is filled, the explained variant (a warning quoting it).
A previous filing that cannot be used — unreadable, another form, another unit, not
earlier — is its own finding, and nothing is compared.
"""

from __future__ import annotations

from generator.findings import Finding
from generator.forms.keys import header_key, key_area_key, row_key
from generator.validate.plan import Plan, fold_label
from generator.validate.report import Report
from generator.validate.rules import NA, Values

NOTE_FIELD = "note"
_QUOTE = 200


def compare(current: Report, previous: Report, plan: Plan, bad: set[tuple]) -> list[Finding]:
    name = previous.file
    if previous.stopped or previous.filed is None:
        reason = previous.findings[0].message if previous.findings else "无法读取"
        return [Finding("previous-unreadable", {"file": name, "reason": reason.rstrip("。")}, value=name)]
    problem = None
    if previous.form != current.form:
        problem = f"它是另一张报表（{previous.form}），本次为 {current.form}"
    elif not previous.unit or not current.unit or fold_label(previous.unit) != fold_label(current.unit):
        problem = f"填报单位不同：上次为“{previous.unit or '空白'}”，本次为“{current.unit or '空白'}”"
    elif not previous.report_date or not current.report_date:
        problem = "填报日期缺失或无效，无法判断先后"
    elif previous.report_date >= current.report_date:
        problem = f"上次的填报日期 {previous.report_date} 不早于本次的 {current.report_date}"
    if problem:
        return [Finding("previous-mismatch", {"file": name, "reason": problem}, value=name)]

    now = Values(current.filed, bad)
    before = Values(previous.filed, set())
    note_read = current.filed.values.get(header_key(NOTE_FIELD))
    note = note_read.value if note_read is not None and note_read.state == "text" else None
    variant = "explained" if note else None
    quoted = (note if len(note) <= _QUOTE else note[:_QUOTE] + "……") if note else ""
    out: list[Finding] = []
    for t in plan.form.tables:
        if t.kind != "grid" or not t.cumulative:
            continue
        keys = [row_key(t.id, r.id, c.id) for r in t.rows for c in t.columns]
        if t.key_areas is not None:
            keys += [key_area_key(t.id, r.id, c.id) for r in t.key_areas.rows for c in t.key_areas.columns]
        for key in keys:
            old = before.get(key)
            if old is None or old is NA:
                continue
            new = now.get(key)
            if new is None:
                continue
            if new is NA:
                if old == 0:
                    continue
            elif new >= old:
                continue
            out.append(current.filed.finding(
                "cumulative-decrease", key,
                {"previous_date": previous.report_date, "note": quoted},
                value=NA if new is NA else _plain(new), expected=_plain(old), variant=variant))
    return out


def _plain(d) -> str:
    from generator.validate.normalize import plain

    return plain(d)
