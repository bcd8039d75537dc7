"""Repositories keep the domain's rules at the door and read back whatever the file holds."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from station_tui.domain import Activity, Attendance, Lecture, Person, Station, explain_text
from station_tui.storage import NotFound, Store


def outbox_count(store: Store) -> int:
    return int(store.query_value("SELECT count(*) FROM outbox"))


@pytest.fixture
def evening(store: Store) -> Activity:
    return store.activities.add(
        Activity(
            date=date(2026, 11, 1), start_time=time(19), end_time=time(20, 30), title="广场舞培训", platform="文化服务"
        )
    )


def test_credited_hours_longer_than_the_activity_are_refused_on_save(store: Store, evening: Activity) -> None:
    volunteer = store.people.add(Person(name="周八", is_volunteer=True))
    before = outbox_count(store)
    line = Attendance(
        event_kind="activity", event_id=evening.id, person_id=volunteer.id, role="志愿者", credited_tenths=16
    )
    with pytest.raises(ValidationError) as info:
        store.attendance.add(line)
    assert explain_text(info.value) == "服务时长 1.6 小时超过了活动本身的时长（1.5 小时）"
    assert outbox_count(store) == before

    saved = store.attendance.add(line.model_copy(update={"credited_tenths": 15}))
    assert saved.credited_tenths == 15
    assert store.people.volunteer_tenths(str(volunteer.id)) == 15
    with pytest.raises(ValidationError):
        store.attendance.update(saved.model_copy(update={"credited_tenths": 20}))
    assert store.attendance.require(str(saved.id)).credited_tenths == 15


def test_a_roster_with_one_bad_line_is_not_saved_at_all(store: Store, evening: Activity) -> None:
    a = store.people.add(Person(name="吴九"))
    b = store.people.add(Person(name="郑十"))
    before = outbox_count(store)
    lines = [
        Attendance(event_kind="activity", event_id=evening.id, person_id=a.id, role="志愿者", credited_tenths=10),
        Attendance(event_kind="activity", event_id=evening.id, person_id=b.id, role="志愿者", credited_tenths=99),
    ]
    with pytest.raises(ValidationError):
        store.attendance.add_many(lines)
    assert store.attendance.roster("activity", str(evening.id)) == []
    assert outbox_count(store) == before


def test_attendance_on_a_missing_event(store: Store) -> None:
    with pytest.raises(NotFound) as info:
        store.attendance.add(Attendance(event_kind="lecture", event_id="no-such-lecture", headcount=20))
    assert "找不到这条记录" in str(info.value)


def test_setting_up_the_same_station_twice_queues_one_change(store: Store) -> None:
    station = Station(code="140311101201", name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区")
    first = store.station.setup(station)
    again = store.station.setup(station)
    assert again.id == first.id and again.row_version == 1
    assert outbox_count(store) == 1
    renamed = store.station.setup(station.model_copy(update={"manager": "王秀英"}))
    assert (renamed.id, renamed.row_version) == (first.id, 2)
    assert store.station.count() == 1


def test_a_row_broken_by_hand_is_still_shown(store: Store, db_path: Path) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 10, 8), topic="重阳敬老", form="院落会", audience=25))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute(
        "UPDATE lectures SET form = '茶话会', start_time = '10:00', end_time = '09:00', date = '2099-01-01'"
        " WHERE id = ?",
        (lecture.id,),
    )
    other.close()
    shown = store.lectures.require(str(lecture.id))
    assert (shown.topic, shown.form, shown.date) == ("重阳敬老", "茶话会", date(2099, 1, 1))
    assert shown.start_time == time(10) and shown.row_version == 2
    assert [x.id for x in store.lectures.page()] == [lecture.id]


def test_skills_round_trip_as_a_list(store: Store) -> None:
    p = store.people.add(Person(name="冯十一", skills="理发、修家电，电脑"))
    assert store.people.require(str(p.id)).skills == ["理发", "修家电", "电脑"]
