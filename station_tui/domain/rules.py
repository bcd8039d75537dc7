"""Rules for crediting a volunteer's service hours on one lecture or activity. Pure: no I/O.

Credited hours (服务时长) are the time between sign-in and sign-out, never more than the
event's own length. Some provinces credit nothing unless that span covers a minimum share
of the event (e.g. 60%); the share is a station setting (``Settings.min_attendance_share``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from fractions import Fraction

from station_tui.domain.hours import format_tenths, minutes_between, minutes_to_tenths
from station_tui.domain.models import Event

#: Roles that serve at an event and so are credited service hours; 群众 are served.
SERVING_ROLES = frozenset({"宣讲员", "志愿者"})


def is_serving(role: str | None) -> bool:
    return role in SERVING_ROLES


def _share(min_share: float) -> Fraction:
    # Through str() so that 0.6 means exactly 3/5, not 0.59999…
    return Fraction(str(min_share)) if min_share else Fraction(0)


def _span(sign_in: time | None, sign_out: time | None) -> int | None:
    span = minutes_between(sign_in, sign_out)
    return span if span is not None and span > 0 else None


def covers_share(event: Event, sign_in: time | None, sign_out: time | None, min_share: float) -> bool:
    """Whether sign-in to sign-out covers ``min_share`` of the event (always true without a rule
    or when the event's length is unknown)."""
    share = _share(min_share)
    length = event.minutes
    if share == 0 or not length:
        return True
    span = _span(sign_in, sign_out)
    return span is not None and Fraction(span, length) >= share


def credited_tenths(event: Event, sign_in: time | None, sign_out: time | None, min_share: float = 0.0) -> int:
    """Hours (tenths) to credit for a sign-in/sign-out pair: the span, capped by the event's
    length, rounded down to whole tenths; zero when the span is unknown or too short."""
    span = _span(sign_in, sign_out)
    if span is None or not covers_share(event, sign_in, sign_out, min_share):
        return 0
    length = event.minutes
    if length is not None:
        span = min(span, length)
    return minutes_to_tenths(span)


def default_times(event: Event) -> tuple[time | None, time | None]:
    """A volunteer usually serves the whole event: pre-fill sign-in/out with its times."""
    return event.start_time, event.end_time


@dataclass(frozen=True)
class CreditProblem:
    code: str
    message: str


def check_credit(
    event: Event, sign_in: time | None, sign_out: time | None, tenths: int, min_share: float = 0.0
) -> CreditProblem | None:
    """What is wrong with crediting ``tenths`` for this sign-in/out, in plain Chinese, or None.

    Less than the span is fine (travel is not service); more than the span, more than the
    event, or anything when the share rule is not met, is refused.
    """
    if tenths < 0:
        return CreditProblem("negative_hours", "服务时长不能为负数")
    if tenths == 0:
        return None
    length = event.minutes
    if length is not None and tenths * 6 > length:
        return CreditProblem(
            "hours_exceed_activity",
            f"服务时长 {format_tenths(tenths)} 小时"
            f"超过了活动本身的时长（{format_tenths(minutes_to_tenths(length))} 小时）",
        )
    span = _span(sign_in, sign_out)
    if span is not None and tenths * 6 > span:
        return CreditProblem(
            "hours_exceed_span",
            f"服务时长 {format_tenths(tenths)} 小时超过了签到到签退的时间"
            f"（{format_tenths(minutes_to_tenths(span))} 小时）",
        )
    if sign_in and sign_out and not covers_share(event, sign_in, sign_out, min_share):
        percent = int(_share(min_share) * 100)
        return CreditProblem(
            "share_not_met",
            f"签到到签退不足活动时长的 {percent}%，按规定不计服务时长",
        )
    return None
