"""The station's headline figures, as ``station status --json`` and the county report print them.

Definitions (the README documents them for users):
- ``lectures``: lectures not deleted; ``lecture_audience``: the sum over those lectures of
  max(受众人数, named 群众 + headcounts signed in on it).
- ``activities`` and ``activities_by_platform``: activities not deleted (lectures are
  counted in ``lectures`` only); ``activity_served``: the sum of max(服务人次, named 群众 +
  headcounts) over them.
- ``volunteer_hours``: the hours recorded with activities plus the credited hours of named
  attendance on lectures and activities not deleted, summed in exact tenths.
- ``attendance``: person-times signed in: named lines plus headcounts.
- ``people`` and ``volunteers``: the roster as it stands (a period does not limit them);
  ``teams`` likewise: the teams not deleted.
- ``plan_items`` and ``plan_items_done``: the items of the plans of the period's months, and
  those matched to a lecture or activity not deleted (``plan_figures.py``).
- ``brand_projects``: the distinct 品牌项目 named on the period's activities not deleted.
- ``hours_credited``: the hours ledger's sum over the entries dated in the period (earned,
  补录 and 作废 alike), in exact tenths.
- ``requests_received``: villager requests not deleted whose 点单日期 is in the period;
  ``requests_completed``: those of them served (已完成 or 已评价); ``requests_escalated``:
  those ever escalated (上报, whatever became of them since); ``requests_rating``: the
  average of their ratings to one decimal, from the integer sum and count (``rating_sum``,
  ``rating_count``), null without ratings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_tui.domain.periods import period_bounds
from station_tui.domain.vocab import PLATFORMS
from station_tui.storage import plan_figures

if TYPE_CHECKING:
    from datetime import date

    from station_tui.domain.models import Figures
    from station_tui.storage.store import Store


def counted_sql(count_col: str, fk: str, alias: str = "e") -> str:
    """SQL for one event's counted people: max(the number typed in ``count_col``, named 群众 and
    headcounts signed in on it). The figures sum it; lists show it, so both agree."""
    return (
        f"max({alias}.{count_col}, COALESCE((SELECT sum(CASE WHEN a.person_id IS NOT NULL AND a.role = '群众'"
        f" THEN 1 ELSE COALESCE(a.headcount, 0) END) FROM attendance a"
        f" WHERE a.{fk} = {alias}.id AND a.deleted = 0), 0))"
    )


_AUDIENCE = "SELECT count(*), COALESCE(sum({counted}), 0) FROM {table} e WHERE e.deleted = 0 {period}"


def compute(store: Store, year: int | None = None, month: int | None = None) -> Figures:
    from station_tui.domain.models import Figures

    return Figures(**numbers(store, year, month))


def numbers(store: Store, year: int | None = None, month: int | None = None) -> dict[str, Any]:
    """The figures as a plain dict (the fields of ``Figures``); for callers that must not
    import pydantic, such as the app's first screen."""
    bounds = period_bounds(year, month)
    period, params = "", bounds or ()
    if bounds:
        period = "AND e.date >= ? AND e.date < ?"
    with store.snapshot() as conn:
        lectures, audience = conn.execute(
            _AUDIENCE.format(counted=counted_sql("audience", "lecture_id"), table="lectures", period=period), params
        ).fetchone()
        activities, served = conn.execute(
            _AUDIENCE.format(counted=counted_sql("served", "activity_id"), table="activities", period=period), params
        ).fetchone()
        by_platform = dict.fromkeys(PLATFORMS, 0)
        for platform, n in conn.execute(
            f"SELECT platform, count(*) FROM activities e WHERE e.deleted = 0 {period} GROUP BY platform", params
        ):
            by_platform[platform] = n
        imported = conn.execute(
            f"SELECT COALESCE(sum(volunteer_tenths), 0) FROM activities e WHERE e.deleted = 0 {period}", params
        ).fetchone()[0]
        credited, person_times = _attendance(conn, period, params)
        people, volunteers = conn.execute(
            "SELECT count(*), COALESCE(sum(is_volunteer), 0) FROM people WHERE deleted = 0"
        ).fetchone()
        planned, done = plan_figures.period_counts(conn, bounds)
        teams = conn.execute("SELECT count(*) FROM teams WHERE deleted = 0").fetchone()[0]
        brands = conn.execute(
            "SELECT count(DISTINCT brand_project) FROM activities e"
            f" WHERE e.deleted = 0 AND COALESCE(brand_project, '') <> '' {period}",
            params,
        ).fetchone()[0]
        ledger = conn.execute(
            f"SELECT COALESCE(sum(tenths), 0) FROM hours_entries e WHERE e.deleted = 0 {period}", params
        ).fetchone()[0]
        received, completed, escalated, rating_sum, rating_count = conn.execute(
            f"""SELECT count(*), COALESCE(sum(state IN ('已完成', '已评价')), 0),
                       COALESCE(sum(escalated_to IS NOT NULL), 0), COALESCE(sum(rating), 0), count(rating)
                FROM requests WHERE deleted = 0 {period.replace("e.date", "received_on")}""",
            params,
        ).fetchone()
    return {
        "lectures": lectures,
        "lecture_audience": audience,
        "activities": activities,
        "activity_served": served,
        "activities_by_platform": by_platform,
        "volunteer_tenths": imported + credited,
        "people": people,
        "volunteers": volunteers,
        "attendance": person_times,
        "plan_items": planned,
        "plan_items_done": done,
        "teams": teams,
        "brand_projects": brands,
        "hours_credited_tenths": ledger,
        "requests_received": received,
        "requests_completed": completed,
        "requests_escalated": escalated,
        "rating_sum": rating_sum,
        "rating_count": rating_count,
    }


