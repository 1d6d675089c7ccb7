"""The structured extracts say what the documents say: the facts other parts rely on.

`yaojian check` proves the extracts are well-formed, resolve and quote verbatim; these tests
pin the facts the site, the calendar and the forms depend on (the seven reporting stages,
the campaign's report schedule, the rosters, the 广西 figures), so that an edit that drops
or changes one is noticed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from generator.content import as_list, squash


def test_org_ids_the_documents_use_exist(content):
    for org in ("dy-gov-office", "dy-amr", "dy-health", "dy-police", "gx-mpa", "wq-amr", "yc-gov-office"):
        assert org in content.organisations


def test_jurisdictions_are_kept_apart(content):
    prefixes = {"dongying": "dy-", "yongchuan": "yc-", "guangxi": "gx-", "wulateqianqi": "wq-", "national": "cn-"}
    for source, data in content.items("organisations"):
        prefix = prefixes[source.file.rsplit("/", 1)[-1].removesuffix(".yaml")]
        for org in data["organisations"]:
            assert org["id"].startswith(prefix), (source.file, org["id"])


def test_a_name_means_one_body_within_a_jurisdiction(content):
    for source, data in content.items("organisations"):
        names = Counter(n for o in data["organisations"] for n in [o["name"], *o.get("aliases", [])])
        assert [n for n, k in names.items() if k > 1] == [], source.file


def test_aliases_used_in_the_text(content):
    orgs = content.organisations
    assert {"卫生和计划生育部门", "卫计"} <= set(orgs["dy-health"]["aliases"])
    assert "市场监管部门" in orgs["dy-amr"]["aliases"]
    assert "各镇街" in orgs["dy-towns"]["aliases"]
    for generic in ("dy-case-lead", "dy-clue-finder", "dy-relevant-depts", "dy-towns", "yc-units", "yc-towns"):
        assert orgs[generic]["kind"] == "泛称"


def test_rosters(content):
    orgs = content.organisations
    yc = [(m["role"], m["name"], m.get("title")) for m in orgs["yc-group"]["members"]]
    assert yc[0] == ("组长", "李世红", "区政府副区长")
    assert [r for r, _, _ in yc] == ["组长", "副组长", "副组长", "成员", "成员", "成员"]
    assert orgs["yc-group"]["office"] == "yc-group-office"
    assert orgs["yc-group-office"]["hosted_by"] == "yc-amr"

    wq = orgs["wq-group"]["members"]
    assert len(wq) == 18
    assert (wq[0]["role"], wq[0]["name"]) == ("组长", "王春荣")
    assert (wq[2]["name"], wq[2]["title"]) == ("刘英", "乌拉特前旗市监局药化流通股股长")
    assert all(" " not in m["name"] for m in wq)
    assert orgs["wq-group-office"]["hosted_by"] == "wq-drug-circulation"
    stations = [o for o in orgs.values() if o["id"].startswith("wq-suo-")]
    assert len(stations) == 11 and all(o["parent"] == "wq-amr" for o in stations)


def test_seven_stages_each_within_24_hours(content):
    proc = content.procedures["dy-key-case-reporting"]
    staged = [s for s in proc["steps"] if s.get("deadline", {}).get("kind") == "relative"]
    assert [s["deadline"]["after"] for s in staged] == [
        f"{stage}环节结束" for stage in
        ("线索发现", "案件立案", "调查终结", "案件合议", "重大案件集体讨论", "送达行政处罚决定书", "案件结案")
    ]
    for step in staged:
        assert step["deadline"]["within"] == {"hours": 24}
        assert step["recipient"] == "dy-superior-dept"
    assert any(s.get("recipient") == "dy-gov" for s in proc["steps"])  # 本级政府


def test_required_procedures_exist(content):
    expected = {
        "dy-key-case-reporting", "dy-clue-notification", "dy-case-transfer", "dy-assistance",
        "dy-supervision", "dy-information-release", "dy-risk-control", "yc-campaign-reporting",
    }
    assert expected <= set(content.procedures)
    transfer = {s["id"]: s for s in content.procedures["dy-case-transfer"]["steps"]}
    assert transfer["transfer-to-police"]["recipient"] == "dy-police"
    assert transfer["police-hands-back"]["actor"] == "dy-police"
    release = [s["id"] for s in content.procedures["dy-information-release"]["steps"]]
    assert release.index("risk-assessment") < release.index("approval") < release.index("countersign") < release.index("publish")
    risk = {s["id"] for s in content.procedures["dy-risk-control"]["steps"]}
    assert {"stop-production", "stop-selling", "stop-use", "recall", "confiscate"} <= risk


def test_campaign_reporting_schedule(content):
    camp = content.campaigns["yongchuan-2022"]
    assert (camp["period"]["start"], camp["period"]["end"]) == ("2022-05-06", "2022-11-30")
    reports = {r["id"]: r for r in camp["reporting"]}
    monthly = reports["monthly"]["deadline"]
    assert (reports["monthly"]["form"], monthly["kind"], monthly["freq"], monthly["day"]) == (
        "monthly-progress", "recurring", "monthly", 1)
    assert (monthly["start"], monthly["end"]) == ("2022-06-01", "2022-12-01")
    quarterly = sorted(r["deadline"]["date"] for r in reports.values() if r.get("form") == "quarterly-report")
    assert quarterly == ["2022-06-20", "2022-09-20"]
    assert [r["deadline"]["date"] for r in reports.values() if r.get("form") == "summary-report"] == ["2022-11-20"]
    assert len(camp["tasks"]) == 6
    # the procedure's steps carry the same forms and dates
    steps = content.procedures["yc-campaign-reporting"]["steps"]
    assert {(s["form"], s["deadline"].get("date") or s["deadline"].get("start")) for s in steps if "form" in s} == {
        ("monthly-progress", "2022-06-01"), ("quarterly-report", "2022-06-20"),
        ("quarterly-report", "2022-09-20"), ("summary-report", "2022-11-20"),
    }


def test_phases_lie_within_their_campaign(content):
    for camp in content.campaigns.values():
        start, end = date.fromisoformat(camp["period"]["start"]), date.fromisoformat(camp["period"]["end"])
        for phase in camp["phases"]:
            assert start <= date.fromisoformat(phase["start"]) <= date.fromisoformat(phase["end"]) <= end


@pytest.mark.parametrize("criteria_id, table, field", [
    ("major-case-situations", "major_cases", "situation"),
    ("drug-key-areas", "drug", "key_areas"),
    ("device-key-areas", "device", "key_areas"),
    ("cosmetic-key-areas", "cosmetic", "key_areas"),
])
def test_form_owned_criteria_point_at_the_form(content, criteria_id, table, field):
    criteria = content.criteria[criteria_id]
    assert "items" not in criteria
    assert criteria["form"] == {"id": "monthly-progress", "table": table, "field": field}


def test_key_cases_are_the_eight_situations(content):
    items = content.criteria["dy-key-cases"]["items"]
    assert len(items) == 8
    assert items[0]["text"] == "涉案货值超过100万元且同时涉及药品生产经营和药品使用单位的"


def test_guangxi_figures(content):
    figures = {f["id"]: f for f in content.figures["guangxi-2024"]["figures"]}
    values = {k: f["value"] for k, f in figures.items()}
    assert values["cases-total"] == 7055
    assert (values["key-area-cases"], figures["key-area-cases"]["share_percent"]) == (1882, 26.68)
    assert (values["cases-over-500k"], values["cases-over-10m"], values["cases-over-100m"]) == (44, 10, 2)
    assert (values["value-total"], values["fines-confiscations"]) == (10.67, 6870.01)
    assert (values["transferred-to-police"], values["dens-destroyed"]) == (696, 83)
    assert (values["joint-laboratories"], values["liaison-points"], values["case-experts"]) == (21, 40, 100)
    assert content.figures["guangxi-2024"]["as_of"] == "2024-10-31"
    in_words = {"mps-congratulations": "两次", "mps-etomidate-typical-case": "一起"}
    for fig in figures.values():  # the number stands in its own quote
        shown = f"{fig['value']:g}" if isinstance(fig["value"], float) else str(fig["value"])
        assert in_words.get(fig["id"], shown) in squash(fig["quote"]), fig["id"]


def test_every_document_has_responsibilities(content):
    per_doc = Counter(d["document"] for _, d in content.items("responsibilities") for _ in d["responsibilities"])
    assert set(per_doc) == {"dongying-2017-61", "yongchuan-2022", "guangxi-2024", "wulateqianqi-2022"}
    assert per_doc["dongying-2017-61"] >= 30
    dy_actors = {a for r in content.responsibilities for a in as_list(r["actor"]) if a.startswith("dy-")}
    assert {"dy-amr", "dy-health", "dy-police"} <= dy_actors
