"""Reading a time of day the way people type it: ``9:00``, ``09:00``, ``0900``, ``9点``, ``9点半``,
and the full-width ``０９：３０`` a pinyin IME produces."""

from __future__ import annotations

import re
from datetime import time

_CLOCK = re.compile(r"^(\d{1,2})(?:[:：.点时](\d{1,2}|半)?分?)?$")
#: Full-width digits and punctuation from a Chinese input method, as plain ASCII.
FULL_WIDTH = str.maketrans("０１２３４５６７８９：．／－　", "0123456789:./- ")


def ascii_digits(text: str) -> str:
    return text.translate(FULL_WIDTH)


class ClockError(ValueError):
    """Not a time of day; the message is for the user as is."""


def parse_clock(text: str | None) -> time | None:
    """``"9:05"`` -> 09:05; empty -> None. Four digits are HHMM (``"0930"``)."""
    raw = ascii_digits(text or "").strip().replace(" ", "")
    if not raw:
        return None
    if raw.isdigit() and len(raw) in (3, 4):
        raw = f"{raw[:-2]}:{raw[-2:]}"
    match = _CLOCK.match(raw)
    if match:
        minutes = match.group(2) or "0"
        hour, minute = int(match.group(1)), 30 if minutes == "半" else int(minutes)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ClockError(f"“{text}”不是时间，请按 08:30 这样填写")


def format_clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def readable_moment(stamp: str | None) -> str:
    """A stored local timestamp as people read it: ``2026-11-22T16:07:03`` -> ``2026-11-22 16:07:03``
    (stored with the ``T`` for scripts; anything else is shown as it is)."""
    if not stamp:
        return ""
    return stamp.replace("T", " ", 1) if len(stamp) >= 11 and stamp[10] == "T" else stamp
