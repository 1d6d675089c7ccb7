"""How one cell is read: the typing variants DESIGN.md accepts, and what stays text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.validate import normalize as nz
from generator.xlsx.book import Cell


def s(text: str) -> Cell:
    return Cell("s", text)


def n(text: str, **kw) -> Cell:
    return Cell("n", text, **kw)


@pytest.mark.parametrize("cell, value, state, how", [
    (None, None, "blank", None),
    (s(""), None, "blank", None),
    (s("   "), None, "blank", None),
    (n("3"), 3, "num", None),
    (n("0"), 0, "num", None),
    (n("12.5"), 12.5, "num", None),
    (n("1E-3"), 0.001, "num", None),
    (n("-1"), -1, "num", None),
    (s("/"), "/", "na", None),
    (s("／"), "/", "na", "全角斜杠"),
    (s(" / "), "/", "na", "去掉空格"),
    (s("０"), 0, "num", "文本形式的数字、全角字符"),
    (s(" 0 "), 0, "num", "文本形式的数字、去掉空格"),
    (s("0.0"), 0, "num", "文本形式的数字"),
    (s("12"), 12, "num", "文本形式的数字"),
    (s("1,234"), 1234, "num", "文本形式的数字、去掉千位分隔符"),
    (s("无"), "无", "text", None),
    (s("-"), "-", "text", None),
    (s("—"), "—", "text", None),
    (s("N/A"), "N/A", "text", None),
    (s("空"), "空", "text", None),
    (s("3件"), "3件", "text", None),
    (Cell("b", "1"), "TRUE", "text", None),
    (Cell("e", "#DIV/0!"), "#DIV/0!", "text", None),
    (Cell("str", "", formula="SUM(A1:B1)", has_cached_value=False), None, "unknown", None),
    (Cell("str", "", formula="IF(1,\"\",1)"), None, "blank", None),
])
def test_figures(cell, value, state, how):
    read = nz.figure(cell)
    assert (read.value, read.state, read.how) == (value, state, how)


def test_numbers_are_exact():
    assert nz.figure(n("0.1")).number + nz.figure(n("0.2")).number == Decimal("0.3")
    # a cached 0.1+0.2 from Excel is read at Excel's 15 significant digits
    assert nz.figure(n("0.30000000000000004")).number == Decimal("0.3")
    assert isinstance(nz.figure(n("7")).number, int)


@pytest.mark.parametrize("cell, ticked, how", [
    (s("√"), True, None),
    (s(" √ "), True, "去掉空格"),
    (s("✓"), True, "勾选符号"),
    (s("✔"), True, "勾选符号"),
    (s("☑"), True, "勾选符号"),
    (s("v"), True, "勾选符号"),
    (s("V"), True, "勾选符号"),
    (s("是"), True, "勾选符号"),
    (n("1"), True, "勾选符号"),
    (None, None, None),
])
def test_ticks(cell, ticked, how):
    read = nz.tick(cell)
    assert (read.value if read.state == "num" else None, read.how) == (ticked, how)


@pytest.mark.parametrize("text", ["x", "×", "否", "0", "□"])
def test_not_ticks(text):
    assert nz.tick(s(text)).state == "text"


@pytest.mark.parametrize("cell, iso, how", [
    (n("44742", is_date=True), "2022-06-30", None),
    (n("44742"), "2022-06-30", "Excel 日期序号"),
    (n("44742.5", is_date=True), "2022-06-30", None),
    (s("2022-06-30"), "2022-06-30", None),
    (s("2022年6月30日"), "2022-06-30", "文字日期"),
    (s("2022-6-30"), "2022-06-30", "文字日期"),
    (s("2022.6.30"), "2022-06-30", "文字日期"),
    (s("2022/6/30"), "2022-06-30", "文字日期"),
    (s("２０２２年６月３０日"), "2022-06-30", "文字日期"),
    (Cell("d", "2022-06-30T00:00:00"), "2022-06-30", None),
])
def test_dates(cell, iso, how):
    read = nz.date(cell)
    assert (read.value, read.state, read.how) == (iso, "num", how)


@pytest.mark.parametrize("cell", [s("2022-02-30"), s("下月底"), s("2022年13月1日"), n("60", is_date=True), n("-5")])
def test_not_dates(cell):
    assert nz.date(cell).state == "text"


def test_date1904():
    assert nz.date(n("43280", is_date=True), date1904=True).value == "2022-06-30"


def test_text_fields():
    assert nz.text(s("  永川区  ")).value == "永川区"
    assert nz.text(n("12")).value == "12"
    assert nz.text(s(" ")).state == "blank"
