from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_tui.domain import Lecture
from station_tui.domain.rules import check_credit, covers_share, credited_tenths, default_times


def lecture(start: time | None = time(9, 0), end: time | None = time(11, 0)) -> Lecture:
    return Lecture(date=date(2026, 11, 1), start_time=start, end_time=end, topic="学习二十届四中全会精神")


def test_full_attendance_is_credited_the_whole_event() -> None:
    assert credited_tenths(lecture(), time(9, 0), time(11, 0)) == 20


def test_credit_is_capped_by_the_event_length() -> None:
    # Came early to set up chairs and stayed to tidy: still at most the event's two hours.
    assert credited_tenths(lecture(), time(8, 0), time(12, 30)) == 20


def test_partial_span_rounds_down_to_whole_tenths() -> None:
    # 9:00–10:17 is 77 minutes = 12.83 tenths; never credit more than served.
    assert credited_tenths(lecture(), time(9, 0), time(10, 17)) == 12


def test_missing_or_reversed_times_credit_nothing() -> None:
    assert credited_tenths(lecture(), None, time(10, 0)) == 0
    assert credited_tenths(lecture(), time(10, 0), time(9, 0)) == 0


def test_event_without_times_credits_the_span_uncapped() -> None:
    assert credited_tenths(lecture(None, None), time(14, 0), time(15, 30)) == 15


def test_share_rule_refuses_a_short_stay() -> None:
    # 60% of 120 minutes is 72 minutes.
    assert credited_tenths(lecture(), time(9, 0), time(10, 11), 0.6) == 0
    assert credited_tenths(lecture(), time(9, 0), time(10, 12), 0.6) == 12
    assert not covers_share(lecture(), time(9, 0), time(10, 11), 0.6)
    assert covers_share(lecture(), time(9, 0), time(10, 12), 0.6)


def test_share_rule_is_exact_at_the_boundary() -> None:
    # 0.6 as a float is 0.59999…; 36 of 60 minutes must still count as 60%.
    ev = lecture(time(9, 0), time(10, 0))
    assert credited_tenths(ev, time(9, 0), time(9, 36), 0.6) == 6
    assert credited_tenths(ev, time(9, 0), time(9, 35), 0.6) == 0


def test_share_rule_ignored_when_event_length_unknown() -> None:
    assert covers_share(lecture(None, None), time(9, 0), time(9, 10), 0.6)


def test_default_times_are_the_events() -> None:
    assert default_times(lecture()) == (time(9, 0), time(11, 0))


def test_check_credit_messages() -> None:
    ev = lecture()
    assert check_credit(ev, time(9, 0), time(11, 0), 20) is None
    assert check_credit(ev, time(9, 0), time(11, 0), 15) is None  # less than served is fine
    over = check_credit(ev, None, None, 25)
    assert over is not None and over.code == "hours_exceed_activity" and "2.0 小时" in over.message
    over_span = check_credit(ev, time(9, 0), time(10, 0), 15)
    assert over_span is not None and over_span.code == "hours_exceed_span"
    short = check_credit(ev, time(9, 0), time(9, 30), 5, 0.6)
    assert short is not None and short.code == "share_not_met" and "60%" in short.message
    assert check_credit(ev, None, None, 0) is None
    neg = check_credit(ev, None, None, -1)
    assert neg is not None and neg.code == "negative_hours"


@given(
    st.integers(0, 23 * 60),
    st.integers(1, 600),
    st.integers(0, 24 * 60 - 1),
    st.integers(0, 24 * 60 - 1),
    st.sampled_from([0.0, 0.5, 0.6, 0.8, 1.0]),
)
def test_credit_never_exceeds_event_or_span_and_always_passes_its_own_check(
    start: int, length: int, a: int, b: int, share: float
) -> None:
    end = min(start + length, 24 * 60 - 1)
    if end <= start:
        return
    ev = lecture(time(start // 60, start % 60), time(end // 60, end % 60))
    sign_in, sign_out = time(a // 60, a % 60), time(b // 60, b % 60)
    tenths = credited_tenths(ev, sign_in, sign_out, share)
    assert 0 <= tenths * 6 <= end - start
    if b > a:
        assert tenths * 6 <= b - a
    assert check_credit(ev, sign_in, sign_out, tenths, share) is None


@pytest.mark.parametrize("share", [0.0, 0.6])
def test_crediting_the_whole_event_always_meets_the_rule(share: float) -> None:
    ev = lecture()
    start, end = default_times(ev)
    assert credited_tenths(ev, start, end, share) == 20


def test_speakers_and_volunteers_serve_villagers_are_served() -> None:
    from station_tui.domain.rules import is_serving

    assert is_serving("宣讲员") and is_serving("志愿者")
    assert not is_serving("群众") and not is_serving(None)
