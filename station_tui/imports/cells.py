"""Turning spreadsheet cells into plain values.

A cell arrives as text (CSV, or a text cell in Excel) or as a typed object from openpyxl
(``datetime``, ``date``, ``time``, ``int``, ``float``). Each parser accepts both, returns
``None`` for an empty cell, and raises ``CellError`` with a message for a village cadre.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from station_tui.domain.as_typed import TypedError, parse_date, parse_time, parse_whole
from station_tui.domain.hours import HoursError, parse_hours
from station_tui.domain.quoting import quoted


class CellError(ValueError):
    """A cell whose content cannot be what its column asks for."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str | None:
    """Any cell as text, the way the user sees it (``120.0`` from Excel reads ``120``)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


#: Excel counts days from 1899-12-30; a date column left in "General" format shows this number.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 .. 2099-12-31


def _typed(parse: Callable[[str], Any], raw: str) -> Any:
    """Text cells are read as the forms read typed text, with the same words for what is wrong."""
    try:
        return parse(raw)
    except TypedError as exc:
        raise CellError(str(exc)) from None


def day(value: Any) -> date | None:
    """``2024-03-15``, ``2024/3/15``, ``2024.3.15``, ``2024年3月15日``, ``20240315`` or a date cell.
    A file has no "this year", so ``3月15日`` is refused."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"{quoted(text(value))}不是日期，应为 2024-03-15 这样的格式")
    return _typed(parse_date, str(value).strip())


def clock(value: Any) -> time | None:
    """``08:30``, ``8:30``, ``8:30:00``, ``9点半`` or a time cell; minutes are what is kept."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        # An Excel time cell stored as a fraction of a day.
        minutes = round(value * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    return _typed(parse_time, text(value) or "")


_COUNT_UNITS = ("人次", "人", "名", "次", "个")


def count(value: Any) -> int | None:
    """A whole number such as a headcount; ``120``, ``120.0``, ``1,200`` and ``120人`` are all fine."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("请填写整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"{quoted(value)}不是整数，请不要带小数")
    return _typed(lambda raw: parse_whole(raw, _COUNT_UNITS), str(value))


def hours(value: Any) -> int | None:
    """Hours with at most one decimal, as integer tenths (``2.5`` -> ``25``)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("请填写小时数，例如 2 或 1.5")
    try:
        return parse_hours(value)
    except HoursError as exc:
        raise CellError(str(exc)) from None


def year(value: Any) -> int | None:
    """A year of birth: ``1965``, ``1965年`` or a date cell (its year)."""
    if is_blank(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.year
    raw = (text(value) or "").removesuffix("年").strip()
    if re.fullmatch(r"\d{4}", raw):
        return int(raw)
    raise CellError(f"{quoted(text(value))}不是年份，请填写 4 位数字，例如 1965")


_YES = {"是", "yes", "y", "true", "1"}
_NO = {"否", "no", "n", "false", "0"}


def yes_no(value: Any) -> bool | None:
    """``是``/``否``; an empty cell means 否."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    raw = (text(value) or "").lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(f"{quoted(text(value))}应填“是”或“否”")
