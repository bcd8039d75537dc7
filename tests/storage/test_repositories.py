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


# -- repositories come from the record kinds ------------------------------------------------


def test_a_kind_with_nothing_special_is_served_by_the_plain_repository(store: Store) -> None:
    """A new kind declared in domain/kinds.py needs no repository class: the store makes a
    plain one from the declaration, with the same rules as any other."""
    from station_tui.domain import Venue
    from station_tui.domain.kinds import BY_TABLE
    from station_tui.storage.repositories.base import Repository

    plain: Repository[Venue] = Repository(store, BY_TABLE["venues"])
    columns = ("name", "address", "capacity", "facilities", "open_hours", "note")
    assert (plain.table, plain.model, plain.columns) == ("venues", Venue, columns)
    hall = plain.add(Venue(name="文化礼堂", capacity=120))
    assert hall.id is not None
    assert plain.require(hall.id) == hall
    assert store.venues.require(hall.id) == hall  # the kind's own class reads the same row
    plain.update(hall.model_copy(update={"note": "二楼"}))
    plain.delete(hall.id)
    assert plain.get(hall.id) is None and plain.count() == 0
    ops = [r[0] for r in store.query("SELECT op FROM outbox WHERE record_id = ? ORDER BY seq", (hall.id,))]
    assert ops == ["insert", "update", "delete"]


def test_the_store_gives_one_repository_per_table(store: Store) -> None:
    from station_tui.domain.kinds import KINDS

    for kind in KINDS:
        repo = store.repository(kind.table)
        assert repo is store.repository(kind.table) and repo.table == kind.table and repo.model is kind.model
        if hasattr(Store, kind.table):  # the names older code uses (store.lectures, …) are the same objects
            assert repo is getattr(store, kind.table)
    assert hasattr(Store, "lectures") and hasattr(Store, "attendance")
    with pytest.raises(KeyError):
        store.repository("villager_requests")


def test_a_conflict_lists_the_changed_fields_in_the_table_order(db_path: Path) -> None:
    """The concurrent-edit dialog shows them in this order: the form's, which is the table's
    (topic before summary), not the model's (whose shared event fields come first)."""
    from station_tui.storage import StaleRecord

    with Store(db_path) as clerk, Store(db_path) as cadre:
        talk = clerk.lectures.add(Lecture(date=date(2026, 11, 1), topic="宣讲"))
        cadre.lectures.update(talk.model_copy(update={"summary": "新的摘要", "topic": "新主题", "audience": 5}))
        with pytest.raises(StaleRecord) as info:
            clerk.lectures.update(talk.model_copy(update={"note": "已走访"}))
    assert info.value.changed == ["topic", "audience", "summary", "note"]


def test_a_bulk_insert_is_captured_and_read_back_like_single_ones(store: Store, evening: Activity) -> None:
    people = [store.people.add(Person(name=f"村民{n}")) for n in "一二三"]
    lines = [
        Attendance(event_kind="activity", event_id=evening.id, person_id=p.id, role="群众") for p in people
    ] + [Attendance(event_kind="activity", event_id=evening.id, headcount=40)]
    before = outbox_count(store)
    with store.write() as conn:
        stored = store.attendance.add_all_in(conn, lines)
    assert [s.row_version for s in stored] == [1, 1, 1, 1] and len({s.id for s in stored}) == 4
    assert outbox_count(store) == before + 4
    changes = store.query("SELECT tbl, op, record_id FROM outbox ORDER BY seq DESC LIMIT 4")
    assert {(c[0], c[1]) for c in changes} == {("attendance", "insert")}
    assert {c[2] for c in changes} == {s.id for s in stored}
    back = store.attendance.require(str(stored[3].id))
    assert back.event_kind == "activity" and back.event_id == evening.id and back.headcount == 40


def test_a_bulk_insert_that_fails_leaves_nothing(store: Store, evening: Activity) -> None:
    before = outbox_count(store)
    good = Attendance(event_kind="activity", event_id=evening.id, headcount=3)
    orphan = Attendance(event_kind="activity", event_id="no-such-activity", headcount=5)
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        store.attendance.add_all_in(conn, [good, orphan])
    assert outbox_count(store) == before
    assert store.query_value("SELECT count(*) FROM attendance") == 0


# -- a list with a search box, for any kind (Repository.search_page / count_found) -----------


