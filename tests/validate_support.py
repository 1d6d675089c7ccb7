"""Filed workbooks for the validator's tests: the blank template filled through the layout.

`filed_workbook(form, path, values, ops)` writes a workbook with openpyxl: the forms
engineer's blank workbook when `generator.forms.workbook` offers one, else a faithful
stand-in drawn from the same layout (labels, stamp, merged cells, 合计 SUM formulas);
then every value by layout key; then the case's edits (rename or delete a sheet, insert
or delete rows, write a raw cell).  `complete_values(form)` is a full, valid filing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.forms.layout import layout
from generator.forms.model import Form


# -- the blank workbook --------------------------------------------------------------------

def _stand_in(form: Form):
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    lay = layout(form)
    for sl in lay.sheets:
        ws = wb.create_sheet(sl.name)
        for p in sl.places:
            text = p.text
            if text is None and p.role in ("heading", "guidance", "subtitle", "instruction", "note"):
                text = (p.clause or "").split("#")[-1]  # the clause's words come from content/
            if p.role == "total":
                t = sl.table
                first = get_column_letter(4)
                last = get_column_letter(3 + len(t.columns))
                ws.cell(p.row, p.col).value = f"=SUM({first}{p.row}:{last}{p.row})"
            elif text is not None and p.key is None:
                ws.cell(p.row, p.col).value = text
            if p.merged:
                ws.merge_cells(p.range)
    return wb


_CONTENT = []


def _content():
    """The project's content (clause texts for headings); None when it cannot be loaded."""
    if not _CONTENT:
        try:
            from generator import content as content_mod
            from generator.project import Project

            _CONTENT.append(content_mod.load(Project(Path(__file__).resolve().parents[1])))
        except Exception:  # noqa: BLE001 - headings then show their clause ids
            _CONTENT.append(None)
    return _CONTENT[0]


def blank_workbook(form: Form):
    """The blank workbook as an openpyxl Workbook: the forms engineer's, when present."""
    try:
        from generator.forms.workbook import build_workbook
    except ImportError:
        return _stand_in(form)
    return build_workbook(form, _content())


# -- values --------------------------------------------------------------------------------

def complete_values(form: Form) -> dict[tuple, object]:
    """A complete, valid filing: every input filled with a number, "/" or text; the
    same-count, part ≤ whole and 表1 ↔ 表2–4 rules all hold."""
    values: dict[tuple, object] = {}
    for f in form.header:
        if f.kind == "date":
            values[("header", f.id)] = dt.date(2022, 6, 30)
        elif f.id == "unit":
            values[("header", f.id)] = "永川区市场监督管理局"
    for t in form.tables:
        if t.kind == "grid":
            n = len(t.columns)
            pattern = [1, "/", 2, 1][:n] if n >= 3 else [1, "/"][:n]
            for row in t.rows:
                for i, c in enumerate(t.columns):
                    v = pattern[i]
                    if v == "/":
                        cell = "/"
                    elif row.id == "inspection":
                        cell = v
                    elif row.id == "band_1":
                        cell = v - 1 if i == 0 else v
                    elif row.id == "band_4":
                        cell = 1 if i == 0 else 0
                    elif row.id in ("amount", "fine_amount"):
                        cell = 2.5 * v
                    elif row.id in ("persons",):
                        cell = v
                    elif row.id in ("personal_fine",):
                        cell = 0.5
                    else:
                        cell = 0
                    values[(t.id, "rows", row.id, c.id)] = cell
            if t.key_areas:
                for row in t.key_areas.rows:
                    for c in t.key_areas.columns:
                        values[(t.id, "key_areas", row.id, c.id)] = 1 if row.id == "cases" else 0
        elif t.kind == "cases":
            cases = [
                {"number": "YC-2022-001", "name": "某药房销售假药案", "category": "drug", "clue_source": "inspection",
                 "situation": ["value_over_500k"], "progress": ["filed"], "value": 120.5, "penalty": None,
                 "planned_close": dt.date(2022, 8, 31), "summary": "现场检查发现销售假药，已立案调查。"},
                {"number": "YC-2022-002", "name": "某诊所使用无证医疗器械案", "category": "device",
                 "clue_source": "complaint", "situation": ["criminal_referral"], "progress": ["filed", "penalized"],
                 "value": 12, "penalty": "没收违法所得并处罚款", "planned_close": dt.date(2022, 9, 30),
                 "summary": "根据投诉举报查处。"},
            ]
            for i, case in enumerate(cases):
                for f in t.fields:
                    v = case.get(f.id)
                    if f.is_choice:
                        ticked = v if isinstance(v, list) else [v]
                        for o in f.options:
                            if o.id in ticked:
                                values[(t.id, i, f.id, o.id)] = "√"
                    elif v is not None:
                        values[(t.id, i, f.id, None)] = v
        elif t.kind == "sections":
            for s in t.all_sections():
                if s.fillable:
                    values[(t.id, s.id)] = "本季度按方案开展工作。" if s.id != "other" else "无"
    return values


