"""The self-check reads its facts from the records of the 12 whole months before the check,
keeps one tick per item and year, and takes a county's rubric from the settings directory."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from station_tui.domain import Activity, Attendance, Lecture, Person, Team, Venue
from station_tui.domain.rubric import RubricError, default_rubric
from station_tui.storage import Store, self_check
from tests.station_cli import run

TODAY = date(2026, 12, 5)


def test_the_window_is_the_twelve_whole_months_before_this_one() -> None:
    months = self_check.window(TODAY)
    assert (months[0], months[-1], len(months)) == ("2025-12", "2026-11", 12)
    assert self_check.window(date(2027, 1, 31))[-1] == "2026-12"


def test_facts_count_what_the_records_hold_in_the_window(store: Store, station) -> None:
    for day in (date(2025, 11, 30), date(2025, 12, 1), date(2026, 11, 30), date(2026, 12, 1)):
        store.lectures.add(Lecture(date=day, topic="宣讲", summary="讲了政策" if day.month == 12 else None))
    act = store.activities.add(Activity(date=date(2026, 3, 5), title="义诊", platform="教育服务",
                                        brand_project="健康小院"))
    store.activities.add(
        Activity(date=date(2026, 4, 5), title="义诊二", platform="教育服务", brand_project="健康小院 ")
    )
    person = store.people.add(Person(name="王五", is_volunteer=True))
    store.attendance.add(Attendance(event_kind="activity", event_id=act.id, person_id=person.id, role="志愿者"))
    store.venues.add(Venue(name="村委会议室", capacity=45))
    store.venues.add(Venue(name="文化广场", capacity=300))
    store.teams.add(Team(name="百姓宣讲队"))
    found = self_check.facts(store, TODAY)
    # 2025-11-30 is before the window and 2026-12-01 is in the month of the check.
    assert found.lectures_by_month[0] == found.lectures_by_month[-1] == 1
    assert sum(found.lectures_by_month) == 2
    assert sum(found.activities_by_month) == 2
    assert (found.events, found.events_with_summary, found.events_with_roster) == (4, 1, 1)
    assert (found.largest_venue, found.teams, found.volunteers, found.brand_projects) == (300, 1, 1, 1)
    assert found.manager_named is True  # the_station() names its 专管员


def test_one_tick_per_item_and_year_and_each_change_goes_to_the_outbox(store: Store, station) -> None:
    first = self_check.set_mark(store, 2026, "signage", ticked=True, evidence="门牌照片", operator="李")
    second = self_check.set_mark(store, 2026, "signage", ticked=False, evidence="门牌照片", operator="李")
    assert first.id == second.id and second.row_version == 2
    assert store.query_value("SELECT count(*) FROM self_check_marks") == 1
    ops = [r["op"] for r in store.query("SELECT op FROM outbox WHERE record_id = ? ORDER BY seq", (first.id,))]
    assert ops == ["insert", "update"]
    assert self_check.marks(store, 2027) == {}
    with pytest.raises(RubricError, match="佐证"):
        self_check.set_mark(store, 2026, "rules_posted", ticked=True, evidence="  ", operator=None)
    assert "rules_posted" not in self_check.marks(store, 2026)


def test_a_county_rubric_replaces_the_default_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    assert self_check.load_rubric(tmp_path) == default_rubric()
    county = json.loads(default_rubric().model_dump_json())
    county["name"] = "某县星级评定细则"
    county["items"] = county["items"][:3]
    county["star_scores"] = [15, 25]
    (tmp_path / "rubric.json").write_text(json.dumps(county, ensure_ascii=False), encoding="utf-8")
    assert self_check.load_rubric(tmp_path).name == "某县星级评定细则"
    (tmp_path / "rubric.json").write_text('{"name": "x", "items": []}', encoding="utf-8")
    with pytest.raises(RubricError, match=r"rubric\.json 有误"):
        self_check.load_rubric(tmp_path)


def test_the_command_scores_ticks_and_records_reviews(db_path: Path, store: Store, station) -> None:
    store.close()
    shown = run("self-check", "--json", db=db_path)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert (data["total"], data["reviews"]) == (100, [])
    before = data["score"]
    refused = run("self-check", "--tick", "teams_3", "--evidence", "x", db=db_path)
    assert refused.returncode == 1 and "由记录自动计算" in refused.stderr
    ticked = run("self-check", "--json", "--tick", "signage", "--evidence", "门牌照片.jpg", db=db_path)
    assert json.loads(ticked.stdout)["score"] == before + 5
    incomplete = run("self-check", "--review", "乡镇审核", "--stars", "3", db=db_path)
    assert incomplete.returncode == 2 and "--score" in incomplete.stderr
    run("self-check", "--submit", "李专管", db=db_path)
    review = run("self-check", "--json", "--review", "县级评定", "--stars", "6", "--score", "80",
                 "--reviewer", "县中心", db=db_path)
    assert review.returncode == 2 and "星级" in review.stderr  # 6 stars does not exist: nothing recorded
    done = run("self-check", "--json", "--review", "县级评定", "--stars", "3", "--score", "82",
               "--reviewer", "县中心", db=db_path)
    reviews = json.loads(done.stdout)["reviews"]
    assert [(r["level"], r["score"], r["stars"]) for r in reviews] == [
        ("自评", before + 5, json.loads(ticked.stdout)["stars"]), ("县级评定", 82, 3)]
    with Store(db_path) as again:
        assert again.query_value("SELECT count(*) FROM outbox WHERE tbl = 'self_check_reviews'") == 2