def request_summary(
    store: Store, today: date, deadlines: dict[str, int] | None = None, default_days: int = 7
) -> dict[str, Any]:
    """The dashboard's line on villager requests: how many are open (待处理, 已派单, 已接单,
    已上报), how many of those are past their category's deadline (days after the 点单日期;
    ``deadlines`` by category, else ``default_days``), and this month's average rating in
    tenths (None without ratings) with the number of ratings."""
    from station_tui.domain.request_flow import average_tenths

    cases, params = "", []
    for category, days in (deadlines or {}).items():
        cases += " WHEN ? THEN ?"
        params += [category, int(days)]
    limit = f"CASE request_type{cases} ELSE ? END" if cases else "?"
    params.append(int(default_days))
    first, following = period_bounds(today.year, today.month) or ("", "")
    with store.snapshot() as conn:
        open_, overdue = conn.execute(
            f"""SELECT count(*), COALESCE(sum(julianday(?) - julianday(received_on) > {limit}), 0)
                FROM requests WHERE deleted = 0 AND state IN ('待处理', '已派单', '已接单', '已上报')""",
            (today.isoformat(), *params),
        ).fetchone()
        rating_sum, rating_count = conn.execute(
            "SELECT COALESCE(sum(rating), 0), count(rating) FROM requests"
            " WHERE deleted = 0 AND received_on >= ? AND received_on < ?",
            (first, following),
        ).fetchone()
    return {
        "open": open_,
        "overdue": overdue,
        "rating_tenths": average_tenths(rating_sum, rating_count),
        "ratings": rating_count,
    }


def _attendance(conn: Any, period: str, params: tuple[str, ...]) -> tuple[int, int]:
    total_tenths, total_times = 0, 0
    for table, fk in (("lectures", "lecture_id"), ("activities", "activity_id")):
        tenths, times = conn.execute(
            f"""SELECT COALESCE(sum(a.credited_tenths), 0),
                       COALESCE(sum(CASE WHEN a.person_id IS NOT NULL THEN 1 ELSE a.headcount END), 0)
                FROM attendance a JOIN {table} e ON e.id = a.{fk}
                WHERE a.deleted = 0 AND e.deleted = 0 {period}""",
            params * 1,
        ).fetchone()
        total_tenths += tenths
        total_times += times
    return total_tenths, total_times
