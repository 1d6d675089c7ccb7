"""A form's parts and rules in plain Chinese, generated from the definition.

The workbook's input prompts, the JSON Schema's descriptions and the form page's field
guide and rule list all say the same things in the same words; they say them through
this module, so that nothing about a row, a column or a rule is written by hand twice.
Rules are described from their kind and parameters, never per table.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.findings import SEVERITY_ZH as _SEVERITY_ZH
from generator.forms.model import (CASES_WITHIN_BANDS, FLAG_MATCHES_THRESHOLD, NUMBER_KINDS, SAME_COUNT, TICK, Column,
                                   Field, Form, KeyAreas, Row, Rule, Table)

KIND_ZH = {"count": "件数", "amount": "金额"}
FIELD_KIND_ZH = {
    "text": "文字",
    "longtext": "文字（可多行）",
    "date": "日期",
    "amount": "金额",
    "count": "件数",
    "choice": "单选（勾选一项）",
    "multi": "多选",
}
SEVERITY_ZH = {**_SEVERITY_ZH, "info": ""}
CUMULATIVE_NOTE = "填截至填表日期的累计数。"


def number_text(kind: str) -> str:
    """What a number of this kind looks like: 整数 / 可有小数."""
    return "整数" if kind == "count" else "可有小数"


def cell_rule(kind: str, unit: str | None) -> str:
    """The filling rule of a count/amount cell, in one sentence."""
    what = "不小于 0 的整数" if kind == "count" else "不小于 0 的数（可有小数）"
    unit_text = f"，单位{unit}" if unit else ""
    return f"填{what}{unit_text}。不涉及填“/”，没有填“0”，不要留空。"


def cell_error(kind: str) -> str:
    what = "不小于 0 的整数" if kind == "count" else "不小于 0 的数"
    return f"此格只能填{what}，或“/”（不涉及）。没有请填“0”。"


def quote(label: str) -> str:
    return f"「{label}」"


def row_whole(table: Table, row: Row) -> Row | None:
    """The row `row` is a part of (its 其中 parent or its part_of), if any."""
    whole = row.whole
    if whole is None:
        return None
    return next((r for r in table.rows if r.id == whole), None)


def row_relation(table: Table, row: Row) -> str:
    """How a row stands to the others: 其中 / part of, in words ("" if neither)."""
    parts = []
    if row.parent is not None:
        parent = next((r for r in table.rows if r.id == row.parent), None)
        if parent is not None:
            parts.append(f"印在{quote(parent.label)}下的“{row.subitems_label or '其中'}”")
    whole = row_whole(table, row)
    if whole is not None:
        parts.append(f"是{quote(whole.label)}的一部分，不能大于它")
    return "，".join(parts)


def ka_row_whole(ka: KeyAreas, row: Row) -> Row | None:
    return next((r for r in ka.rows if r.id == row.whole), None) if row.whole else None


def column_relation(ka: KeyAreas, column: Column) -> str:
    if column.parent is None:
        return ""
    parent = ka.column(column.parent)
    return f"是{quote(parent.label)}栏的一部分，不能大于它"


def field_rule(f: Field) -> str:
    """How to fill a field of the header or of a case, in one sentence."""
    if f.kind in NUMBER_KINDS:
        return cell_rule(f.kind, f.unit)
    if f.kind == "date":
        return "日期，写作“年-月-日”。" + ("" if f.required else "可以不填。")
    if f.kind in ("text", "longtext"):
        need = "必填" if f.required else "可以不填"
        return f"{need}，最多 {f.text_limit} 字。"
    if f.kind == "choice":
        return f"勾选一项（在该项下选“{TICK}”），只能勾选一项。"
    if f.kind == "multi":
        least = f"至少勾选 {f.min} 项" if f.min else "可以都不勾选"
        return f"可多选（在各项下选“{TICK}”），{least}。"
    return ""


def option_labels(f: Field) -> str:
    return "、".join(o.label for o in f.options)


# -- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleText:
    """One rule in plain Chinese: where it applies, what it says, how serious a breach is."""

    scope: str  # the table's heading, or "" for the whole form
    text: str
    severity: str  # error / warning / info (a filling convention, not checked by itself)

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH.get(self.severity, self.severity)


def _rows_text(table: Table, selector: dict) -> str:
    if "group" in selector:
        group = next((g for g in table.groups if g.id == selector["group"]), None)
        label = group.label if group and group.label else selector["group"]
        return f"{quote(label)}各行"
    labels = [table.row(r).label for r in selector.get("rows", ())]
    return "、".join(quote(x) for x in labels) + ("各行" if len(labels) > 1 else "")


def _data_columns(table: Table) -> str:
    cols = [c.label for c in table.columns] + ([table.total.label] if table.total else [])
    return "、".join(cols)


def describe_rule(form: Form, table: Table | None, rule: Rule) -> RuleText:
    """A declared rule in plain Chinese, from its kind and parameters."""
    p = rule.params
    scope = table.heading if table is not None else ""
    if rule.kind == SAME_COUNT and table is not None:
        a, b = _rows_text(table, p["a"]), _rows_text(table, p["b"])
        text = (f"{a}之和与{b}之和统计的是同一批案件，应当相等；逐栏比较（{_data_columns(table)}），"
                "填“/”的格不计入。")
        return RuleText(scope, text, rule.severity or "warning")
    if rule.kind == FLAG_MATCHES_THRESHOLD and table is not None:
        f = table.field(p["field"])
        flag_field = table.field(p["flag"]["field"])
        option = flag_field.option(p["flag"]["option"])
        amount = f"{_num(p['at_least'])} {f.unit or ''}".strip()
        text = (f"{quote(f.label)}达到 {amount}的案件，应在{quote(flag_field.label)}中勾选{quote(option.label)}；"
                f"勾选了{quote(option.label)}的案件，{quote(f.label)}应达到 {amount}。")
        return RuleText(scope, text, rule.severity or "error")
    if rule.kind == CASES_WITHIN_BANDS:
        cases = form.table(p["cases"])
        category = cases.field(p["category"])
        value = cases.field(p["value"])
        amount = f"{_num(p['at_least'])} {value.unit or ''}".strip()
        pairs = []
        for option_id, table_id in p["tables"].items():
            target = form.table(table_id)
            total = target.total.label if target.total else "各栏"
            bands = "、".join(quote(target.row(b).label) for b in p["bands"])
            pairs.append(f"{quote(category.option(option_id).label)}的不多于{target.heading}中{bands}的{total}之和")
        text = (f"{cases.heading}中{quote(value.label)}达到 {amount}的案件数，按{quote(category.label)}分别计："
                + "；".join(pairs) + "。")
        return RuleText("", text, rule.severity or "error")
    return RuleText(scope, f"规则 {rule.kind}", rule.severity or "error")


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def table_rules(form: Form, table: Table) -> list[RuleText]:
    """Every rule a table's cells obey: the filling conventions, the structure, the declared rules."""
    out: list[RuleText] = []
    scope = table.heading
    if table.kind == "grid":
        out.append(RuleText(scope, "每个填写格都要填：不涉及的填“/”，有关情形没有的填“0”；留空的格无法判断，为错误。", "error"))
        out.append(RuleText(scope, "件数（件、个、家、张、人、人次）只能是不小于 0 的整数；金额（万元）只能是不小于 0 的数，可有小数。"
                                   "“无”“-”“空”等文字都不是有效答案。", "error"))
        if table.total is not None:
            out.append(RuleText(scope, f"{quote(table.total.label)}是{_stage_columns(table)}之和（报表中自动计算，不能改写）：填“/”的环节不计入，"
                                       f"各环节都填“/”时{table.total.label}为“/”，有环节留空时{table.total.label}不显示。", "error"))
        for row in table.rows:
            whole = row_whole(table, row)
            if whole is not None:
                out.append(RuleText(scope, f"{quote(row.label)}是{quote(whole.label)}的一部分，逐栏不能大于它。", "error"))
        if table.key_areas is not None:
            for col in table.key_areas.columns:
                if col.parent is not None:
                    parent = table.key_areas.column(col.parent)
                    out.append(RuleText(scope, f"{table.key_areas.title}中{quote(parent.label)}下的{quote(col.label)}是"
                                               f"{quote(parent.label)}的一部分，逐行不能大于它。", "error"))
        if table.cumulative:
            out.append(RuleText(scope, "填截至填表日期的累计数：每一格都不能小于本单位上次报送的同一格。确需更正以前所报数字的，"
                                       "请在“情况说明”中写明原因（写明后降为警告）。", "error"))
    elif table.kind == "cases":
        out.append(RuleText(scope, f"一案一行，最多 {table.capacity} 行；没有大案要案的，本表留空。", "info"))
        for f in table.fields:
            if f.kind == "choice":
                out.append(RuleText(scope, f"{quote(f.label)}必须勾选一项，且只能勾选一项。", "error"))
            elif f.kind == "multi" and f.min:
                out.append(RuleText(scope, f"{quote(f.label)}至少勾选 {f.min} 项。", "error"))
            elif f.required:
                out.append(RuleText(scope, f"{quote(f.label)}必填。", "error"))
    elif table.kind == "sections":
        fill = "每一部分都要填写"
        if table.none_answers:
            answers = "或".join(f"“{a}”" for a in table.none_answers)
            fill += f"；没有内容或与上次报告一致的，填{answers}"
        out.append(RuleText(scope, fill + "。", "error"))
    out.extend(describe_rule(form, table, r) for r in table.rules)
    return out


def _stage_columns(table: Table) -> str:
    return "、".join(quote(c.label) for c in table.columns)


def form_rules(form: Form) -> list[RuleText]:
    """The header's rules and the rules across tables."""
    out = []
    for f in form.header:
        if f.required:
            out.append(RuleText("", f"{quote(f.label)}必填。", "error"))
    out.extend(describe_rule(form, None, r) for r in form.rules)
    return out
