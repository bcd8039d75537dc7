from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError

from station_tui.domain import Attendance, Lecture, Person
from station_tui.storage import DuplicateAttendance, StaleRecord, Store


@pytest.fixture
def lecture(store: Store) -> Lecture:
    return store.lectures.add(
        Lecture(date=date(2026, 11, 1), start_time=time(9, 0), end_time=time(11, 0), topic="宣讲二十届四中全会精神")
    )


def _person(store: Store, name: str) -> Person:
    return store.people.add(Person(name=name, is_volunteer=True))


def _line(lecture: Lecture, person: Person | None, **kw: object) -> Attendance:
    if person is None:
        return Attendance(event_kind="lecture", event_id=str(lecture.id), headcount=kw.pop("headcount", 10), **kw)
    return Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=person.id, **{"role": "群众", **kw})


def _outbox(store: Store) -> int:
    return int(store.query_value("SELECT count(*) FROM outbox WHERE tbl = 'attendance'"))


def test_save_roster_adds_edits_and_removes_in_one_go(store: Store, lecture: Lecture) -> None:
    a, b, c = (_person(store, n) for n in ("张三", "李四", "王五"))
    kept, gone = store.attendance.add_many([_line(lecture, a), _line(lecture, b)])
    saved = store.attendance.save_roster(
        added=[_line(lecture, c, role="志愿者", credited_tenths=20), _line(lecture, None, headcount=35)],
        updated=[kept.model_copy(update={"role": "宣讲员"})],
        removed=[gone],
    )
    assert len(saved) == 3
    roster = store.attendance.roster("lecture", str(lecture.id))
    assert sorted((line.person.name if line.person else "-", line.attendance.role) for line in roster) == [
        ("-", None),
        ("张三", "宣讲员"),
        ("王五", "志愿者"),
    ]
    assert store.attendance.get(str(gone.id)) is None
    assert _outbox(store) == 2 + 4


def test_a_duplicate_person_is_refused_and_nothing_is_written(store: Store, lecture: Lecture) -> None:
    a = _person(store, "张三")
    store.attendance.add(_line(lecture, a))
    before = _outbox(store)
    with pytest.raises(DuplicateAttendance, match="已经在签到名单上"):
        store.attendance.save_roster(added=[_line(lecture, None), _line(lecture, a)])
    assert _outbox(store) == before
    assert len(store.attendance.roster("lecture", str(lecture.id))) == 1


def test_removing_and_adding_back_the_same_person_is_not_a_duplicate(store: Store, lecture: Lecture) -> None:
    a = _person(store, "张三")
    line = store.attendance.add(_line(lecture, a))
    store.attendance.save_roster(added=[_line(lecture, a, role="宣讲员")], removed=[line])
    (only,) = store.attendance.roster("lecture", str(lecture.id))
    assert only.attendance.role == "宣讲员"


def test_hours_longer_than_the_event_are_refused(store: Store, lecture: Lecture) -> None:
    a = _person(store, "张三")
    with pytest.raises(ValidationError, match="超过了活动本身的时长"):
        store.attendance.save_roster(added=[_line(lecture, a, role="志愿者", credited_tenths=21)])
    assert store.attendance.roster("lecture", str(lecture.id)) == []


def test_an_edit_made_meanwhile_elsewhere_is_not_overwritten(store: Store, lecture: Lecture) -> None:
    a = _person(store, "张三")
    line = store.attendance.add(_line(lecture, a))
    store.attendance.update(line.model_copy(update={"role": "志愿者"}))  # the township, meanwhile
    with pytest.raises(StaleRecord):
        store.attendance.save_roster(updated=[line.model_copy(update={"role": "宣讲员"})])
    (only,) = store.attendance.roster("lecture", str(lecture.id))
    assert only.attendance.role == "志愿者"


def test_the_latest_list_shows_the_audience_the_figures_count(store: Store, lecture: Lecture) -> None:
    """A lecture typed with 受众人数 0 and three villagers signed in counts 3 people in the
    figures; the dashboard's latest list says 3 too, not the 0 that was typed."""
    from station_tui.storage import figures, summary

    crowd = [_line(lecture, _person(store, n)) for n in ("张三", "李四")] + [_line(lecture, None, headcount=1)]
    store.attendance.save_roster(added=crowd)
    busy = store.lectures.add(Lecture(date=date(2026, 11, 2), topic="民法典进村", audience=40))
    store.attendance.save_roster(added=[_line(busy, _person(store, "王五"))])
    shown = {r.title: r.detail for r in summary.recent(store)}
    assert shown == {"宣讲二十届四中全会精神": 3, "民法典进村": 40}
    assert figures.numbers(store)["lecture_audience"] == sum(int(n) for n in shown.values())


def test_the_lecture_list_counts_like_the_figures(store: Store, lecture: Lecture) -> None:
    """The 宣讲 list said 0 for the lecture the dashboard counted 3 for."""
    from station_tui.storage import figures

    crowd = [_line(lecture, _person(store, n)) for n in ("张三", "李四")] + [_line(lecture, None, headcount=1)]
    store.attendance.save_roster(added=crowd)
    store.lectures.add(Lecture(date=date(2026, 11, 2), topic="民法典进村", audience=40))
    listed = {line.event.topic: line.counted for line in store.lectures.listed()}
    assert listed == {"宣讲二十届四中全会精神": 3, "民法典进村": 40}
    assert figures.numbers(store)["lecture_audience"] == sum(listed.values())
    # The page itself is unchanged: the same events in the same order.
    assert [e.id for e in store.lectures.page()] == [line.event.id for line in store.lectures.listed()]


def test_the_activity_list_counts_served_and_hours_like_the_figures(store: Store) -> None:
    from station_tui.domain import Activity
    from station_tui.storage import figures

    fair = store.activities.add(Activity(date=date(2026, 11, 3), start_time=time(9, 0), end_time=time(12, 0),
                                         title="义诊进村", platform="科技与科普服务", served=0, volunteer_count=1,
                                         volunteer_tenths=20))
    helpers = [Attendance(event_kind="activity", event_id=str(fair.id), person_id=_person(store, n).id,
                          role="志愿者", credited_tenths=15) for n in ("张三", "李四")]
    villagers = [Attendance(event_kind="activity", event_id=str(fair.id), headcount=12)]
    store.attendance.save_roster(added=helpers + villagers)
    (line,) = store.activities.listed()
    assert (line.counted, line.event.volunteer_tenths + line.roster_tenths) == (12, 20 + 15 + 15)
    numbers = figures.numbers(store)
    assert numbers["activity_served"] == 12
    assert numbers["volunteer_tenths"] == 50
