"""Exact hours. Service hours are kept as integer tenths of an hour, never as floats.

A county adds up thousands of stations' hours and must get the published total to the
tenth; integer tenths make every sum exact and every report agree with its parts.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal, InvalidOperation

from station_tui.domain.quoting import quoted

#: Hours are served within one day: without start and end times this is the only bound on a
#: person's credited hours, and it keeps a mistyped figure from overflowing 64-bit integers.
DAY_MINUTES = 24 * 60


class HoursError(ValueError):
    """A text that is not an amount of hours with at most one decimal."""


def parse_hours(text: str | int | float | Decimal | None) -> int:
    """Turn ``"2.5"`` (hours) into ``25`` (tenths). Empty means zero."""
    if text is None:
        return 0
    if isinstance(text, float):
        # Spreadsheet cells arrive as floats; repr() keeps what the user typed (2.5 -> "2.5").
        text = repr(text)
    raw = str(text).strip().removesuffix("小时").removesuffix("h").strip()
    if raw == "":
        return 0
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise HoursError(f"{quoted(text)}不是时长，请填写小时数，例如 2 或 1.5") from None
    if not value.is_finite():
        raise HoursError(f"{quoted(text)}不是时长，请填写小时数，例如 2 或 1.5")
    if value < 0:
        raise HoursError("时长不能为负数")
    tenths = value * 10
    if tenths != tenths.to_integral_value():
        raise HoursError(f"时长{quoted(text)}最多保留一位小数")
    return int(tenths)


def format_tenths(tenths: int) -> str:
    """``25`` -> ``"2.5"``; always one decimal, as counties publish hours."""
    sign = "-" if tenths < 0 else ""
    whole, part = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{part}"


def tenths_to_float(tenths: int) -> float:
    """For JSON output only: one decimal, exact in its decimal representation."""
    return float(format_tenths(tenths))


def minutes_between(start: time | None, end: time | None) -> int | None:
    """Length of a same-day span in minutes, or None when either end is unknown."""
    if start is None or end is None:
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def minutes_to_tenths(minutes: int) -> int:
    """Round a span of minutes down to whole tenths (6 minutes) — never credit more than served."""
    return max(minutes, 0) // 6


#: Volunteer star levels (星级志愿者) by cumulative hours, the common rule: 100, 300, 600, 1000
#: and 1500 hours give 1–5 stars. A county with other thresholds sets ``star_thresholds_hours``.
DEFAULT_STAR_HOURS: tuple[int, ...] = (100, 300, 600, 1000, 1500)


def star_level(tenths: int, thresholds_hours: tuple[int, ...] | list[int] = DEFAULT_STAR_HOURS) -> int:
    """How many stars ``tenths`` of cumulative service hours earn: one per threshold reached."""
    return sum(1 for hours in thresholds_hours if tenths >= hours * 10)


def star_marks(level: int, of: int = 5) -> str:
    """``★★★☆☆`` for 3 of 5."""
    return "★" * level + "☆" * max(of - level, 0)


def next_star_tenths(tenths: int, thresholds_hours: tuple[int, ...] | list[int] = DEFAULT_STAR_HOURS) -> int | None:
    """Tenths still missing to the next star, or None at the top level."""
    for hours in thresholds_hours:
        if tenths < hours * 10:
            return hours * 10 - tenths
    return None
