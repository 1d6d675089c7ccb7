"""Every sentence of the four seed documents stands verbatim in content/.

Stronger than sentence membership: each document's text, read in clause order, must
equal its seed text once white space (the extraction's layout), the page furniture the
document lists (下载 APP, 分享至 …) and the tables of 附件1 (whose cells belong to the form
definitions) are set aside.  Page-break splits such as 涉\\n\\n案价值 are joined in
content/, so they compare equal here too.
"""

from __future__ import annotations

import pytest

from conftest import REPO, SEEDS
from generator.content import squash

DOCS = ["dongying-2017-61", "yongchuan-2022", "guangxi-2024", "wulateqianqi-2022"]


def seed_text(doc: dict) -> str:
    raw = (SEEDS / doc["source"]["file"]).read_text(encoding="utf-8")
    furniture = set(doc["source"].get("furniture", []))
    kept = []
    in_table = False
    for line in raw.split("\n"):
        stripped = line.strip()
        if stripped in furniture:
            continue
        if stripped.startswith("• "):  # the article's list bullets are layout
            stripped = stripped[2:]
        # 附件1's table bodies: from each "表 N." title to the next title or 附件 2.
        if stripped.startswith(("表 1.", "表 2.", "表 3.", "表 4.")):
            in_table = True
            kept.append(stripped)
            continue
        if stripped == "附件 2":
            in_table = False
        if in_table:
            continue
        kept.append(stripped)
    return squash("".join(kept))


@pytest.mark.parametrize("doc_id", DOCS)
def test_document_text_equals_its_seed(content, doc_id):
    doc = content.documents[doc_id]
    ours = squash(content.document_text(doc_id))
    theirs = seed_text(doc)
    if ours != theirs:
        i = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        pytest.fail(
            f"{doc_id}: content differs from the seed at character {i}:\n"
            f"  content: …{ours[max(0, i - 30):i + 30]}…\n"
            f"  seed:    …{theirs[max(0, i - 30):i + 30]}…"
        )


@pytest.mark.parametrize(
    "doc_id, joined",
    [
        ("dongying-2017-61", "涉案价值巨大的"),
        ("dongying-2017-61", "区市场监管、卫生和计划生育和公安部门"),
        ("dongying-2017-61", "药品案件会商、重点案件集体讨论时"),
        ("yongchuan-2022", "《市场监督管理严重违法失信名单管理办法》"),
        ("yongchuan-2022", "不按照 GSP 经营的违法违规行为"),
        ("wulateqianqi-2022", "和强大震慑，坚持效果导向"),
    ],
)
def test_page_break_splits_are_joined_within_one_clause(content, doc_id, joined):
    """The verbatim text joins words that a page break split, inside a single clause."""
    assert any(joined in c.own_text for c in content.clauses.values() if c.doc == doc_id)


def test_editorial_notes_are_not_part_of_the_text(content):
    noted = [c for c in content.clauses.values() if "note" in c.data]
    assert noted, "the seeds' evident errors (“and” for 和) carry an editorial note"
    for clause in noted:
        assert clause.data["note"] not in clause.full_text


def test_seed_copies_match_shared_seeds():
    shared = REPO.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for path in SEEDS.glob("*.txt"):
        assert path.read_bytes() == (shared / path.name).read_bytes(), path.name


# -- 附件1's tables stand in the form definitions -------------------------------------------

CHECKBOX = '<input type="checkbox"/>'
# Extraction artifacts in the seed's table cells, and the definition rows they stand for.
KNOWN_ARTIFACTS = {
    ("表 4.", "处禁止从业人数 对个人罚款金额"): ["处禁止从业人数", "对个人罚款金额"],
}


def seed_table_cells() -> dict[str, tuple[str, list[str]]]:
    """附件1's tables in the seed: table number → (title line, every non-empty cell text).

    Cells are split on tabs; a cell holding checkbox markup is split into its label (if
    any) and one text per option."""
    raw = (SEEDS / "001_eeadae7a14f91387.txt").read_text(encoding="utf-8")
    tables: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in raw.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("表 1.", "表 2.", "表 3.", "表 4.")):
            current = stripped[:4]
            tables[current] = (stripped, [])
            continue
        if stripped == "附件 2":
            break
        if current is None:
            continue
        for cell in line.split("\t"):
            for text in cell.split(CHECKBOX):
                if text.strip():
                    tables[current][1].append(text.strip())
    return tables


def definition_labels(table) -> set[str]:
    """Every text a table's definition prints in its cells (white space removed)."""
    texts = [table.heading, table.corner_rows, table.corner_columns]
    texts += [c.label for c in table.columns] + ([table.total.label] if table.total else [])
    for g in table.groups:
        texts.append(g.label)
        for r in g.rows:
            texts += [r.label, r.subitems_label]
    if table.key_areas:
        ka = table.key_areas
        texts += [ka.title, ka.corner] + [c.label for c in ka.columns] + [r.label for r in ka.rows]
    for f in table.fields:
        texts += [f.label] + [o.label for o in f.options]
    return {squash(t) for t in texts if t}


@pytest.fixture(scope="module")
def monthly():
    from generator.forms.model import load_forms

    return load_forms(REPO / "forms")["monthly-progress"]


def test_every_cell_of_the_seed_tables_stands_in_the_definitions(monthly):
    seed = seed_table_cells()
    assert sorted(seed) == ["表 1.", "表 2.", "表 3.", "表 4."]
    by_number = {squash(t.number): t for t in monthly.tables}
    for number, (title, cells) in seed.items():
        table = by_number[squash(number)]
        assert squash(title) == squash(table.heading)
        labels = definition_labels(table)
        for cell in cells:
            if squash(cell) in labels:
                continue
            split = KNOWN_ARTIFACTS.get((number, cell))
            assert split is not None, f"{number}: the seed's cell “{cell}” is not in the definition of {table.id}"
            # the artifact resolves to the split rows, printed as 其中 rows of the same parent
            rows = [next(r for r in table.rows if r.label == label) for label in split]
            assert [r.label for r in rows] == split and len({r.parent for r in rows}) == 1 and rows[0].parent


def test_every_label_of_the_definitions_is_the_seeds(monthly):
    """The other way round: no label was invented (units and notes are not labels)."""
    seed = seed_table_cells()
    for number, (title, cells) in seed.items():
        table = next(t for t in monthly.tables if squash(t.number) == squash(number))
        seen = {squash(c) for c in cells} | {squash(title)}
        for (n, cell), parts in KNOWN_ARTIFACTS.items():
            if n == number:
                seen |= {squash(p) for p in parts}
        missing = sorted(definition_labels(table) - seen)
        assert missing == [], f"{number}: labels not in the seed: {missing}"
