"""`yaojian rollup`: the units' latest accepted filings summed into a filing of the same form
that passes `yaojian validate`, checked against sums computed here, independently."""

from __future__ import annotations

import io
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import run_cli
from service_support import monthly_form, random_document, workbook_bytes

NA = "/"


def dec(v) -> Decimal:
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def expected_figure(values: list) -> object:
    """The district's figure, computed here: "/" only if every unit wrote "/"."""
    numbers = [dec(v) for v in values if v != NA]
    return NA if not numbers else sum(numbers, Decimal(0))


def assert_sums(form, docs: list[dict], rolled: dict) -> int:
    checked = 0
    for t in form.tables:
        if t.kind != "grid":
            continue
        for block, rows, cols in (("rows", t.rows, t.columns), ("key_areas", t.key_areas.rows if t.key_areas else (), t.key_areas.columns if t.key_areas else ())):
            for r in rows:
                expected_parts = []
                for c in cols:
                    want = expected_figure([d["tables"][t.id][block][r.id][c.id] for d in docs])
                    got = rolled["tables"][t.id][block][r.id][c.id]
                    assert (got == NA) if want == NA else (got != NA and dec(got) == want), (t.id, block, r.id, c.id, got, want)
                    expected_parts.append(want)
                    checked += 1
                if block == "rows" and t.total is not None:
                    want = expected_figure(expected_parts)
                    got = rolled["tables"][t.id]["rows"][r.id][t.total.id]
                    assert (got == NA) if want == NA else dec(got) == want, (t.id, r.id, "total", got, want)
    return checked


def filings(project, units: list[str], seed: int, report_date="2022-05-31"):
    form = monthly_form(project)
    rng = random.Random(seed)
    return form, {u: random_document(form, u, report_date, rng) for u in units}


