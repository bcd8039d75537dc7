"""`station demo` and `station --demo` as a user runs them, in real processes, and the status
figures of a demo database checked against totals computed here from the raw rows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from station_tui.demo import generate
from station_tui.domain.vocab import PLATFORMS
from station_tui.storage import Actor, Store
from tests import station_cli
from tests.reference_figures import reference_figures, reference_plan_counts


def run_station(*args: str, home: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`station` with ``home`` as the user's home, and no STATION_DB unless ``extra_env`` gives one."""
    return station_cli.run(*args, home=home, env=extra_env)


def count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_station_demo_fills_a_new_database_and_reports_counts(tmp_path: Path) -> None:
    db = tmp_path / "village.db"
    out = run_station("demo", "--db", str(db), "--size", "small", "--years", "2", "--seed", "9", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "甄家庄社区新时代文明实践站（140311101201）" in out.stdout
    lectures = count(db, "SELECT count(*) FROM lectures WHERE deleted = 0")
    activities = count(db, "SELECT count(*) FROM activities WHERE deleted = 0")
    people = count(db, "SELECT count(*) FROM people")
    assert f"理论宣讲 / lectures: {lectures}，文明实践活动 / activities: {activities}" in out.stdout
    assert f"人员 / people: {people}" in out.stdout
    assert f"签到 / attendance: {count(db, 'SELECT count(*) FROM attendance')}" in out.stdout
    assert lectures > 20 and activities > 40


def test_station_demo_refuses_a_database_with_records_unless_forced(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    assert (
        run_station(
            "init",
            "--db",
            str(db),
            "--code",
            "140311101202",
            "--name",
            "李家庄村新时代文明实践站",
            "--township",
            "荫营镇",
            "--county",
            "阳泉市郊区",
            home=tmp_path,
        ).returncode
        == 0
    )
    before = count(db, "SELECT count(*) FROM outbox")

    refused = run_station("demo", "--db", str(db), "--size", "small", home=tmp_path)
    assert refused.returncode == 1
    assert "已经有记录" in refused.stderr and "already has records" in refused.stderr
    assert "--force" in refused.stderr
    assert count(db, "SELECT count(*) FROM outbox") == before
    assert count(db, "SELECT count(*) FROM people") == 0

    forced = run_station("demo", "--db", str(db), "--size", "small", "--force", home=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "站点信息保持不变" in forced.stdout
    assert count(db, "SELECT count(*) FROM lectures") > 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT code, name FROM station").fetchall() == [("140311101202", "李家庄村新时代文明实践站")]
    conn.close()


def test_a_deleted_record_alone_also_counts_as_records(tmp_path: Path) -> None:
    db = tmp_path / "tomb.db"
    with Store(db, actor=Actor(user="tester")) as store:
        from station_tui.domain import Person

        person = store.people.add(Person(name="王秀英"))
        store.people.delete(str(person.id))
    out = run_station("demo", "--db", str(db), "--size", "small", home=tmp_path)
    assert out.returncode == 1 and "已经有记录" in out.stderr


@pytest.mark.parametrize("years", ["0", "abc", "99"])
def test_bad_years_are_refused_with_a_message(tmp_path: Path, years: str) -> None:
    out = run_station("demo", "--db", str(tmp_path / "x.db"), "--years", years, home=tmp_path)
    assert out.returncode == 2
    assert "年数" in out.stderr and "years" in out.stderr
    assert not (tmp_path / "x.db").exists()


def test_station_dash_demo_on_a_fresh_home_creates_the_demo_database(tmp_path: Path) -> None:
    real_ledger = tmp_path / "real.db"
    # STATION_DB is the station's real ledger: --demo must not touch it.
    # (`station --demo` alone opens the app; `status` shows the same database headless.)
    first = run_station("--demo", "status", home=tmp_path, extra_env={"STATION_DB": str(real_ledger)})
    assert first.returncode == 0, first.stderr
    demo_db = tmp_path / "data" / "station-tui" / "demo.db"
    assert demo_db.exists()
    assert not real_ledger.exists()
    assert "正在生成一年的演示数据" in first.stderr
    assert "甄家庄社区新时代文明实践站  140311101201" in first.stdout
    lectures = count(demo_db, "SELECT count(*) FROM lectures WHERE deleted = 0")
    assert f"理论宣讲   {lectures} 场" in first.stdout
    assert f"数据库：{demo_db}" in first.stdout
    outbox = count(demo_db, "SELECT count(*) FROM outbox")

    second = run_station("--demo", "status", home=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "正在生成" not in second.stderr
    assert count(demo_db, "SELECT count(*) FROM outbox") == outbox

    as_json = run_station("--demo", "status", "--json", home=tmp_path)
    assert json.loads(as_json.stdout)["figures"]["lectures"] == lectures


def test_two_first_runs_at_once_make_one_demo_station(tmp_path: Path) -> None:
    runs = [station_cli.spawn("--demo", "status", home=tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    demo_db = tmp_path / "data" / "station-tui" / "demo.db"
    assert sum("正在生成" in err for _, err in outputs) == 1
    assert count(demo_db, "SELECT count(*) FROM station") == 1
    people = count(demo_db, "SELECT count(*) FROM people")
    phones = count(demo_db, "SELECT count(DISTINCT phone) FROM people WHERE phone IS NOT NULL")
    assert phones == count(demo_db, "SELECT count(phone) FROM people") and people < 700


def test_station_dash_demo_remakes_an_interrupted_demo_file(tmp_path: Path) -> None:
    demo_db = tmp_path / "data" / "station-tui" / "demo.db"
    with Store(demo_db, actor=Actor(user="tester")) as store:
        from station_tui.domain import Person

        store.set_meta("demo", "started")  # what an interrupted first fill leaves behind
        store.people.add(Person(name="半途而废"))
    out = run_station("--demo", "status", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert count(demo_db, "SELECT count(*) FROM people WHERE name = '半途而废'") == 0
    assert count(demo_db, "SELECT count(*) FROM lectures") > 100
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()[0].startswith("complete")
    conn.close()


def test_station_demo_explains_an_interrupted_fill_of_its_own_file(tmp_path: Path) -> None:
    db = tmp_path / "half.db"
    with Store(db, actor=Actor(user="tester")) as store:
        from station_tui.domain import Person

        store.set_meta("demo", "started")
        store.people.add(Person(name="半途而废"))
    out = run_station("demo", "--db", str(db), home=tmp_path)
    assert out.returncode == 1
    assert "被中断" in out.stderr and "interrupted" in out.stderr
    assert count(db, "SELECT count(*) FROM people") == 1


def test_dash_demo_with_db_uses_that_file(tmp_path: Path) -> None:
    db = tmp_path / "mine-demo.db"
    out = run_station("--demo", "--db", str(db), "status", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert count(db, "SELECT count(*) FROM activities") > 100
    assert not (tmp_path / "data" / "station-tui" / "demo.db").exists()


# -- status --json against totals computed from the raw rows ---------------------------------


def expected_figures(db: Path, period: tuple[str, str] | None = None) -> dict[str, Any]:
    """The README's definitions, computed in Python from plain SELECTs (no SQL aggregation)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:

        def live_events(table: str) -> dict[str, sqlite3.Row]:
            rows = conn.execute(f"SELECT * FROM {table} WHERE deleted = 0").fetchall()
            if period:
                rows = [r for r in rows if period[0] <= r["date"] < period[1]]
            return {r["id"]: r for r in rows}

        lectures, activities = live_events("lectures"), live_events("activities")
        lines = conn.execute("SELECT * FROM attendance WHERE deleted = 0").fetchall()
        people = conn.execute("SELECT is_volunteer FROM people WHERE deleted = 0").fetchall()
        planned, done = reference_plan_counts(conn, period)
        teams = conn.execute("SELECT id FROM teams WHERE deleted = 0").fetchall()
        ledger = [
            r["tenths"] for r in conn.execute("SELECT date, tenths FROM hours_entries")
            if not period or period[0] <= r["date"] < period[1]
        ]
    finally:
        conn.close()

    crowd: dict[str, int] = {}
    tenths, person_times = 0, 0
    for line in lines:
        event_id = line["lecture_id"] or line["activity_id"]
        if event_id not in lectures and event_id not in activities:
            continue
        if line["person_id"] is None:
            crowd[event_id] = crowd.get(event_id, 0) + line["headcount"]
            person_times += line["headcount"]
        else:
            if line["role"] == "群众":
                crowd[event_id] = crowd.get(event_id, 0) + 1
            person_times += 1
            tenths += line["credited_tenths"]
    tenths += sum(a["volunteer_tenths"] for a in activities.values())
    by_platform = dict.fromkeys(PLATFORMS, 0)
    for a in activities.values():
        by_platform[a["platform"]] += 1
    return {
        "lectures": len(lectures),
        "lecture_audience": sum(max(e["audience"], crowd.get(i, 0)) for i, e in lectures.items()),
        "activities": len(activities),
        "activity_served": sum(max(e["served"], crowd.get(i, 0)) for i, e in activities.items()),
        "activities_by_platform": by_platform,
        "volunteer_hours": float(Decimal(tenths) / 10),
        "people": len(people),
        "volunteers": sum(p["is_volunteer"] for p in people),
        "attendance": person_times,
        "plan_items": planned,
        "plan_items_done": done,
        "teams": len(teams),
        "brand_projects": len({a["brand_project"] for a in activities.values()} - {None, ""}),
        "hours_credited": float(Decimal(sum(ledger)) / 10),
        # Villager requests: the one reference (tests/reference_figures.py) works them out row by row.
        **{k: v for k, v in reference_figures(db, *_year_month(period)).items() if k.startswith("requests_")},
    }


def _year_month(period: tuple[str, str] | None) -> tuple[int | None, int | None]:
    """The (year, month) of a period these tests give as ISO bounds (a whole month, or all)."""
    if period is None:
        return None, None
    return int(period[0][:4]), int(period[0][5:7])


@pytest.fixture
def demo_with_deletions(tmp_path: Path) -> Path:
    """A demo station after a month of corrections made the way the app makes them."""
    db = tmp_path / "demo.db"
    with Store(db, actor=Actor(user="tester")) as store:
        generate(store, years=1, size="small", seed=21)
        with_lines = store.query(
            "SELECT DISTINCT lecture_id FROM attendance WHERE lecture_id IS NOT NULL ORDER BY lecture_id LIMIT 2"
        )
        store.lectures.delete(with_lines[0][0])
        activity = store.query_value("SELECT id FROM activities WHERE deleted = 0 AND volunteer_tenths > 0 LIMIT 1")
        store.activities.delete(activity)
        named = store.query_value(
            "SELECT id FROM attendance WHERE deleted = 0 AND credited_tenths > 0 AND activity_id IS NOT NULL LIMIT 1"
        )
        store.attendance.delete(named)
        headcount = store.query_value("SELECT id FROM attendance WHERE deleted = 0 AND headcount IS NOT NULL LIMIT 1")
        store.attendance.delete(headcount)
        idle = store.query_value(
            "SELECT id FROM people p WHERE deleted = 0"
            " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.person_id = p.id) ORDER BY is_volunteer DESC"
        )
        store.people.delete(idle)
        # The recorded audience typed before the roster was complete: the named listeners win.
        lecture = store.lectures.require(with_lines[1][0])
        store.lectures.update(lecture.model_copy(update={"audience": 0}))
    return db


def test_status_json_of_a_demo_database_adds_up_from_the_raw_rows(demo_with_deletions: Path, tmp_path: Path) -> None:
    db = demo_with_deletions
    out = run_station("status", "--json", "--db", str(db), home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    expected = expected_figures(db)
    assert data["figures"] == expected
    assert data["station"]["code"] == "140311101201"
    assert data["outbox"]["pending"] == count(db, "SELECT count(*) FROM outbox")
    # Deletions really left the figures: the live tables hold fewer rows than the files.
    assert expected["lectures"] < count(db, "SELECT count(*) FROM lectures")
    assert expected["people"] < count(db, "SELECT count(*) FROM people")
    # The lecture whose audience was cleared still counts its named listeners.
    assert expected["lecture_audience"] >= count(
        db,
        "SELECT count(*) FROM attendance a JOIN lectures l ON l.id = a.lecture_id"
        " WHERE a.deleted = 0 AND l.deleted = 0 AND a.role = '群众'",
    )
    assert str(data["figures"]["volunteer_hours"]).count(".") == 1


def test_status_json_for_one_month_adds_up_too(demo_with_deletions: Path, tmp_path: Path) -> None:
    db = demo_with_deletions
    out = run_station("status", "--json", "--year", "2026", "--month", "3", "--db", str(db), home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["period"] == "2026-03"
    expected = expected_figures(db, ("2026-03-01", "2026-04-01"))
    assert data["figures"] == expected
    assert expected["activities"] > 0
