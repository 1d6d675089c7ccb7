"""A form's tables as the source document prints them, in HTML, from the form definition
(never written twice): the grid of 表2–4 with its group cells, "其中" rows and 合计, the
重点领域案件 grid with its 涉网 sub-columns, and 表1 (一案一表) as label/box pairs with its
tick boxes.  Blank cells stay blank: this is the printed form, not a filing."""

from __future__ import annotations

from generator.forms.model import Field, Table
from generator.site.md import html

BOX = "☐"
PAIRS = 2  # 表1 prints two label/box pairs a line


def table_html(t: Table) -> str:
    if t.kind == "grid":
        out = _grid(t)
        if t.key_areas is not None:
            out += _key_areas(t)
        return out
    if t.kind == "cases":
        return _cases(t)
    return ""


def _grid(t: Table) -> str:
    data = list(t.columns) + ([t.total] if t.total is not None else [])
    corner = " ＼ ".join(x for x in (t.corner_rows, t.corner_columns) if x)
    # no caption: the clause that prints the table's title stands right above it
    out = [f'<table class="yj-form-table" aria-label="{html(t.heading)}"><thead><tr>',
           f'<th colspan="3">{html(corner)}</th>']
    out += [f"<th>{html(c.label)}</th>" for c in data]
    out.append("</tr></thead><tbody>")
    blanks = "".join("<td></td>" for _ in data)
    for group in t.groups:
        rows = list(group.rows)
        for i, row in enumerate(rows):
            out.append("<tr>")
            if group.label is not None and i == 0:
                out.append(f'<th rowspan="{len(rows)}" scope="rowgroup">{html(group.label)}</th>')
            span = 2 if group.label is not None else 3
            if row.parent:
                first = i == 0 or rows[i - 1].parent != row.parent
                if first:
                    run = 1
                    while i + run < len(rows) and rows[i + run].parent == row.parent:
                        run += 1
                    out.append(f'<th rowspan="{run}">{html(row.subitems_label or "其中")}</th>')
                span -= 1
            colspan = f' colspan="{span}"' if span > 1 else ""
            out.append(f'<th scope="row"{colspan}>{html(row.label)}</th>{blanks}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _key_areas(t: Table) -> str:
    ka = t.key_areas
    children: dict[str, list] = {}
    for c in ka.columns:
        if c.parent:
            children.setdefault(c.parent, []).append(c)
    two = bool(children)
    tall = ' rowspan="2"' if two else ""
    out = [f'<table class="yj-form-table"><caption>{html(ka.title)}</caption><thead><tr>',
           f"<th{tall}>{html(ka.corner)}</th>"]
    second = []
    for c in ka.columns:
        if c.parent:
            continue
        kids = children.get(c.id, [])
        if kids:
            out.append(f'<th colspan="{1 + len(kids)}">{html(c.label)}</th>')
            second.append("<th></th>" + "".join(f"<th>{html(k.label)}</th>" for k in kids))
        else:
            out.append(f"<th{tall}>{html(c.label)}</th>")
    out.append("</tr>")
    if two:
        out.append("<tr>" + "".join(second) + "</tr>")
    out.append("</thead><tbody>")
    blanks = "".join("<td></td>" for _ in ka.columns)
    for row in ka.rows:
        out.append(f'<tr><th scope="row">{html(row.label)}</th>{blanks}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _value(f: Field) -> str:
    if f.is_choice:
        return " ".join(f"{BOX} {html(o.label)}" for o in f.options)
    return ""


def _cases(t: Table) -> str:
    out = [f'<table class="yj-form-table yj-form-case" aria-label="{html(t.heading)}"><tbody>']
    line: list[str] = []

    def flush():
        if line:
            pad = PAIRS - len(line)
            out.append("<tr>" + "".join(line) + ("<th></th><td></td>" * pad) + "</tr>")
            line.clear()

    for f in t.fields:
        label = f.label + (f"（{f.unit}）" if f.unit and f.unit not in f.label else "")
        cell = f'<th scope="row">{html(label)}</th><td>{_value(f)}</td>'
        if f.kind == "longtext":
            flush()
            out.append(f'<tr><th scope="row">{html(label)}</th><td colspan="{2 * PAIRS - 1}">{_value(f)}</td></tr>')
            continue
        line.append(cell)
        if len(line) == PAIRS:
            flush()
    flush()
    out.append("</tbody></table>")
    return "".join(out)
