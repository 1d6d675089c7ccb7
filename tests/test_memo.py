"""Caches that live as long as a `serve` process: keyed by content, bounded under edits."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.memo import Memo

REPO = Path(__file__).resolve().parents[1]


def test_memo_keeps_the_most_recently_used():
    made = []
    memo: Memo[int] = Memo(2)
    for key in ("a", "b", "a", "c", "a", "b"):
        memo.get(key, lambda k=key: made.append(k) or len(made))
    assert made == ["a", "b", "c", "b"] and len(memo) == 2


def test_editing_a_definition_again_and_again_does_not_grow_the_caches(tmp_path):
    """The definitions edited 40 times under one process: each edit is seen at once (a new
    plan, a new schema validator), equal content shares one plan, and no cache grows past its bound."""
    import os

    from generator.forms import model
    from generator.forms.model import load_forms
    from generator.validate import plan as plan_mod
    from generator.validate import schema_errors

    folder = tmp_path / "forms"
    folder.mkdir()
    source = (REPO / "forms" / "monthly-progress.yaml").read_text(encoding="utf-8")
    target = folder / "monthly-progress.yaml"
    plans = set()
    for n in range(40):
        target.write_text(source.replace("title:", f"# edit {n}\ntitle:", 1).replace("\ntitle: ", f"\ntitle: 第{n}版", 1),
                          encoding="utf-8")
        os.utime(target, ns=(n * 10**9, n * 10**9))
        form = load_forms(folder)["monthly-progress"]
        assert form.title.startswith(f"第{n}版")
        plan = plan_mod.plan_for(form)
        assert plan.form.title == form.title
        plans.add(id(plan))
        schema_errors.validator(tmp_path / "no-schemas", form)
    assert len(plans) == 40
    assert len(model._FOLDERS) <= 8 and len(plan_mod._PLANS) <= 16 and len(schema_errors._COMPILED) <= 16

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    same = load_forms(copy)["monthly-progress"]
    assert same is not form and plan_mod.plan_for(same) is plan_mod.plan_for(form)
