"""Filing slots derived from the campaign in content/, and who-has-filed status."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from service_fixtures import ledger_target, postgres_cluster  # noqa: F401  (fixtures)


def test_slots_come_from_the_campaign_reporting_deadlines(project):
    from generator.service.slots import load_schedule

    s = load_schedule(project)
    assert s.campaign == "yongchuan-2022"
    monthly = s.slots_of("monthly-progress")
    assert [x.period for x in monthly] == ["2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11"]
    assert [x.due for x in monthly][:2] == [date(2022, 6, 1), date(2022, 7, 1)]
    assert monthly[-1].due == date(2022, 12, 1)
    assert monthly[0].label == "2022年5月" and monthly[0].start == date(2022, 5, 1) and monthly[0].end == date(2022, 5, 31)
    assert [(x.period, x.due) for x in s.slots_of("quarterly-report")] == [
        ("2022-Q2", date(2022, 6, 20)), ("2022-Q3", date(2022, 9, 20))]
    assert [(x.period, x.due) for x in s.slots_of("summary-report")] == [("yongchuan-2022", date(2022, 11, 20))]
    assert [x.due for x in s.slots] == sorted(x.due for x in s.slots)
    assert s.previous(monthly[1]) == monthly[0] and s.previous(monthly[0]) is None
    assert s.office_name() == "永川区工作小组办公室"


def test_slots_follow_the_content_not_the_code(project_copy):
    """Change the campaign's deadlines in content/ and the schedule follows."""
    from generator.project import Project
    from generator.service.slots import load_schedule

    path = project_copy / "content" / "campaigns" / "yongchuan-2022.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      day: 1\n      start: '2022-06-01'\n      end: '2022-12-01'",
                        "      day: 5\n      start: '2022-06-05'\n      end: '2022-08-05'")
    text = text.replace("date: '2022-11-20'", "date: '2022-11-25'")
    path.write_text(text, encoding="utf-8")
    s = load_schedule(Project(project_copy))
    assert [(x.period, x.due) for x in s.slots_of("monthly-progress")] == [
        ("2022-05", date(2022, 6, 5)), ("2022-06", date(2022, 7, 5)), ("2022-07", date(2022, 8, 5))]
    assert s.slots_of("summary-report")[0].due == date(2022, 11, 25)


def test_the_due_date_itself_is_on_time_in_office_time(project):
    from generator.service.slots import load_schedule

    may = load_schedule(project).slot("monthly-progress", "2022-05")
    # 2022-06-01 23:59 in Beijing is 15:59 UTC: on time; one minute later is 2 June there.
    assert may.on_time(datetime(2022, 6, 1, 15, 59, tzinfo=timezone.utc))
    assert not may.on_time(datetime(2022, 6, 1, 16, 0, tzinfo=timezone.utc))
    assert not may.is_past_due(datetime(2022, 6, 1, 15, 59, tzinfo=timezone.utc))
    assert may.is_past_due(datetime(2022, 6, 1, 16, 0, tzinfo=timezone.utc))


def _record(ledger, unit_id, data, valid, when, period="2022-05"):
    from generator.service.ledger import Checked

    sha = ledger.store.put_bytes(data)
    return ledger.record(
        unit_id=unit_id, form="monthly-progress", period=period, sha256=sha, size=len(data), filename="月报.xlsx",
        checked=Checked(valid, 0 if valid else 1, 0, {"findings": []}, "", {"tables": {}}), received_at=when,
    )[0]


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def board_data(ledger_target, project):
    from generator.service.accounts import Accounts
    from generator.service.ledger import Ledger
    from generator.service.slots import load_schedule

    target, files = ledger_target
    ledger = Ledger.open(target, files)
    accounts = Accounts(ledger)
    for username, unit in (("a", "甲单位"), ("b", "乙单位"), ("c", "丙单位"), ("d", "=丁单位")):
        accounts.add(username, "password 1", unit=unit)
    ids = {u.name: u.id for u in ledger.active_units()}
    _record(ledger, ids["甲单位"], b"a1", True, utc(2022, 5, 31, 2))  # on time
    _record(ledger, ids["乙单位"], b"b1", False, utc(2022, 5, 31, 3))  # errors, never fixed
    _record(ledger, ids["=丁单位"], b"d1", False, utc(2022, 5, 30))
    _record(ledger, ids["=丁单位"], b"d2", True, utc(2022, 6, 3))  # accepted two days late
    yield ledger, load_schedule(project), ids
    ledger.close()


