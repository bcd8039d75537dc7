"""The headline figures worked out again, row by row in plain Python, from a station database.

The one reference every test that recounts the figures compares with (``station status
--json``, ``figures.compute``, the county report per station). It follows the README's
definitions, not the SQL of storage/figures.py: plain SELECTs, no aggregation in SQL.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

from station_tui.domain.hours import format_tenths
from station_tui.domain.periods import period_bounds
from station_tui.domain.vocab import PLATFORMS


def reference_figures(db: Path, year: int | None = None, month: int | None = None) -> dict[str, Any]:
    """What ``station status --json`` must print under ``figures`` for that period."""
    bounds = period_bounds(year, month)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:

        def live_events(table: str) -> dict[str, sqlite3.Row]:
            rows = conn.execute(f"SELECT * FROM {table} WHERE deleted = 0").fetchall()
            return {r["id"]: r for r in rows if bounds is None or bounds[0] <= r["date"] < bounds[1]}

        lectures, activities = live_events("lectures"), live_events("activities")
        lines = conn.execute("SELECT * FROM attendance WHERE deleted = 0").fetchall()
        people = conn.execute("SELECT is_volunteer FROM people WHERE deleted = 0").fetchall()
        planned, done = reference_plan_counts(conn, bounds)
        teams = conn.execute("SELECT id FROM teams WHERE deleted = 0").fetchall()
        ledger = [
            r for r in conn.execute("SELECT date, tenths FROM hours_entries").fetchall()
            if bounds is None or bounds[0] <= r["date"] < bounds[1]
        ]
        requests = [
            r for r in conn.execute("SELECT state, escalated_to, rating, received_on FROM requests WHERE deleted = 0")
            if bounds is None or bounds[0] <= r["received_on"] < bounds[1]
        ]
    finally:
        conn.close()

    crowd: Counter[str] = Counter()  # named 群众 and headcounts signed in on each event
    credited = person_times = 0
    for line in lines:
        event_id = line["lecture_id"] or line["activity_id"]
        if event_id not in lectures and event_id not in activities:
            continue  # a deleted event, or one outside the period
        credited += line["credited_tenths"]
        if line["person_id"] is None:
            crowd[event_id] += line["headcount"]
            person_times += line["headcount"]
        else:
            crowd[event_id] += line["role"] == "群众"
            person_times += 1
    by_platform = Counter(a["platform"] for a in activities.values())
    typed_tenths = sum(a["volunteer_tenths"] for a in activities.values())
    return {
        "lectures": len(lectures),
        "lecture_audience": sum(max(e["audience"], crowd[i]) for i, e in lectures.items()),
        "activities": len(activities),
        "activity_served": sum(max(e["served"], crowd[i]) for i, e in activities.items()),
        "activities_by_platform": {p: by_platform.get(p, 0) for p in PLATFORMS},
        "volunteer_hours": float(format_tenths(typed_tenths + credited)),
        "people": len(people),
        "volunteers": sum(p["is_volunteer"] for p in people),
        "attendance": person_times,
        "plan_items": planned,
        "plan_items_done": done,
        "teams": len(teams),
        "brand_projects": len({a["brand_project"] for a in activities.values()} - {None, ""}),
        "hours_credited": float(format_tenths(sum(r["tenths"] for r in ledger))),
        "requests_received": len(requests),
        "requests_completed": sum(r["state"] in ("已完成", "已评价") for r in requests),
        "requests_escalated": sum(r["escalated_to"] is not None for r in requests),
        "requests_rating": _average([r["rating"] for r in requests if r["rating"] is not None]),
    }


def reference_plan_counts(conn: sqlite3.Connection, bounds: tuple[str, str] | None) -> tuple[int, int]:
    """(plan items planned, done): the items not deleted of the plans not deleted whose month
    lies in the period (``bounds``: ISO dates, half open); done when matched to a lecture or
    activity that is not deleted."""
    live_lectures = {r[0] for r in conn.execute("SELECT id FROM lectures WHERE deleted = 0")}
    live_activities = {r[0] for r in conn.execute("SELECT id FROM activities WHERE deleted = 0")}
    months = {r[0]: r[1] for r in conn.execute("SELECT id, month FROM plans WHERE deleted = 0")}
    planned = done = 0
    for plan_id, lecture_id, activity_id in conn.execute(
        "SELECT plan_id, lecture_id, activity_id FROM plan_items WHERE deleted = 0"
    ):
        plan_month = months.get(plan_id)
        if plan_month is None:
            continue
        if bounds is not None and not bounds[0] <= f"{plan_month}-01" < bounds[1]:
            continue
        planned += 1
        done += lecture_id in live_lectures or activity_id in live_activities
    return planned, done


def _average(ratings: list[int]) -> float | None:
    """The mean to one decimal, rounded half up, worked out with Fraction (no floats on the way)."""
    if not ratings:
        return None
    mean = Fraction(sum(ratings), len(ratings))
    tenths = int(mean * 10 + Fraction(1, 2))  # floor of mean×10 + ½: half up, ratings are positive
    return float(format_tenths(tenths))
