"""A report's period: a year, or a month of it, as the half-open range of ISO dates it covers.

One rule for the station's figures and the county's report, so both count the same days."""

from __future__ import annotations


def period_bounds(year: int | None, month: int | None) -> tuple[str, str] | None:
    if year is None:
        if month is not None:
            raise ValueError("--month needs --year / 指定月份时必须同时指定年份")
        return None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"月份 {month} 不对，应为 1–12 / month must be 1-12")
    if month is None:
        return f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    end = f"{year + 1:04d}-01-01" if month == 12 else f"{year:04d}-{month + 1:02d}-01"
    return f"{year:04d}-{month:02d}-01", end
