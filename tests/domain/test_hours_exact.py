"""Hours are integer tenths: what the user typed comes back exactly, and sums never drift."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_tui.domain.hours import HoursError, format_tenths, parse_hours, tenths_to_float


@given(st.integers(min_value=0, max_value=10**9))
def test_format_then_parse_is_the_identity(tenths: int) -> None:
    assert parse_hours(format_tenths(tenths)) == tenths


@given(st.lists(st.integers(min_value=0, max_value=240), max_size=500))
def test_totals_match_decimal_arithmetic(entries: list[int]) -> None:
    total = sum(parse_hours(format_tenths(t)) for t in entries)
    assert Decimal(format_tenths(total)) == sum((Decimal(format_tenths(t)) for t in entries), Decimal(0))
    assert tenths_to_float(total) == float(Decimal(format_tenths(total)))


def test_a_thousand_tenths_of_an_hour_make_exactly_one_hundred() -> None:
    assert format_tenths(sum(parse_hours("0.1") for _ in range(1000))) == "100.0"
    assert sum(0.1 for _ in range(1000)) != 100.0  # why floats are never summed


@pytest.mark.parametrize(
    ("typed", "tenths"),
    [("2", 20), ("2.5", 25), (" 1.5 ", 15), ("3小时", 30), ("0.5h", 5), ("", 0), (None, 0), (2.5, 25), (3, 30)],
)
def test_what_people_type(typed: object, tenths: int) -> None:
    assert parse_hours(typed) == tenths  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.25", "时长“1.25”最多保留一位小数"),
        ("-1", "时长不能为负数"),
        ("两小时", "“两小时”不是时长，请填写小时数，例如 2 或 1.5"),
        ("NaN", "“NaN”不是时长，请填写小时数，例如 2 或 1.5"),
    ],
)
def test_what_is_refused_and_why(typed: str, message: str) -> None:
    with pytest.raises(HoursError) as info:
        parse_hours(typed)
    assert str(info.value) == message
