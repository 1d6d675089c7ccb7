"""The district's compiled report of a prose form (附件2, 附件3) as a Word document.

Each section gathers every unit's text, verbatim, under the unit's name, in the order the
roll-up lists the units (the same order as the compiled workbook and its 各单位明细); a
unit that wrote nothing in a section is left out of it.  The header is the district's
(填报单位, 填报日期).  Where the template asks for figures (移送通报情况, 案件查办情况),
the district's own figures come first — the units' latest monthly filings summed by the
monthly roll-up — as a sentence and a small table under 全区合计.  The document is written by the prose forms' own writer
(generator.forms.document), so it is itself a filing of the same form and version.
"""

from __future__ import annotations

import io
from pathlib import Path

from generator.forms.document import Block, Fill, build_document
from generator.rollup.sums import RollUp

DISTRICT_LABEL = "全区合计"


def compiled_fill(rollup: RollUp, monthly: RollUp | None = None) -> Fill:
    """Each section: the district's figures first where the template asks for figures (from
    `monthly`, the units' monthly filings summed), then every unit's text under its name."""
    header = rollup.document.get("header") or {}
    fill = Fill(header={k: str(v) for k, v in header.items() if v not in (None, "")})
    district: dict[str, list[Block]] = {}
    if monthly is not None:
        from generator.forms.draft import figure_blocks

        district, _ = figure_blocks(monthly.form, monthly.document, "全区",
                                    f"{len(monthly.units)} 个单位的月报汇总", check=False)
    for _table, section, per_unit in rollup.texts:
        blocks: list[Block] = []
        if section in district:
            blocks += [Block("label", DISTRICT_LABEL), *district[section]]
        for unit, text in zip(rollup.units, per_unit):
            if text.strip():
                blocks.append(Block("label", unit))
                blocks.append(Block("paragraph", text))
        fill.sections[section] = blocks
    return fill


def build(rollup: RollUp, project, monthly: RollUp | None = None):
    from generator import content as content_mod

    return build_document(rollup.form, content_mod.load(project), compiled_fill(rollup, monthly))


def write(rollup: RollUp, project, out: Path, monthly: RollUp | None = None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    build(rollup, project, monthly).save(str(tmp))
    tmp.replace(out)
    return out


def to_bytes(rollup: RollUp, project, monthly: RollUp | None = None) -> bytes:
    buf = io.BytesIO()
    build(rollup, project, monthly).save(buf)
    return buf.getvalue()
