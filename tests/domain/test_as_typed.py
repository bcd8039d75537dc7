"""Dates, times and whole numbers as village cadres type them (often through a pinyin IME), read
by the one parser the forms, the roster line editor and the importer share."""

from __future__ import annotations

from datetime import date, time

import pytest

from station_tui.domain.as_typed import TypedError, parse_date, parse_time, parse_whole
from station_tui.domain.clock import format_clock, readable_moment
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-05", date(2026, 11, 5)),
        ("2026-11-5", date(2026, 11, 5)),
        ("2026/11/5", date(2026, 11, 5)),
        ("2026.11.05", date(2026, 11, 5)),
        ("2026年11月5日", date(2026, 11, 5)),
        (" 2026 年 11 月 5 日 ", date(2026, 11, 5)),
        ("２０２６－１１－０５", date(2026, 11, 5)),
        ("20261105", date(2026, 11, 5)),
        ("2026/11/5 0:00", date(2026, 11, 5)),
        ("11月5日", date(2026, 11, 5)),
        ("11-5", date(2026, 11, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("", None),
    ],
)
def test_dates(typed: str, expected: date | None) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-13-01", "日期“2026-13-01”不存在：没有 13 月"),
        ("2026-02-30", "日期“2026-02-30”不存在：2月没有30日"),
        ("2025-02-29", "日期“2025-02-29”不存在：2月没有29日"),
        ("2026-04-31", "日期“2026-04-31”不存在：4月没有31日"),
        ("昨天", "“昨天”不是日期，应为 2024-03-15 这样的格式（也可写 2024/3/15、2024年3月15日、3月15日）"),
    ],
)
def test_wrong_dates_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(TypedError) as info:
        parse_date(typed, TODAY)
    assert str(info.value) == message


def test_a_month_and_day_needs_a_year_where_no_today_is_known() -> None:
    with pytest.raises(TypedError, match=r"“3月15日”不是日期.*（也可写 2024/3/15、2024年3月15日）$"):
        parse_date("3月15日")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:30", time(9, 30)),
        ("08:30:00", time(8, 30)),
        ("0930", time(9, 30)),
        ("930", time(9, 30)),
        ("9点", time(9, 0)),
        ("9点30分", time(9, 30)),
        ("14点15分", time(14, 15)),
        ("14：05", time(14, 5)),
        ("9.30", time(9, 30)),
        ("8", time(8, 0)),
        ("9点半", time(9, 30)),
        ("９点半", time(9, 30)),
        ("０９：３０", time(9, 30)),
        ("", None),
        (None, None),
    ],
)
def test_times_as_people_type_them(typed: str | None, expected: time | None) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25:00", "时间“25:00”不存在：小时应在 0–23"),
        ("24点半", "时间“24点半”不存在：小时应在 0–23"),
        ("9:60", "时间“9:60”不存在：分钟应在 0–59"),
        ("abc", "“abc”不是时间，应为 08:30 这样的格式（也可写 8:30、9点半）"),
        ("9:00pm", "“9:00pm”不是时间"),
        ("12345", "“12345”不是时间"),
    ],
)
def test_wrong_times_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(TypedError) as info:
        parse_time(typed)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("120", 120), ("１２０", 120), ("1,200", 1200), ("1，200", 1200),
        ("-5", -5), ("−5", -5), ("120.0", 120), ("", None),
    ],
)
def test_whole_numbers(typed: str, expected: int | None) -> None:
    assert parse_whole(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"), [("12.5", "“12.5”不是整数，请不要带小数"), ("十二", "“十二”不是数字，请填写整数")]
)
def test_wrong_numbers_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(TypedError) as info:
        parse_whole(typed)
    assert str(info.value) == message


def test_format_clock() -> None:
    assert format_clock(time(9, 5)) == "09:05"
    assert format_clock(None) == ""


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("2026-11-22T16:07:03", "2026-11-22 16:07:03"), ("", ""), (None, ""), ("不是时间", "不是时间")],
)
def test_stored_moments_read_without_the_t(stored: str | None, shown: str) -> None:
    assert readable_moment(stored) == shown
