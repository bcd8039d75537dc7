"""Cells as people type them and as Excel stores them become the same values."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from station_tui.imports import cells
from station_tui.imports.cells import CellError


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-15",
        "2024/3/15",
        "2024.3.15",
        "2024年3月15日",
        " 2024 年 3 月 15 日 ",
        "20240315",
        "2024/3/15 0:00",
        date(2024, 3, 15),
        datetime(2024, 3, 15, 0, 0),
        45366,
        45366.0,
    ],
)
def test_dates(value: object) -> None:
    assert cells.day(value) == date(2024, 3, 15)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-01", "日期“2024-13-01”不存在：没有 13 月"),
        ("2024-02-30", "日期“2024-02-30”不存在：2月没有30日"),
        ("3月15日", "“3月15日”不是日期，应为 2024-03-15 这样的格式"),
        ("昨天", "“昨天”不是日期"),
        (12, "“12”不是日期"),
    ],
)
def test_bad_dates(value: object, message: str) -> None:
    with pytest.raises(CellError, match=message):
        cells.day(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("8：30", time(8, 30)),
        ("08:30:00", time(8, 30)),
        ("8点半", time(8, 30)),
        ("830", time(8, 30)),
        (time(8, 30, 15), time(8, 30)),
        (datetime(1899, 12, 30, 14, 5), time(14, 5)),
        (0.5, time(12, 0)),
        ("", None),
        (None, None),
        ("  ", None),
    ],
)
def test_times(value: object, expected: time | None) -> None:
    assert cells.clock(value) == expected


@pytest.mark.parametrize("value", ["上午", "24:00", "12:60"])
def test_bad_times(value: str) -> None:
    with pytest.raises(CellError):
        cells.clock(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120), (120, 120), (120.0, 120), ("1,200", 1200), ("120人", 120), ("45人次", 45), ("-3", -3), ("", None)],
)
def test_counts(value: object, expected: int | None) -> None:
    assert cells.count(value) == expected


@pytest.mark.parametrize("value", ["十二", "12.5", 12.5, True])
def test_bad_counts(value: object) -> None:
    with pytest.raises(CellError):
        cells.count(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("2.5", 25), (2.5, 25), (12, 120), ("3小时", 30), ("0.1", 1), (0.1, 1), ("", None)]
)
def test_hours_are_exact_tenths(value: object, expected: int | None) -> None:
    assert cells.hours(value) == expected


@pytest.mark.parametrize(
    ("value", "message"), [("1.25", "最多保留一位小数"), ("两个小时", "不是时长"), ("-1", "不能为负数")]
)
def test_bad_hours(value: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        cells.hours(value)


def test_yes_no_year_and_text() -> None:
    assert cells.yes_no("是") is True and cells.yes_no("否") is False and cells.yes_no("") is None
    with pytest.raises(CellError, match="应填“是”或“否”"):
        cells.yes_no("对")
    assert cells.year("1965") == 1965 and cells.year(1965) == 1965 and cells.year("1965年") == 1965
    assert cells.year(datetime(1965, 7, 1)) == 1965
    with pytest.raises(CellError, match="不是年份"):
        cells.year("65")
    # Excel hands long numbers over as numbers: phones and volunteer numbers must read as typed.
    assert cells.text(13812345678) == "13812345678" and cells.text(13812345678.0) == "13812345678"
    assert cells.text("  村委会  ") == "村委会" and cells.text("") is None
