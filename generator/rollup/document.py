"""The district's compiled report of a prose form (附件2, 附件3) as a Word document.

Each section gathers every unit's text, verbatim, under the unit's name, in the order the
roll-up lists the units (the same order as the compiled workbook and its 各单位明细); a
unit that wrote nothing in a section is left out of it.  The header is the district's
(填报单位, 填报日期).  The document is written by the prose forms' own writer
(generator.forms.document), so it is itself a filing of the same form and version.
"""

from __future__ import annotations

import io
from pathlib import Path

from generator.forms.document import Block, Fill, build_document
from generator.rollup.sums import RollUp


def compiled_fill(rollup: RollUp) -> Fill:
    header = rollup.document.get("header") or {}
    fill = Fill(header={k: str(v) for k, v in header.items() if v not in (None, "")})
    for _table, section, per_unit in rollup.texts:
        blocks: list[Block] = []
        for unit, text in zip(rollup.units, per_unit):
            if text.strip():
                blocks.append(Block("label", unit))
                blocks.append(Block("paragraph", text))
        fill.sections[section] = blocks
    return fill


def build(rollup: RollUp, project):
    from generator import content as content_mod

    return build_document(rollup.form, content_mod.load(project), compiled_fill(rollup))


def write(rollup: RollUp, project, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    build(rollup, project).save(str(tmp))
    tmp.replace(out)
    return out


def to_bytes(rollup: RollUp, project) -> bytes:
    buf = io.BytesIO()
    build(rollup, project).save(buf)
    return buf.getvalue()
