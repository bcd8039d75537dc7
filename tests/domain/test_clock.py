from __future__ import annotations

from datetime import time

import pytest

from station_tui.domain.clock import ClockError, format_clock, parse_clock, readable_moment


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:30", time(9, 30)),
        ("0930", time(9, 30)),
        ("930", time(9, 30)),
        ("9点", time(9, 0)),
        ("9点30分", time(9, 30)),
        ("14：05", time(14, 5)),
        ("8", time(8, 0)),
        ("9点半", time(9, 30)),
        ("０９：３０", time(9, 30)),
        ("", None),
    ],
)
def test_times_as_people_type_them(typed: str, expected: time | None) -> None:
    assert parse_clock(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "9:60", "abc", "9:00pm", "12345"])
def test_nonsense_is_refused_in_chinese(typed: str) -> None:
    with pytest.raises(ClockError, match="不是时间，请按 08:30 这样填写"):
        parse_clock(typed)


def test_format_clock() -> None:
    assert format_clock(time(9, 5)) == "09:05"
    assert format_clock(None) == ""


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("2026-11-22T16:07:03", "2026-11-22 16:07:03"), ("", ""), (None, ""), ("不是时间", "不是时间")],
)
def test_stored_moments_read_without_the_t(stored: str | None, shown: str) -> None:
    assert readable_moment(stored) == shown