def _venues(store: Store, *rows: tuple[str, str | None, int | None]) -> list[str]:
    from station_tui.domain import Venue

    return [
        str(store.venues.add(Venue(name=name, address=address, capacity=capacity)).id)
        for name, address, capacity in rows
    ]


def test_any_kind_is_listed_in_its_declared_order_and_searched_in_its_text_fields(store: Store) -> None:
    _venues(store, ("文化广场", "村东头", 300), ("村委会议室", "村委会二楼", 60), ("农家书屋", None, None))
    venues = store.venues
    # Venue declares no sort: by its first field, the name.
    assert [v.name for v in venues.search_page()] == sorted(["文化广场", "村委会议室", "农家书屋"])
    assert venues.count_found() == venues.count_found("") == venues.count_found("  ") == 3
    # Any text field (name, address, note), each word somewhere; never a number or a deleted record.
    assert [v.name for v in venues.search_page("村委")] == ["村委会议室"]
    assert [v.name for v in venues.search_page("村东")] == ["文化广场"]
    assert [v.name for v in venues.search_page("村 二楼")] == ["村委会议室"]
    assert venues.search_page("300") == [] and venues.count_found("书屋 村") == 0
    hall = venues.search_page("会议室")[0]
    venues.delete(str(hall.id))
    assert venues.search_page("会议室") == [] and venues.count_found() == 2


def test_percent_and_underscore_typed_in_the_box_are_matched_as_written(store: Store) -> None:
    _venues(store, ("活动室100%开放", None, None), ("活动室1000", None, None), ("a_b 阅览室", None, None),
            ("axb 阅览室", None, None), ("C:\\公共\\阅览室", None, None))  # fmt: skip
    venues = store.venues
    assert [v.name for v in venues.search_page("100%")] == ["活动室100%开放"]
    assert [v.name for v in venues.search_page("a_b")] == ["a_b 阅览室"]
    assert [v.name for v in venues.search_page("\\公共")] == ["C:\\公共\\阅览室"]
    assert venues.count_found("%") == 1 and venues.count_found("_") == 1


def test_a_declared_sort_pages_with_blanks_last_and_ties_as_they_were_made(store: Store) -> None:
    """``-capacity``: largest first, no capacity at the end; equal ones in the order they were
    made here, whatever their ids say (an id's time part comes from a clock that may be wrong)."""
    from station_tui.domain import Venue
    from station_tui.domain.kinds import RecordKind
    from station_tui.storage.repositories.base import Repository

    def sorted_by(*sort: str) -> Repository[Venue]:
        return Repository(store, RecordKind("venues", Venue, sort=sort))

    by_size = sorted_by("-capacity", "name")
    ids = _venues(store, ("乙", None, 60), ("甲", None, None), ("丙", None, 300), ("丁", None, 60), ("戊", None, 60))
    made = {ids[0]: "2026-03-01T09:00:00", ids[3]: "2026-01-01T08:00:00", ids[4]: "2026-02-01T08:00:00"}
    with store.write() as conn:  # 乙 has the earliest id of the three, and was made last
        for record_id, at in made.items():
            conn.execute("UPDATE venues SET created_at = ? WHERE id = ?", (at, record_id))
    assert [v.name for v in by_size.search_page()] == ["丙", "丁", "乙", "戊", "甲"]  # 60s by name, as declared
    assert [v.name for v in by_size.search_page(limit=2, offset=2)] == ["乙", "戊"]
    assert by_size.count_found() == 5
    by_size_only = sorted_by("-capacity")
    assert [v.name for v in by_size_only.search_page()] == ["丙", "乙", "戊", "丁", "甲"]  # 60s newest made first
    smallest_first = sorted_by("capacity")
    assert [v.name for v in smallest_first.search_page()] == ["丁", "戊", "乙", "丙", "甲"]


@pytest.mark.parametrize("typed", ["%", "_", "宣_"])
def test_an_event_filter_takes_wildcards_as_typed(store: Store, typed: str) -> None:
    from station_tui.storage.repositories.events import EventFilter

    store.lectures.add(Lecture(date=date(2026, 11, 1), topic="宣讲乡村振兴"))
    store.lectures.add(Lecture(date=date(2026, 11, 2), topic="100%覆盖的宣讲"))
    found = [lecture.topic for lecture in store.lectures.page(EventFilter(text=typed))]
    assert found == (["100%覆盖的宣讲"] if typed == "%" else [])
    assert store.lectures.count_matching(EventFilter(text=typed)) == len(found)
