"""The headline figures, recomputed in plain Python from the raw rows of a realistic database.

figures.compute() answers in SQL; here every figure is worked out again row by row with
the definitions the README gives, for the whole history, each year and each month. A
county report adds these up across thousands of stations, so they must agree exactly.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from station_tui.demo.generator import generate
from station_tui.domain.hours import format_tenths
from station_tui.domain.periods import period_bounds
from station_tui.domain.vocab import PLATFORMS
from station_tui.storage import Actor, Store, figures
from tests.reference_figures import reference_plan_counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("figures") / "station.db"
    store = Store(path, actor=Actor("tester"))
    generate(store, years=2, size="small", seed=7, today=date(2026, 11, 22))
    # Deletions of every kind, so "deleted records count nowhere" is tested on real shapes.
    lecture = store.lectures.page(limit=1)[0]
    activity = store.activities.page(limit=1, offset=3)[0]
    store.lectures.delete(str(lecture.id))
    store.activities.delete(str(activity.id))
    line = store.query_value("SELECT id FROM attendance WHERE deleted = 0 AND credited_tenths > 0 LIMIT 1")
    store.attendance.delete(line)
    volunteer = store.query_value("SELECT id FROM people WHERE deleted = 0 AND is_volunteer = 1 LIMIT 1")
    store.people.delete(volunteer)
    rated = store.query_value("SELECT id FROM requests WHERE deleted = 0 AND rating IS NOT NULL LIMIT 1")
    store.requests.delete(rated)
    yield store
    store.close()


def expected(path: Path, year: int | None = None, month: int | None = None) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row

    def in_period(day: str) -> bool:
        y, m = int(day[:4]), int(day[5:7])
        return (year is None or y == year) and (month is None or m == month)

    events: dict[str, dict[str, sqlite3.Row]] = {"lecture": {}, "activity": {}}
    for row in conn.execute("SELECT * FROM lectures WHERE deleted = 0"):
        if in_period(row["date"]):
            events["lecture"][row["id"]] = row
    for row in conn.execute("SELECT * FROM activities WHERE deleted = 0"):
        if in_period(row["date"]):
            events["activity"][row["id"]] = row

    crowd: dict[str, int] = defaultdict(int)  # named 群众 + headcounts per event
    credited = person_times = 0
    for a in conn.execute("SELECT * FROM attendance WHERE deleted = 0"):
        event_id = a["lecture_id"] or a["activity_id"]
        if event_id not in events["lecture"] and event_id not in events["activity"]:
            continue
        credited += a["credited_tenths"]
        if a["person_id"] is not None:
            person_times += 1
            crowd[event_id] += 1 if a["role"] == "群众" else 0
        else:
            person_times += a["headcount"]
            crowd[event_id] += a["headcount"]

    by_platform = Counter(row["platform"] for row in events["activity"].values())
    people = conn.execute("SELECT count(*), sum(is_volunteer) FROM people WHERE deleted = 0").fetchone()
    planned, done = reference_plan_counts(conn, period_bounds(year, month))
    teams = conn.execute("SELECT count(*) FROM teams WHERE deleted = 0").fetchone()[0]
    ledger = sum(r["tenths"] for r in conn.execute("SELECT * FROM hours_entries") if in_period(r["date"]))
    requests = [r for r in conn.execute("SELECT * FROM requests WHERE deleted = 0") if in_period(r["received_on"])]
    conn.close()
    ratings = [r["rating"] for r in requests if r["rating"] is not None]
    imported = sum(row["volunteer_tenths"] for row in events["activity"].values())
    return {
        "lectures": len(events["lecture"]),
        "lecture_audience": sum(max(r["audience"], crowd[i]) for i, r in events["lecture"].items()),
        "activities": len(events["activity"]),
        "activity_served": sum(max(r["served"], crowd[i]) for i, r in events["activity"].items()),
        "activities_by_platform": {p: by_platform.get(p, 0) for p in PLATFORMS},
        "volunteer_hours": float(format_tenths(imported + credited)),
        "people": people[0],
        "volunteers": people[1] or 0,
        "attendance": person_times,
        "plan_items": planned,
        "plan_items_done": done,
        "teams": teams,
        "brand_projects": len({r["brand_project"] for r in events["activity"].values()} - {None, ""}),
        "hours_credited": float(format_tenths(ledger)),
        "requests_received": len(requests),
        "requests_completed": len([r for r in requests if r["state"] in ("已完成", "已评价")]),
        "requests_escalated": len([r for r in requests if r["escalated_to"] is not None]),
        # Half up to one decimal, in Decimal: no float on the way.
        "requests_rating": float((Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        if ratings else None,
    }


def test_the_demo_has_something_to_count(demo: Store) -> None:
    whole: dict[str, Any] = figures.compute(demo).as_json()
    assert whole["lectures"] > 20 and whole["activities"] > 20
    assert whole["volunteer_hours"] > 0 and whole["attendance"] > 100
    assert all(n > 0 for n in whole["activities_by_platform"].values())
    assert whole["requests_received"] > whole["requests_completed"] > 0 and whole["requests_escalated"] > 0
    assert whole["requests_rating"] is not None
    # Some lectures have more named listeners than their 受众人数, so the max() rule matters.
    assert whole["lecture_audience"] >= sum(r[0] for r in demo.query("SELECT audience FROM lectures WHERE deleted = 0"))


def test_whole_history(demo: Store) -> None:
    assert figures.compute(demo).as_json() == expected(demo.path)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_each_year(demo: Store, year: int) -> None:
    assert figures.compute(demo, year).as_json() == expected(demo.path, year)


def test_each_month_and_the_months_add_up_to_the_year(demo: Store) -> None:
    year_total = figures.compute(demo, 2025)
    months = [figures.compute(demo, 2025, m) for m in range(1, 13)]
    for m, got in enumerate(months, start=1):
        assert got.as_json() == expected(demo.path, 2025, m), f"2025-{m:02d}"
    assert sum(f.lectures for f in months) == year_total.lectures
    assert sum(f.lecture_audience for f in months) == year_total.lecture_audience
    assert sum(f.activity_served for f in months) == year_total.activity_served
    assert sum(f.volunteer_tenths for f in months) == year_total.volunteer_tenths
    assert sum(f.attendance for f in months) == year_total.attendance
