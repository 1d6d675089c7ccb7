"""A finding keeps its facts through its dict (the JSON report, the service's ledger),
and a rule's declared severity is the one the validator reports and the form page shows."""

from __future__ import annotations

from conftest import REPO


def test_a_finding_round_trips_through_its_dict():
    from generator.findings import Finding

    cases = [
        Finding("normalized-value", {"how": "全角斜杠"}, value="／", expected="/", sheet="表2 药品", cell="E19",
                row="责令改正（家）", column="生产"),
        Finding("unknown-form", {"form": "monthly-progress", "found": "9.0", "current": "1.0"}, variant="newer"),
        Finding("cumulative-decrease", {"previous_date": "2022-05-31", "note": "更正"}, value="3", expected="5",
                variant="explained"),
        Finding("counts-differ", {"a": "案件来源", "b": "涉案货值", "a_sum": "1", "b_sum": "2"}, value="2",
                expected="1", level="error"),
        Finding("unknown-key", {"key": "recipeint", "suggestion": "，是否为「recipient」？"}, file="content/x.yaml", line=3,
                col=5, path="items[0]"),
    ]
    for f in cases:
        d = f.to_dict()
        back = Finding.from_dict(d)
        assert back.to_dict() == d
        assert (back.severity, back.message, back.remedy) == (f.severity, f.message, f.remedy)
        assert "{" not in d["remedy"] and "{" not in d["message"], d
    # the variant and the declared severity are kept
    assert Finding.from_dict(cases[1].to_dict()).variant == "newer"
    assert Finding.from_dict(cases[3].to_dict()).severity == "error"
    assert cases[0].to_dict()["remedy"] == "请改为规范写法“/”。"


def test_the_refusal_page_renders_remedies_of_dicts_stored_without_one():
    """Ledgers written before the JSON report carried `remedy` still show the right one."""
    from generator.findings import Finding
    from generator.service.web import remedy_of

    d = Finding("normalized-value", {"how": "全角斜杠"}, value="／", expected="/").to_dict()
    del d["remedy"]
    assert remedy_of(d) == "请改为规范写法“/”。"
    d = Finding("unknown-form", {"form": "monthly-progress", "found": "9.0", "current": "1.0"},
                variant="newer").to_dict()
    del d["remedy"]
    assert "联系工作小组办公室更新校验工具" in remedy_of(d)
    assert remedy_of({"code": "no-such-code"}) == ""
    assert remedy_of({}) == ""


def test_the_page_and_the_validator_agree_on_every_declared_rules_severity():
    """The form page describes a declared rule with the severity the validator reports: the
    definition's `severity`, or else the catalogue's for the code the rule produces."""
    from generator.findings import catalogue
    from generator.forms.describe import describe_rule
    from generator.forms.model import RULE_CODES as produces
    from generator.forms.model import load_forms

    seen = set()
    for form in load_forms(REPO / "forms").values():
        places = [(t, r) for t in form.tables for r in t.rules] + [(None, r) for r in form.rules]
        for table, rule in places:
            seen.add(rule.kind)
            page = describe_rule(form, table, rule).severity
            validator = rule.severity or catalogue()[produces[rule.kind]].severity
            assert page == validator, (form.id, rule.kind, page, validator)
    assert seen == set(produces)