def test_status_on_time_figures_and_units_to_chase(board_data):
    from generator.service.status import board

    ledger, schedule, ids = board_data
    b = board(ledger, schedule, utc(2022, 6, 10))
    may = schedule.slot("monthly-progress", "2022-05")
    june = schedule.slot("monthly-progress", "2022-06")
    cell = {name: b.cells[(uid, may.key)] for name, uid in ids.items()}
    assert {n: c.label for n, c in cell.items()} == {"甲单位": "已报通过", "乙单位": "已报有错", "丙单位": "逾期", "=丁单位": "已报通过"}
    assert cell["甲单位"].on_time and not cell["=丁单位"].on_time and cell["=丁单位"].days_late == 2
    f = b.figures[may.key]
    assert (f.expected, f.filed, f.passed, f.errors, f.overdue, f.missing, f.on_time, f.accepted_late) == (4, 3, 2, 1, 1, 0, 1, 1)
    assert f.on_time_rate == "25%"
    # June is not due yet on 10 June: nobody is late for it
    assert {b.cells[(uid, june.key)].label for uid in ids.values()} == {"未报"}
    chase = [(c.unit.name, c.slot.period, c.days_late) for c in b.to_chase()]
    assert ("乙单位", "2022-05", 9) in chase and ("丙单位", "2022-05", 9) in chase
    assert not any(name in ("甲单位", "=丁单位") and period == "2022-05" for name, period, _ in chase)
    assert ("甲单位", "2022-Q2", 0) not in chase  # the quarterly report is due 20 June


def test_chase_list_exports_as_csv_and_xlsx_never_as_formulas(board_data):
    import csv

    from openpyxl import load_workbook

    from generator.service.status import CHASE_HEADER, board, chase_csv, chase_xlsx

    ledger, schedule, ids = board_data
    b = board(ledger, schedule, utc(2022, 7, 5), [s for s in schedule.slots if s.form == "monthly-progress"])
    titles = schedule.form_titles
    data = chase_csv(b, titles)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == CHASE_HEADER
    names = [(r[0], r[2]) for r in rows[1:]]
    assert ("乙单位", "2022年5月") in names and ("丙单位", "2022年6月") in names
    assert ("'=丁单位", "2022年6月") in names  # a leading "=" cannot become a formula
    wb = load_workbook(io.BytesIO(chase_xlsx(b, titles)))
    ws = wb.active
    assert [c.value for c in ws[1]] == CHASE_HEADER
    values = [(r[0].value, r[0].data_type) for r in ws.iter_rows(min_row=2)]
    assert ("=丁单位", "s") in values
    assert len(values) == len(rows) - 1


def test_comparing_versions_matches_findings_by_code_and_place():
    from generator.service.compare import compare

    blank = {"code": "blank-cell", "severity": "error", "sheet": "表2 药品", "cell": "E7", "message": "…"}
    total = {"code": "total-mismatch", "severity": "error", "sheet": "表2 药品", "cell": "H7", "message": "合计应为 6"}
    total_later = dict(total, message="合计应为 7")  # same place and code, other words: the same problem
    neg = {"code": "negative-value", "severity": "error", "sheet": "表3 医疗器械", "cell": "D5", "message": "…"}
    warn = {"code": "normalized-value", "severity": "warning", "sheet": "表2 药品", "cell": "E8", "message": "…"}
    c = compare([blank, total, warn, warn], [total_later, neg, warn])
    assert c.fixed == [blank, warn]
    assert c.new == [neg]
    assert c.remaining == [total_later, warn]
    assert (c.fixed_errors, c.new_errors) == (1, 1)
    assert c.summary == "改正 2 项，新增 1 项，仍有 2 项"


def test_only_forms_with_running_totals_compare_with_the_previous_period(project):
    from generator.service.slots import load_schedule

    assert load_schedule(project).cumulative_forms == {"monthly-progress"}
