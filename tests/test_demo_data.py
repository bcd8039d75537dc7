"""The demo generator writes a believable station that obeys every domain rule."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from pypinyin import lazy_pinyin

from station_tui.demo import SIZES, demo_state, generate
from station_tui.domain import Activity, Attendance, Event, Lecture, Person, Station, Team
from station_tui.domain.vocab import DEFAULT_TEAM_CATEGORIES, LECTURE_FORMS, PLATFORMS
from station_tui.storage import Actor, Store
from station_tui.storage.capture import SYNCED_TABLES

TODAY = date(2026, 11, 22)
STRICT = {"today": TODAY}


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One standard year, the size `station --demo` makes."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path, actor=Actor(user="tester", program="pytest")) as store:
        summary = generate(store, years=1, seed=11, today=TODAY)
    assert summary.lectures + summary.activities > 400
    return path


@pytest.fixture
def year_store(year_db: Path) -> Iterator[Store]:
    s = Store(year_db, actor=Actor(user="tester", program="pytest"))
    yield s
    s.close()


def _minutes(start: str, end: str) -> int:
    a, b = time.fromisoformat(start), time.fromisoformat(end)
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)


def test_every_record_passes_the_domain_validation(year_store: Store) -> None:
    store = year_store
    for row in store.query("SELECT * FROM people"):
        Person.model_validate(store.people.from_row(row).model_dump(), context=STRICT)
    for row in store.query("SELECT * FROM teams"):
        Team.model_validate(store.teams.from_row(row).model_dump(), context=STRICT)
    events: dict[str, Event] = {}
    for row in store.query("SELECT * FROM lectures"):
        events[row["id"]] = Lecture.model_validate(store.lectures.from_row(row).model_dump(), context=STRICT)
    for row in store.query("SELECT * FROM activities"):
        events[row["id"]] = Activity.model_validate(store.activities.from_row(row).model_dump(), context=STRICT)
    for row in store.query("SELECT * FROM attendance"):
        line = store.attendance.from_row(row)
        Attendance.model_validate(line.model_dump(), context={**STRICT, "event": events[line.event_id]})


def test_no_event_is_in_the_future_and_the_span_is_one_year(year_store: Store) -> None:
    first, last = year_store.query(
        "SELECT min(date), max(date) FROM (SELECT date FROM lectures UNION ALL SELECT date FROM activities)"
    )[0]
    assert last < TODAY.isoformat()
    assert first >= "2025-11-22"
    assert last >= "2026-11-01"


def test_credited_hours_never_exceed_the_event(year_store: Store) -> None:
    rows = year_store.query(
        """SELECT a.credited_tenths, a.sign_in, a.sign_out, COALESCE(l.start_time, v.start_time) AS s,
                  COALESCE(l.end_time, v.end_time) AS e
           FROM attendance a LEFT JOIN lectures l ON l.id = a.lecture_id LEFT JOIN activities v ON v.id = a.activity_id
           WHERE a.credited_tenths > 0"""
    )
    assert len(rows) > 1000
    for row in rows:
        assert row["credited_tenths"] * 6 <= _minutes(row["s"], row["e"])
        assert row["credited_tenths"] * 6 <= _minutes(row["sign_in"], row["sign_out"])
    # Activities whose volunteer hours were typed as a total also stay within their length.
    for row in year_store.query("SELECT * FROM activities WHERE volunteer_tenths > 0"):
        assert row["volunteer_tenths"] * 6 <= _minutes(row["start_time"], row["end_time"]) * row["volunteer_count"]


def test_all_platforms_forms_roles_and_both_attendance_modes_are_present(year_store: Store) -> None:
    platforms = {r[0] for r in year_store.query("SELECT DISTINCT platform FROM activities")}
    assert platforms == set(PLATFORMS)
    forms = {r[0] for r in year_store.query("SELECT DISTINCT form FROM lectures")}
    assert forms <= set(LECTURE_FORMS) and len(forms) >= 6
    roles = Counter(r[0] for r in year_store.query("SELECT role FROM attendance WHERE person_id IS NOT NULL"))
    assert set(roles) == {"宣讲员", "志愿者", "群众"}
    # Volunteers and speakers sign in and out; 群众 only sign in.
    assert (
        year_store.query_value(
            "SELECT count(*) FROM attendance"
            " WHERE role IN ('宣讲员', '志愿者') AND (sign_in IS NULL OR sign_out IS NULL)"
        )
        == 0
    )
    headcount_only = year_store.query_value(
        """SELECT count(*) FROM activities v WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.activity_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.activity_id = v.id AND a.person_id IS NOT NULL)"""
    )
    fully_named = year_store.query_value(
        """SELECT count(*) FROM activities v WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.activity_id = v.id)
           AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.activity_id = v.id AND a.headcount IS NOT NULL)"""
    )
    assert headcount_only > 10 and fully_named > 50
    named, lines = year_store.query("SELECT count(person_id), count(*) FROM attendance")[0]
    assert 7000 <= lines <= 14000 and named > lines * 0.8


def test_people_look_like_a_village(year_store: Store) -> None:
    rows = year_store.query("SELECT * FROM people")
    assert 500 <= len(rows) <= 650
    assert {r["gender"] for r in rows} == {"男", "女"}
    assert all(1940 <= r["birth_year"] <= 2005 for r in rows)
    phones = [r["phone"] for r in rows if r["phone"]]
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    assert len(phones) == len(set(phones)) > len(rows) * 0.7
    surnames = Counter(r["name"][0] for r in rows)
    top = [s for s, _ in surnames.most_common(6)]
    assert "王" in top and "李" in top and "张" in top
    assert all(2 <= len(r["name"]) <= 3 for r in rows)
    volunteers = [r for r in rows if r["is_volunteer"]]
    assert 0.1 * len(rows) < len(volunteers) < 0.4 * len(rows)
    assert all(r["volunteer_no"] is None for r in rows if not r["is_volunteer"])


def test_teams_use_valid_categories_and_have_leaders_among_their_members(year_store: Store) -> None:
    teams = year_store.query("SELECT * FROM teams")
    assert {t["category"] for t in teams} <= set(DEFAULT_TEAM_CATEGORIES)
    names = {t["name"] for t in teams}
    assert {"五老宣讲队", "巾帼志愿服务队", "百姓宣讲队"} <= names
    for team in teams:
        members = {
            r[0] for r in year_store.query("SELECT person_id FROM team_members WHERE team_id = ?", (team["id"],))
        }
        assert team["leader_id"] in members
    # Every member brings a skill the team needs (宣讲队 members can 宣讲, 便民服务队 cut hair…).
    from station_tui.demo.catalog import TEAMS

    skills_of = {spec.name: set(spec.skills) for spec in TEAMS}
    for team_name, skills in year_store.query(
        "SELECT t.name, p.skills FROM team_members m"
        " JOIN teams t ON t.id = m.team_id JOIN people p ON p.id = m.person_id"
    ):
        assert set(json.loads(skills)) & skills_of[team_name], (team_name, skills)
    women = year_store.query(
        """SELECT DISTINCT p.gender FROM team_members m JOIN teams t ON t.id = m.team_id
           JOIN people p ON p.id = m.person_id WHERE t.name = '巾帼志愿服务队'"""
    )
    assert [r[0] for r in women] == ["女"]


def test_a_lone_speaker_is_a_person_on_the_roster_once(year_store: Store) -> None:
    """A lecture's single speaker is chosen from the people (as the form does), and is on its
    roster once, as 宣讲员; two speakers are named as text."""
    rows = year_store.query(
        """SELECT l.speaker, p.name,
                  (SELECT count(*) FROM attendance a WHERE a.lecture_id = l.id AND a.person_id = l.speaker_id
                     AND a.deleted = 0 AND a.role = '宣讲员') AS lines
           FROM lectures l JOIN people p ON p.id = l.speaker_id WHERE l.deleted = 0"""
    )
    assert len(rows) > 10
    assert all(r["speaker"] == r["name"] and r["lines"] == 1 for r in rows)
    two = "SELECT count(*) FROM lectures WHERE speaker LIKE '%、%' AND speaker_id IS NOT NULL"
    assert year_store.query_value(two) == 0


def test_the_year_has_a_seasonal_rhythm(year_store: Store) -> None:
    months = Counter(
        int(r[0][5:7]) for r in year_store.query("SELECT date FROM lectures UNION ALL SELECT date FROM activities")
    )
    assert months[3] > months[2] and months[3] > months[7]
    assert months[4] + months[5] + months[10] > months[1] + months[7] + months[8]
    leifeng = year_store.query("SELECT date FROM activities WHERE title LIKE '学雷锋%'")
    assert any(r[0] == "2026-03-05" for r in leifeng)
    # Topics are the ones current on their date: no plenum is lectured on before it met.
    assert (
        year_store.query_value(
            "SELECT count(*) FROM lectures WHERE topic = '党的二十届四中全会精神' AND date < '2025-10-24'"
        )
        == 0
    )


def test_generated_people_are_found_by_pinyin_initials(year_store: Store) -> None:
    person = year_store.people.from_row(year_store.query("SELECT * FROM people ORDER BY rowid LIMIT 1 OFFSET 17")[0])
    initials = "".join(p[0] for p in lazy_pinyin(person.name))
    found = year_store.people.search(initials, limit=500)
    assert person.id in {p.id for p in found}
    assert year_store.people.search(person.name)[0].name == person.name


def test_every_record_reached_the_outbox_and_the_audit(year_store: Store) -> None:
    rows = sum(year_store.query_value(f"SELECT count(*) FROM {t}") for t in SYNCED_TABLES)
    tombstones = sum(year_store.query_value(f"SELECT count(*) FROM {t} WHERE deleted = 1") for t in SYNCED_TABLES)
    ops = {row["op"]: row[1] for row in year_store.query("SELECT op, count(*) FROM outbox GROUP BY op")}
    assert ops["insert"] == rows
    assert ops.get("delete", 0) == tombstones
    audited = year_store.query("SELECT DISTINCT user, program FROM audit")
    assert [tuple(r) for r in audited] == [("tester", "pytest")]
    assert demo_state(year_store) == "complete"


def _content(path: Path) -> list[list[Any]]:
    """Everything a user sees, with ids replaced by what they point at."""
    conn = sqlite3.connect(path)
    try:
        people = conn.execute(
            "SELECT name, gender, birth_year, phone, is_volunteer, volunteer_no, skills, id_number"
            " FROM people ORDER BY rowid"
        ).fetchall()
        lectures = conn.execute(
            "SELECT date, start_time, end_time, topic, speaker, form, place, audience, summary, deleted"
            " FROM lectures ORDER BY rowid"
        ).fetchall()
        activities = conn.execute(
            """SELECT v.date, v.start_time, v.title, v.platform, v.place, t.name, v.served, v.volunteer_count,
                      v.volunteer_tenths, v.deleted
               FROM activities v LEFT JOIN teams t ON t.id = v.team_id ORDER BY v.rowid"""
        ).fetchall()
        attendance = conn.execute(
            """SELECT COALESCE(l.topic, v.title), COALESCE(l.date, v.date), p.name, p.phone, a.role, a.sign_in,
                      a.sign_out, a.credited_tenths, a.headcount
               FROM attendance a LEFT JOIN lectures l ON l.id = a.lecture_id
               LEFT JOIN activities v ON v.id = a.activity_id LEFT JOIN people p ON p.id = a.person_id
               ORDER BY a.rowid"""
        ).fetchall()
        station = conn.execute("SELECT code, name, township, county, manager FROM station").fetchall()
        points = conn.execute(
            """SELECT p.name, e.date, e.kind, e.points, e.item FROM points_entries e
               JOIN people p ON p.id = e.person_id ORDER BY e.rowid"""
        ).fetchall()
        redemptions = conn.execute(
            """SELECT p.name, g.name, r.pickup_code, r.date, r.state FROM redemptions r
               JOIN people p ON p.id = r.person_id JOIN goods g ON g.id = r.goods_id ORDER BY r.rowid"""
        ).fetchall()
    finally:
        conn.close()
    return [station, people, lectures, activities, attendance, points, redemptions]


def test_the_same_seed_gives_the_same_station(tmp_path: Path) -> None:
    contents = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        with Store(tmp_path / f"{name}.db", actor=Actor(user="tester")) as store:
            generate(store, years=2, seed=seed, size="small", today=TODAY)
        contents.append(_content(tmp_path / f"{name}.db"))
    assert contents[0] == contents[1]
    assert contents[0][2] != contents[2][2] and contents[0][1] != contents[2][1]


def test_ten_years_reach_back_ten_years_with_topics_of_their_time(tmp_path: Path) -> None:
    with Store(tmp_path / "ten.db", actor=Actor(user="tester")) as store:
        summary = generate(store, years=10, seed=3, size="small", today=TODAY)
        assert summary.first_day == date(2016, 11, 22)
        assert 550 <= summary.lectures + summary.activities <= 650
        assert store.query_value("SELECT min(date) FROM activities") < "2017-01-01"
        assert (
            store.query_value("SELECT count(*) FROM lectures WHERE topic = '党的十九大精神' AND date < '2017-10-25'")
            == 0
        )


def test_standard_size_is_scaled_for_the_ten_year_benchmark() -> None:
    # 10 years of the standard preset: about 5,000 events and 3,000 people.
    size = SIZES["standard"]
    assert size.events_per_year * 10 == 5000
    assert size.people_base + size.people_per_year * 10 == 3000


def test_demo_keeps_an_existing_station_identity(store: Store, station: Station) -> None:
    summary = generate(store, years=1, size="small", today=TODAY)
    assert not summary.station_created
    current = store.station.current()
    assert current is not None and current.name == station.name
    assert store.query_value("SELECT count(*) FROM station") == 1
    assert demo_state(store) == "complete"
