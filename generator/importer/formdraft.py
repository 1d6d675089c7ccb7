"""The start of a form definition from a statistics grid found in an imported document.

A table "looks like a statistics grid" when one row heads stage columns ending in 合计
and the rows below carry labels (grouped where the first cell names a group).  The
draft follows `schemas/form-definition.schema.json` in shape; ids are placeholders
(r1, c1 …) to be renamed, and the header comment lists what a person must still decide.
"""

from __future__ import annotations

import re

import yaml

from generator.importer.tree import Node

CORNER = re.compile(r"^(项\s*目|环\s*节|类\s*别|指\s*标|名\s*称|单\s*位|内\s*容)$")
UNIT = re.compile(r"[（(]\s*(件|个|家|张|人次|人|万元|元)\s*[）)]\s*$")


def _measure(label: str) -> dict:
    """kind and unit of a row from its label: "（件）" in the label, else a guess with a note."""
    unit = UNIT.search(label)
    if unit:
        value = unit.group(1)
        return {"kind": "amount" if value in ("万元", "元") else "count", "unit": value}
    for ending, value in (("家数", "家"), ("人数", "人"), ("金额", "万元"), ("数", "件")):
        if label.endswith(ending):
            break
    else:
        value = "件"
    return {"kind": "amount" if value == "万元" else "count", "unit": value,
            "note": f"原表未注明单位，暂按“{value}”计，待核对。"}


def find_grids(top: list[Node]) -> tuple[list[tuple[Node, int]], str]:
    """Every table clause holding a grid, with the index of its header row, and the title
    of the attachment holding the first one ('' when it stands elsewhere)."""
    found, title = [], ""
    for root in top:
        for node in root.walk():
            for k, row in enumerate(node.rows or []):
                cells = [c.strip() for c in row]
                if cells and "合计" in cells and sum(1 for c in cells if c) >= 3 and len(node.rows) - k >= 3:
                    if not found and root.role == "附件":
                        title = root.title or ""
                    found.append((node, k))
                    break
    return found, title


def draft(grids: list[tuple[Node, int]], *, title: str, doc_id: str, form_id: str, today: str) -> str:
    """A form definition with one grid table per statistics grid of the document."""
    tables = [_table(node, header_row, number, doc_id) for number, (node, header_row) in enumerate(grids, start=1)]
    first = grids[0][0]
    definition = {
        "id": form_id,
        "version": "0.1",
        "title": title or first.text or "报表",
        "source": f"{doc_id}#{first.id}",
        "period": "month",
        "changelog": [{"version": "0.1", "date": today, "changes": ["草稿：由 yaojian import 从文件中的表格生成。"]}],
        "header": [
            {"id": "unit", "label": "填报单位", "kind": "text", "required": True},
            {"id": "report_date", "label": "填报日期", "kind": "date", "required": True},
        ],
        "tables": tables,
    }
    head = (
        "# 报表定义草稿：由 yaojian import 从文件中的统计表生成，只是起点。\n"
        "# 待办：把 t1/g1/r1/c1 等编号改为有意义的英文编号；核对每行的 kind（count 计数 / amount 金额）与 unit；\n"
        "# 核对 title、period（报送周期）与 cumulative（是否累计数）；“其中”行、涉网列、重点领域等请按 forms/ 中现有定义补写；\n"
        "# 放入 forms/ 后运行 yaojian check。\n"
    )
    return head + yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=1 << 30)


def _table(node: Node, header_row: int, number: int, doc_id: str) -> dict:
    header = [c.strip() for c in node.rows[header_row]]
    total_at = header.index("合计")
    before = [c for c in header[:total_at] if c]
    corner = []
    for cell in before[:2]:
        if CORNER.match(cell):
            corner.append(cell)
    if not corner and before:
        corner = before[:1]
    stage_cols = before[len(corner):]
    columns = [{"id": f"c{k}", "label": c} for k, c in enumerate(stage_cols, start=1)]
    groups: list[dict] = []
    current = None
    n = 0
    for row in node.rows[header_row + 1:]:
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(filled) == 1 and not cells[0] == "" and len(cells) > 2 and all(not c for c in cells[1:]) \
                and current is not None and not UNIT.search(filled[0]):
            break  # a new section of the table (e.g. 重点领域案件) ends the grid
        first, second = (cells + ["", ""])[:2]
        if first and second:
            current = {"id": f"g{len(groups) + 1}", "label": first, "rows": []}
            groups.append(current)
            label = second
        elif first:
            current = {"id": f"g{len(groups) + 1}", "rows": []}
            groups.append(current)
            label = first
        else:
            if current is None:
                current = {"id": f"g{len(groups) + 1}", "rows": []}
                groups.append(current)
            label = second
        n += 1
        item = {"id": f"r{n}", "label": label, **_measure(label)}
        current["rows"].append(item)
    title = node.text or f"表格{number}"
    table = {
        "id": f"t{number}",
        "kind": "grid",
        "title": title,
        "sheet": re.sub(r"[\[\]:*?/\\]", "", title)[:31],
        "source": f"{doc_id}#{node.id}",
        "cumulative": False,
    }
    if len(corner) == 2:
        table["corner"] = {"rows": corner[0], "columns": corner[1]}
    table["columns"] = columns
    table["total"] = {"id": "total", "label": "合计"}
    table["groups"] = groups
    return table
