"""Dates, times and whole numbers the way people type them, read in one place.

The forms, the roster line editor and the importer's cells all read through here, so the same
text is taken the same way and a wrong one gets the same words wherever it was typed. A pinyin
IME gives full-width digits and punctuation (``２０２６－１１－０５``, ``０９：３０``); people write
``2026/11/5``, ``2026年11月5日``, ``11月5日`` (this year, where a today is known), ``9点半``,
``0930``. Each reader returns ``None`` for an empty text and raises ``TypedError`` whose
message says exactly what is wrong (the month 13 does not exist, 2月没有30日, 小时应在 0–23).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, time

from station_tui.domain.quoting import quoted

#: Full-width digits and punctuation from a Chinese input method (and the typographic minus
#: sign pasted from documents), as plain ASCII. The one such table in the project.
FULL_WIDTH = str.maketrans("０１２３４５６７８９：．／－　，−", "0123456789:./- ,-")


class TypedError(ValueError):
    """A typed value that cannot be what its box asks for; the message is for the user as is."""


def ascii_digits(text: str) -> str:
    return text.translate(FULL_WIDTH)


_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str | None, today: date | None = None) -> date | None:
    """``2026-11-05`` and its spellings; ``11月5日`` only when ``today`` says which year."""
    raw = ascii_digits(text or "").strip()
    if not raw:
        return None
    if match := _YMD.match(raw) or _COMPACT_DATE.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif today is not None and (match := _MONTH_DAY.match(raw)):
        year, (month, day) = today.year, (int(g) for g in match.groups())
    else:
        also = "2024/3/15、2024年3月15日、3月15日" if today is not None else "2024/3/15、2024年3月15日"
        raise TypedError(f"{quoted(text)}不是日期，应为 2024-03-15 这样的格式（也可写 {also}）")
    if not 1 <= month <= 12:
        raise TypedError(f"日期{quoted(text)}不存在：没有 {month} 月")
    if year < 1:
        raise TypedError(f"日期{quoted(text)}不存在：年份不对")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise TypedError(f"日期{quoted(text)}不存在：{month}月没有{day}日")
    return date(year, month, day)


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.点时](\d{1,2}|半)?分?(?::\d{2})?)?$")


def parse_time(text: str | None) -> time | None:
    """``08:30``, ``8:30``, ``8:30:00``, ``0930``, ``9点``, ``9点半``, ``14点15分``; minutes are kept."""
    raw = ascii_digits(text or "").strip().replace(" ", "")
    if not raw:
        return None
    if raw.isdigit() and len(raw) in (3, 4):
        raw = f"{raw[:-2]}:{raw[-2:]}"  # HHMM
    match = _CLOCK.match(raw)
    if not match:
        raise TypedError(f"{quoted(text)}不是时间，应为 08:30 这样的格式（也可写 8:30、9点半）")
    minutes = match.group(2) or "0"
    hour, minute = int(match.group(1)), 30 if minutes == "半" else int(minutes)
    if hour > 23:
        raise TypedError(f"时间{quoted(text)}不存在：小时应在 0–23")
    if minute > 59:
        raise TypedError(f"时间{quoted(text)}不存在：分钟应在 0–59")
    return time(hour, minute)


def parse_whole(text: str | None, units: tuple[str, ...] = ()) -> int | None:
    """A whole number (``120``, ``1,200``, ``１２０``; with ``units``, ``120人``). A negative one is
    returned as is: the record's own rule says which field may not be negative, in its words."""
    raw = ascii_digits(text or "").strip().replace(",", "")
    for unit in units:
        raw = raw.removesuffix(unit)
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch(r"[-+]?\d+", raw):
        return int(raw)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+)", raw):
        if float(raw).is_integer():
            return int(float(raw))
        raise TypedError(f"{quoted((text or '').strip())}不是整数，请不要带小数")
    raise TypedError(f"{quoted((text or '').strip())}不是数字，请填写整数")
