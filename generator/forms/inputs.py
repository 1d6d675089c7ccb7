"""What each input cell of a workbook takes, and the words that tell the filer.

For every input of a layout (by its key) an `Input` gives the cell's kind (count, amount,
tick, date, text, section), the prompt shown when the cell is selected and the error shown
when a typed value is refused, all in Chinese and generated from the definition
(generator.forms.describe), and the data validation that enforces it while typing.
Counts and amounts accept "/" (不涉及) through a custom formula; an OR/INT form would
reject "/".  Pasted values bypass validation: the validator is the real check.
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation

from generator.forms import describe as d
from generator.forms.keys import ROWS, CaseKey, GridKey, HeaderKey, Key
from generator.forms.layout import SheetLayout
from generator.forms.model import NUMBER_KINDS, TEXT_LIMITS, TICK, Field, Form, Table

# Excel's limits on a validation's texts.
PROMPT_TITLE_MAX, PROMPT_MAX, ERROR_TITLE_MAX, ERROR_MAX = 32, 255, 32, 225
# The validation formulas accept "/" (不涉及) or a number; X is the validated cell.
COUNT_FORMULA = 'IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),{x}="/")'
AMOUNT_FORMULA = 'IF(ISNUMBER({x}),{x}>=0,{x}="/")'
DATE_MIN, DATE_MAX = "DATE(2000,1,1)", "DATE(2099,12,31)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Input:
    """What an input place takes: its kind, unit and the words for its prompt."""

    def __init__(self, kind: str, title: str, prompt: str, error: str, unit: str | None = None,
                 field: Field | None = None, limit: int | None = None):
        self.kind = kind  # count amount tick date text longtext section
        self.title = title
        self.prompt = prompt
        self.error = error
        self.unit = unit
        self.field = field
        self.limit = limit

    def validation(self, top_left: str) -> DataValidation:
        common = dict(
            allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop",
            promptTitle=_clip(self.title, PROMPT_TITLE_MAX), prompt=_clip(self.prompt, PROMPT_MAX),
            errorTitle=_clip("填写有误", ERROR_TITLE_MAX), error=_clip(self.error, ERROR_MAX),
        )
        if self.kind == "count":
            return DataValidation(type="custom", formula1=COUNT_FORMULA.format(x=top_left), **common)
        if self.kind == "amount":
            return DataValidation(type="custom", formula1=AMOUNT_FORMULA.format(x=top_left), **common)
        if self.kind == "tick":
            return DataValidation(type="list", formula1=f'"{TICK}"', **common)
        if self.kind == "date":
            return DataValidation(type="date", operator="between", formula1=DATE_MIN, formula2=DATE_MAX, **common)
        return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(self.limit or 32767), **common)


def _field_input(f: Field) -> Input:
    rule = d.field_rule(f)
    hint = f.hint or ""
    if f.kind in NUMBER_KINDS:
        return Input(f.kind, f"{f.label}（{f.unit}）" if f.unit else f.label, hint + rule, d.cell_error(f.kind), f.unit, f)
    if f.kind == "date":
        return Input("date", f.label, (hint or "") + rule, "请填写有效日期，格式如 2022-06-30。", field=f)
    return Input(f.kind, f.label, (hint + " " if hint else "") + rule, f"最多 {f.text_limit} 字。", field=f, limit=f.text_limit)


def meanings(form: Form, sheet: SheetLayout) -> dict[Key, Input]:
    """The meaning of every input place on a sheet, by key."""
    out: dict[Key, Input] = {}
    t = sheet.table
    for key in sheet.inputs:
        if isinstance(key, HeaderKey):
            out[key] = _field_input(form.header_field(key.field))
        elif t is not None and t.kind == "grid":
            out[key] = _grid_input(t, key)
        elif t is not None and t.kind == "cases":
            out[key] = _case_input(t, key)
        elif t is not None and t.kind == "sections":
            note = ""
            if t.none_answers:
                note = "没有内容或与上次报告一致的，填" + "或".join(f"“{a}”" for a in t.none_answers) + "。"
            out[key] = Input("section", "填写本部分", f"在此格内填写本部分内容（可换行：Alt+Enter）。{note}",
                              f"最多 {TEXT_LIMITS['longtext']} 字。", limit=TEXT_LIMITS["longtext"])
    return out


def _grid_input(t: Table, key: GridKey) -> Input:
    if key.block == ROWS:
        row = t.row(key.row)
        column = t.column(key.column)
        relation = d.row_relation(t, row)
        extra = ""
    else:
        ka = t.key_areas
        row = ka.row(key.row)
        column = ka.column(key.column)
        relation = d.column_relation(ka, column)
        whole = d.ka_row_whole(ka, row)
        extra = f"是{d.quote(whole.label)}的一部分。" if whole else ""
    prompt = (d.CUMULATIVE_NOTE if t.cumulative else "") + d.cell_rule(row.kind, row.unit)
    if relation:
        prompt += relation + "。"
    prompt += extra
    return Input(row.kind, row.label, prompt, d.cell_error(row.kind), row.unit)


def _case_input(t: Table, key: CaseKey) -> Input:
    f = t.field(key.field)
    if key.option is None:
        return _field_input(f)
    option = f.option(key.option)
    how = "只能勾选一项" if f.kind == "choice" else (f"可多选，至少勾选 {f.min} 项" if f.min else "可多选")
    return Input("tick", f"{f.label}：{option.label}",
                  f"勾选请在下拉列表中选“{TICK}”，不勾选留空。{d.quote(f.label)}{how}。",
                  f"只能填“{TICK}”或留空。", field=f)
