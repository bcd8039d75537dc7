"""Dates and times as village cadres type them (often through a pinyin IME)."""

from __future__ import annotations

from datetime import date, time

import pytest

from station_tui.widgets.entry import normalize_date, normalize_time
from tests.conftest import TODAY


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2026-11-05", date(2026, 11, 5)),
        ("2026-11-5", date(2026, 11, 5)),
        ("2026/11/5", date(2026, 11, 5)),
        ("2026.11.05", date(2026, 11, 5)),
        ("2026年11月5日", date(2026, 11, 5)),
        ("２０２６－１１－０５", date(2026, 11, 5)),
        ("20261105", date(2026, 11, 5)),
        ("11月5日", date(2026, 11, 5)),
        ("11-5", date(2026, 11, 5)),
    ],
)
def test_dates(typed: str, expected: date) -> None:
    assert normalize_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["", "昨天", "2026-02-30", "2026-13-01"])
def test_unreadable_dates_pass_through_for_the_model_to_explain(typed: str) -> None:
    assert normalize_date(typed, TODAY) == typed


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("８：３０", time(8, 30)),
        ("9点", time(9, 0)),
        ("9点半", time(9, 30)),
        ("14点15分", time(14, 15)),
        ("0930", time(9, 30)),
        ("9.30", time(9, 30)),
    ],
)
def test_times(typed: str, expected: time) -> None:
    assert normalize_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "上午", "25:00", "9:75"])
def test_unreadable_times_pass_through(typed: str) -> None:
    assert normalize_time(typed) == typed
