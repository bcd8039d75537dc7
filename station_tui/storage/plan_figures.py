"""Plans against what was done, in plain SQL (no pydantic: the dashboard reads it on start-up).

- A plan item counts as *planned* in the months of its plan (``plans.month``); items and
  plans deleted count nowhere.
- It is *done* when it is matched to a lecture or activity that is not deleted.
- What was done per platform is counted as the dashboard counts it: lectures under 理论宣讲,
  plus the activities of each platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station_tui.domain.vocab import PLATFORMS

#: 1 for an item matched to a lecture or activity not deleted, else 0 (``i`` is the item).
DONE_SQL = (
    "(CASE WHEN EXISTS (SELECT 1 FROM lectures l WHERE l.id = i.lecture_id AND l.deleted = 0)"
    " OR EXISTS (SELECT 1 FROM activities x WHERE x.id = i.activity_id AND x.deleted = 0) THEN 1 ELSE 0 END)"
)

_ITEMS = "FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE i.deleted = 0 AND p.deleted = 0"


def period_counts(conn: Any, bounds: tuple[str, str] | None) -> tuple[int, int]:
    """(planned, done) over the plans of the months within ``bounds`` (ISO dates, half open)."""
    where, params = "", tuple[str, ...]()
    if bounds:
        where = " AND (p.month || '-01') >= ? AND (p.month || '-01') < ?"
        params = bounds
    planned, done = conn.execute(f"SELECT count(*), COALESCE(sum({DONE_SQL}), 0) {_ITEMS}{where}", params).fetchone()
    return int(planned), int(done)


@dataclass
class MonthPlan:
    """One month of the year's plan screen (and the dashboard's month)."""

    month: str  # YYYY-MM
    plan_id: str | None = None
    theme: str | None = None
    planned: int = 0
    done: int = 0
    #: What was done per platform (lectures under 理论宣讲), all five keys.
    actual: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLATFORMS, 0))


def months(conn: Any, year: int, only: int | None = None) -> list[MonthPlan]:
    """The year's twelve months (or the month ``only``): plan, items planned and done, and what
    was done per platform."""
    numbers = [only] if only else list(range(1, 13))
    out = {n: MonthPlan(f"{year:04d}-{n:02d}") for n in numbers}
    first, last = f"{year:04d}-{numbers[0]:02d}", f"{year:04d}-{numbers[-1]:02d}"
    for month, plan_id, theme in conn.execute(
        "SELECT month, id, theme FROM plans WHERE deleted = 0 AND month >= ? AND month <= ?", (first, last)
    ):
        row = out.get(int(month[5:7]))
        if row is not None:
            row.plan_id, row.theme = plan_id, theme
    for month, planned, done in conn.execute(
        f"SELECT p.month, count(*), COALESCE(sum({DONE_SQL}), 0) {_ITEMS} AND p.month >= ? AND p.month <= ?"
        " GROUP BY p.month",
        (first, last),
    ):
        row = out.get(int(month[5:7]))
        if row is not None:
            row.planned, row.done = int(planned), int(done)
    start = f"{first}-01"
    end = f"{year + 1:04d}-01-01" if numbers[-1] == 12 else f"{year:04d}-{numbers[-1] + 1:02d}-01"
    for month, n in conn.execute(
        "SELECT substr(date, 1, 7), count(*) FROM lectures WHERE deleted = 0 AND date >= ? AND date < ?"
        " GROUP BY substr(date, 1, 7)",
        (start, end),
    ):
        out[int(month[5:7])].actual["理论宣讲"] += n
    for month, platform, n in conn.execute(
        "SELECT substr(date, 1, 7), platform, count(*) FROM activities WHERE deleted = 0 AND date >= ? AND date < ?"
        " GROUP BY substr(date, 1, 7), platform",
        (start, end),
    ):
        out[int(month[5:7])].actual[platform] = out[int(month[5:7])].actual.get(platform, 0) + n
    return [out[n] for n in numbers]


def month_plan(store: Any, year: int, month: int) -> MonthPlan:
    """The dashboard's month: its plan's theme, items planned and done."""
    with store.snapshot() as conn:
        return months(conn, year, month)[0]