def test_rollup_of_a_folder_equals_the_sum_and_validates(project, tmp_path):
    from generator.validate import validate

    units = ["区公安局", "区卫生健康委", "区市场监管局", "区食品药品检验所", "胜利路街道", "中山路街道"]
    form, docs = filings(project, units, seed=7)
    folder = tmp_path / "filed"
    folder.mkdir()
    for i, (unit, doc) in enumerate(docs.items()):
        (folder / f"{i:02d}-{unit}.xlsx").write_bytes(workbook_bytes(project, form, doc))
    # a filing with errors is not accepted: it is left out, and said so
    broken = json.loads(json.dumps(docs["区公安局"]))
    broken["header"]["unit"] = "错误单位"
    broken["tables"]["drug"]["rows"]["inspection"]["total"] = 999
    (folder / "zz-错误单位.xlsx").write_bytes(workbook_bytes(project, form, broken))
    out = tmp_path / "汇总.xlsx"
    result = run_cli("rollup", "--from", str(folder), "--out", str(out), "--unit-name", "永川区工作小组办公室",
                     "--date", "2022-06-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "zz-错误单位.xlsx" in result.stderr
    assert "通过校验" in result.stdout

    report = validate(out, project=project)
    assert report.valid, [f.to_dict() for f in report.findings]
    assert report.warnings == 0, [f.to_dict() for f in report.findings]
    rolled = report.document
    assert rolled["header"]["unit"] == "永川区工作小组办公室"
    assert rolled["header"]["report_date"] == "2022-06-01"
    assert assert_sums(form, list(docs.values()), rolled) > 400

    # 表1: every unit's cases, each 编号 prefixed with its unit
    cases = rolled["tables"]["major_cases"]
    own = [(u, c) for u, d in docs.items() for c in d["tables"]["major_cases"]]
    assert len(cases) == len(own)
    assert sorted(c["number"] for c in cases) == sorted(f"{u}·{c['number']}" for u, c in own)
    assert sum(dec(c["value"]) for c in cases) == sum(dec(c["value"]) for _, c in own)

    # the same file through the command line validator
    cli = run_cli("validate", str(out), "--format", "json")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert json.loads(cli.stdout)[0]["valid"] is True

    # the per-unit breakdown behind every figure
    from openpyxl import load_workbook

    wb = load_workbook(out)
    ws = wb["各单位明细"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["表", "项目", "栏目", "汇总"] and header[4:] == sorted(units)
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "现场检查（件）" and r[2] == "经营")
    assert row[4:] == tuple(docs[u]["tables"]["drug"]["rows"]["inspection"]["operation"] for u in sorted(units))


def test_slash_only_where_every_unit_wrote_slash_and_money_as_decimal(project):
    from generator.rollup.sums import Filing, roll_up

    form, docs = filings(project, ["甲", "乙"], seed=3)
    a, b = docs["甲"], docs["乙"]
    for d in (a, b):
        for c in ("research", "production", "operation", "use"):
            d["tables"]["drug"]["rows"]["amount"][c] = NA
    a["tables"]["drug"]["rows"]["amount"]["operation"] = 0.1
    b["tables"]["drug"]["rows"]["amount"]["operation"] = 0.2
    a["tables"]["drug"]["rows"]["amount"]["use"] = 0
    r = roll_up(form, [Filing("甲", a), Filing("乙", b)], unit="区", report_date="2022-06-01")
    row = r.document["tables"]["drug"]["rows"]["amount"]
    assert row["research"] == NA and row["production"] == NA
    assert row["operation"] == Decimal("0.3")  # not 0.30000000000000004
    assert row["use"] == 0  # one unit's 0 is a figure: not "/"
    assert row["total"] == Decimal("0.3")


def test_rollup_from_the_ledger_takes_each_units_latest_accepted_filing(project, tmp_path):
    from generator.service.accounts import Accounts
    from generator.service.ledger import Checked, Ledger
    from generator.validate import validate

    db = tmp_path / "ledger.db"
    ledger = Ledger.open(db, tmp_path / "files")
    accounts = Accounts(ledger)
    form = monthly_form(project)
    rng = random.Random(11)
    used = {}

    def file(unit: str, doc: dict) -> None:
        data = workbook_bytes(project, form, doc)
        path = tmp_path / "in.xlsx"
        path.write_bytes(data)
        report = validate(path, project=project)
        sha = ledger.store.put_bytes(data)
        account = accounts.get(unit) or accounts.add(unit, "password 1", unit=unit)
        ledger.record(unit_id=account.unit_id, form=form.id, period="2022-05", sha256=sha, size=len(data),
                      filename="月报.xlsx", checked=Checked(report.valid, report.errors, report.warnings,
                                                           report.to_dict(), "", report.document))
        return report

    a1 = random_document(form, "甲单位", "2022-05-30", rng)
    a2 = random_document(form, "甲单位", "2022-05-31", rng, previous=a1)
    file("甲单位", a1)
    used["甲单位"] = file("甲单位", a2).document  # the newer accepted version wins
    b1 = random_document(form, "乙单位", "2022-05-31", rng)
    used["乙单位"] = file("乙单位", b1).document
    bad = json.loads(json.dumps(b1))
    bad["tables"]["device"]["rows"]["sampling"]["total"] = 12345
    assert not file("乙单位", bad).valid  # a later version with errors does not replace it
    c_bad = random_document(form, "丙单位", "2022-05-31", rng)
    c_bad["tables"]["cosmetic"]["rows"]["inspection"]["total"] = 777
    assert not file("丙单位", c_bad).valid  # never accepted: not in the roll-up
    ledger.close()

    out = tmp_path / "district.xlsx"
    result = run_cli("rollup", "--period", "2022-05", "--form", "monthly-progress", "--db", str(db),
                     "--files", str(tmp_path / "files"), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    report = validate(out, project=project)
    assert report.valid, [f.to_dict() for f in report.findings]
    assert report.document["header"]["unit"] == "永川区工作小组办公室"
    assert assert_sums(form, [used["甲单位"], used["乙单位"]], report.document) > 400


def test_nothing_to_roll_up_is_exit_1(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_cli("rollup", "--from", str(empty), "--out", str(tmp_path / "x.xlsx"))
    assert r.returncode == 1 and "没有" in r.stderr
    r = run_cli("rollup", "--period", "2022-05", "--form", "monthly-progress", "--db", str(tmp_path / "l.db"),
                "--out", str(tmp_path / "x.xlsx"))
    assert r.returncode == 1 and "无可汇总" in r.stderr
    r = run_cli("rollup", "--period", "2022-05", "--db", str(tmp_path / "l.db"))
    assert r.returncode == 2 and "--form" in r.stderr  # bad usage
    assert not (tmp_path / "x.xlsx").exists()


def test_a_quarterly_report_rolls_up_its_texts(project, tmp_path):
    from generator.forms.model import load_forms
    from generator.rollup import to_bytes
    from generator.rollup.sums import Filing, roll_up
    from generator.validate import validate

    form = load_forms(project.forms)["quarterly-report"]
    rng = random.Random(5)
    docs = [random_document(form, u, "2022-06-18", rng) for u in ("甲单位", "乙单位")]
    for d in docs:
        path = tmp_path / "q.xlsx"
        path.write_bytes(workbook_bytes(project, form, d))
        assert validate(path, project=project).valid
    r = roll_up(form, [Filing(d["header"]["unit"], d) for d in docs], unit="永川区工作小组办公室", report_date="2022-06-20")
    out = tmp_path / "q-sum.xlsx"
    out.write_bytes(to_bytes(r, project))
    report = validate(out, project=project)
    assert report.valid, [f.to_dict() for f in report.findings]
    text = next(iter(report.document["tables"].values()))
    first = next(v for v in text.values() if v)
    assert first.startswith("【") and "【甲单位】甲单位：" in first and "【乙单位】乙单位：" in first


def test_a_folder_with_two_filings_of_one_unit_sums_the_later(project, tmp_path):
    from generator.validate import validate

    form = monthly_form(project)
    rng = random.Random(9)
    early = random_document(form, "甲单位", "2022-05-20", rng)
    late = random_document(form, "甲单位", "2022-05-31", rng, previous=early)
    other = random_document(form, "乙单位", "2022-05-31", rng)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b-late.xlsx").write_bytes(workbook_bytes(project, form, late))
    (folder / "c-early.xlsx").write_bytes(workbook_bytes(project, form, early))
    (folder / "a-other.xlsx").write_bytes(workbook_bytes(project, form, other))
    out = tmp_path / "out.xlsx"
    r = run_cli("rollup", "--from", str(folder), "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "c-early.xlsx" in r.stderr
    report = validate(out, project=project)
    assert assert_sums(form, [late, other], report.document) > 400


def test_more_cases_than_the_template_holds_all_stay_in_table_1(project, tmp_path):
    """A district has more 大案要案 than one unit's template rows: none is dropped — they
    continue below the template's rows, the validator reads them all and only warns."""
    from generator.rollup import to_bytes
    from generator.rollup.sums import Filing, roll_up
    from generator.validate import validate

    form, docs = filings(project, ["甲单位", "乙单位", "丙单位"], seed=13)
    capacity = form.table("major_cases").capacity
    n = 0
    for unit, doc in docs.items():
        doc["tables"]["major_cases"] = []
        for i in range(capacity // 2 + 5):
            n += 1
            doc["tables"]["major_cases"].append({
                "number": f"{i + 1:03d}", "name": f"{unit}第{i + 1}案", "category": ["drug"], "clue_source": ["inspection"],
                "situation": ["criminal_referral"], "progress": ["filed"], "value": round(1 + (n * 37 % 4800) / 100, 2),
                "penalty": None, "planned_close": "2022-12-31", "summary": "案情。"})
    r = roll_up(form, [Filing(u, d) for u, d in docs.items()], unit="永川区工作小组办公室", report_date="2022-06-01")
    out = tmp_path / "many.xlsx"
    out.write_bytes(to_bytes(r, project))
    report = validate(out, project=project)
    assert report.valid, [f.to_dict() for f in report.findings][:5]
    assert [f.code for f in report.findings if not f.is_error] == ["too-many-cases"]
    listed = report.document["tables"]["major_cases"]
    every = [c for d in docs.values() for c in d["tables"]["major_cases"]]
    assert capacity < len(listed) == len(every) == n
    assert {c["number"] for c in listed} == {f"{u}·{c['number']}" for u, d in docs.items() for c in d["tables"]["major_cases"]}
    assert sum(dec(c["value"]) for c in listed) == sum(dec(c["value"]) for c in every)
    assert "续列在模板行之下" in report.document["header"]["note"]


def test_a_folder_with_a_text_file_and_another_form_says_what_they_are(project, tmp_path):
    """A text file named .xlsx is "not readable as a form", a quarterly report among monthly
    ones is "not this form" (not "N errors"); the output is named by the period."""
    from generator.forms.model import load_forms

    form, docs = filings(project, ["甲单位", "乙单位"], seed=11)
    folder = tmp_path / "units"
    folder.mkdir()
    for unit, doc in docs.items():
        (folder / f"{unit}.xlsx").write_bytes(workbook_bytes(project, form, doc))
    (folder / "说明.xlsx").write_text("这个月各单位都已报送。", encoding="utf-8")
    (folder / "备注.txt").write_text("备注", encoding="utf-8")
    quarterly = load_forms(project.forms)["quarterly-report"]
    qdoc = random_document(quarterly, "丙单位", "2022-05-31", random.Random(3))
    (folder / "丙单位季报.xlsx").write_bytes(workbook_bytes(project, quarterly, qdoc))
    r = run_cli("rollup", "--from", str(folder), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = {line.split("：", 2)[1]: line for line in r.stderr.splitlines() if line.startswith("略去：")}
    assert "无法作为报表读取" in lines["说明.xlsx"] and "错误" not in lines["说明.xlsx"], r.stderr
    assert "不是本次汇总的" in lines["丙单位季报.xlsx"] and "错误" not in lines["丙单位季报.xlsx"], r.stderr
    assert quarterly.title in lines["丙单位季报.xlsx"] and "quarterly-report" not in r.stderr
    assert "不是报表文件" in lines["备注.txt"]
    assert (tmp_path / "汇总-monthly-progress-2022-05.xlsx").is_file(), sorted(p.name for p in tmp_path.iterdir())
    assert not (tmp_path / "汇总-monthly-progress-units.xlsx").exists()