def key_of(spec: list) -> tuple[tuple, object]:
    """A YAML fill entry: [header, unit, V] · [table, rows|key_areas, row, col, V] ·
    [table, case, field, option|null, V] · [table, section, V]."""
    *key, value = spec
    return tuple(key), value


# -- writing -------------------------------------------------------------------------------

def filed_workbook(form: Form, path: Path, values: dict[tuple, object], ops: list[dict] | None = None) -> Path:
    wb = blank_workbook(form)
    lay = layout(form)
    places = {}
    for sl in lay.sheets:
        for key, p in sl.inputs.items():
            places[key] = (sl.name, p)
    for key, v in values.items():
        sheet, p = places[key]
        ws = wb[sheet]
        cell = ws.cell(p.row, p.col)
        cell.value = v
        if isinstance(v, (dt.date, dt.datetime)):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(v, str) and v.startswith("="):
            pass
        elif isinstance(v, str):
            cell.data_type = "s"
    for op in ops or ():
        _op(wb, form, op)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _op(wb, form: Form, op: dict) -> None:
    kind = op["op"]
    if kind == "rename_sheet":
        wb[op["sheet"]].title = op["to"]
    elif kind == "delete_sheet":
        del wb[op["sheet"]]
    elif kind == "insert_rows":
        ws = wb[op["sheet"]]
        _unmerge_below(ws, op["at"])
        ws.insert_rows(op["at"], op.get("count", 1))
        _same_row_sums(ws)
    elif kind == "delete_rows":
        ws = wb[op["sheet"]]
        _unmerge_below(ws, op["at"])
        ws.delete_rows(op["at"], op.get("count", 1))
        _same_row_sums(ws)
    elif kind == "set":
        ws = wb[op["sheet"]]
        cell = ws[op["cell"]]
        value = op.get("value")
        cell.value = value
        if isinstance(value, str) and not value.startswith("="):
            cell.data_type = "s"
        if "number_format" in op:
            cell.number_format = op["number_format"]
    elif kind == "repeat_case":  # copy the first case down until there are `count` cases
        t = next(t for t in form.tables if t.kind == "cases")
        ws = wb[t.sheet]
        first = 4
        src = [ws.cell(first, c).value for c in range(1, ws.max_column + 1)]
        for i in range(1, op["count"]):
            for c, v in enumerate(src, 1):
                ws.cell(first + i, c).value = v
                if isinstance(v, str):
                    ws.cell(first + i, c).data_type = "s"
    elif kind == "clear_cases":  # no case at all: every case row of the list emptied
        t = next(t for t in form.tables if t.kind == "cases")
        ws = wb[t.sheet]
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if c.value is not None and c.data_type != "f":
                    c.value = None
    elif kind == "clear_stamp":  # no stamp anywhere: the cover's cells and the document properties
        ws = wb["填报说明"]
        for row in ws.iter_rows():
            for c in row:
                if c.value in ("表单编号", "模板版本"):
                    ws.cell(c.row, c.column + 1).value = None
        wb.custom_doc_props.props = []
    elif kind == "stamp":
        ws = wb["填报说明"]
        for row in ws.iter_rows():
            for c in row:
                if c.value == "模板版本" and "version" in op:
                    ws.cell(c.row, c.column + 1).value = op["version"]
                if c.value == "表单编号" and "form" in op:
                    ws.cell(c.row, c.column + 1).value = op["form"]
    else:  # pragma: no cover
        raise ValueError(f"unknown op {kind!r}")


def _same_row_sums(ws) -> None:
    """Excel moves a formula's references with inserted rows; openpyxl does not. Our 合计
    formulas sum their own row, so point each back at the row it now sits in."""
    import re

    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("=") and c.data_type == "f":
                c.value = re.sub(r"\b([A-Z]{1,3})\d+\b", lambda m: f"{m.group(1)}{c.row}", c.value)


def _unmerge_below(ws, row: int) -> None:
    """openpyxl does not move merged ranges with inserted rows: unmerge those below."""
    for rng in list(ws.merged_cells.ranges):
        if rng.max_row >= row:
            ws.unmerge_cells(str(rng))
