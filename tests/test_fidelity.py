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
