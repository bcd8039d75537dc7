"""Where a roster's people come from besides typing them: the lecture's chosen speaker, a whole
team, an earlier event's roster. Real SQLite files; every change checked in the outbox."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from typing import Any

import pytest

from station_tui.domain import Activity, Attendance, Lecture, Person, Team, TeamMember
from station_tui.storage import StaleRecord, Store
from tests.storage.test_capture import outbox


def _person(store: Store, name: str, **kw: Any) -> Person:
    return store.people.add(Person(name=name, **kw))


def _lecture(store: Store, day: date, topic: str, **kw: Any) -> Lecture:
    values: dict[str, Any] = {"start_time": time(9, 0), "end_time": time(10, 30), **kw}
    return store.lectures.add(Lecture(date=day, topic=topic, **values))


def _roster(store: Store, event: Lecture | Activity) -> dict[str, tuple[str | None, str | None, str | None, int]]:
    """Name → (role, sign-in, sign-out, credited tenths) of the event's named lines."""
    return {
        line.person.name: (
            line.attendance.role,
            line.attendance.sign_in.strftime("%H:%M") if line.attendance.sign_in else None,
            line.attendance.sign_out.strftime("%H:%M") if line.attendance.sign_out else None,
            line.attendance.credited_tenths,
        )
        for line in store.attendance.roster(event.kind, str(event.id))
        if line.person is not None
    }


def _seq(store: Store) -> int:
    return int(store.query_value("SELECT COALESCE(max(seq), 0) FROM outbox"))


def _since(store: Store, seq: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The changes of events and rosters after ``seq``; the ledgers' entries, which the same
    saves make, are tests/storage/test_hours_ledger.py's and test_points.py's."""
    ledgers = ("hours_entries", "points_entries")
    return [(c["tbl"], c["op"], c["row"]) for c in outbox(store) if c["seq"] > seq and c["tbl"] not in ledgers]


def _fail_roster_writes(store: Store) -> None:
    """The next write to the attendance table fails, as a full disk would (this connection only)."""
    store.conn.execute(
        "CREATE TEMP TRIGGER roster_fails BEFORE INSERT ON attendance BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    store.conn.execute(
        "CREATE TEMP TRIGGER roster_fails_u BEFORE UPDATE ON attendance BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )


# -- the speaker chosen in the lecture form -----------------------------------------------------
def test_a_chosen_speaker_is_on_the_roster_with_the_lectures_hours_in_the_same_save(store: Store) -> None:
    li = _person(store, "李建国")
    before = _seq(store)
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    assert _roster(store, lecture) == {"李建国": ("宣讲员", "09:00", "10:30", 15)}
    changes = _since(store, before)
    # The lecture and its speaker's line: one save, two captured changes, nothing else.
    assert [(tbl, op) for tbl, op, _ in changes] == [("lectures", "insert"), ("attendance", "insert")]
    assert changes[0][2]["speaker_id"] == str(li.id)
    assert changes[1][2]["lecture_id"] == str(lecture.id) and changes[1][2]["role"] == "宣讲员"
    assert changes[1][2]["credited_tenths"] == 15


def test_the_chosen_speakers_hours_are_in_the_hours_ledger_and_follow_a_change(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    assert (store.hours.balance(str(li.id)), store.hours.balance(str(zhao.id))) == (15, 0)
    store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert (store.hours.balance(str(li.id)), store.hours.balance(str(zhao.id))) == (0, 15)


def test_an_outside_speaker_typed_as_text_puts_nobody_on_the_roster(store: Store) -> None:
    _person(store, "王教授")
    before = _seq(store)
    lecture = _lecture(store, date(2026, 11, 3), "法律讲座", speaker="王教授")
    assert _roster(store, lecture) == {}
    assert [(tbl, op) for tbl, op, _ in _since(store, before)] == [("lectures", "insert")]


def test_changing_the_speaker_moves_the_line_and_clearing_it_removes_it(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    before = _seq(store)
    lecture = store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert _roster(store, lecture) == {"赵红梅": ("宣讲员", "09:00", "10:30", 15)}
    changes = _since(store, before)
    assert [(tbl, op) for tbl, op, _ in changes] == [
        ("lectures", "update"), ("attendance", "delete"), ("attendance", "insert"),
    ]  # fmt: skip
    assert changes[1][2]["person_id"] == str(li.id) and changes[1][2]["deleted"] == 1

    before = _seq(store)
    lecture = store.lectures.update(lecture.model_copy(update={"speaker": "外请专家", "speaker_id": None}))
    assert _roster(store, lecture) == {}
    assert [(tbl, op) for tbl, op, _ in _since(store, before)] == [("lectures", "update"), ("attendance", "delete")]


def test_a_speaker_already_on_the_roster_becomes_its_speaker_never_twice(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神")
    store.attendance.add_many(
        [
            Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=str(li.id), role="群众"),
            # 赵红梅 came as a volunteer from 9:30: her times stay, her hours follow them.
            Attendance(
                event_kind="lecture", event_id=str(lecture.id), person_id=str(zhao.id), role="志愿者",
                sign_in=time(9, 30), sign_out=time(10, 30), credited_tenths=10,
            ),
        ]
    )  # fmt: skip
    lecture = store.lectures.update(lecture.model_copy(update={"speaker": "李建国", "speaker_id": str(li.id)}))
    assert _roster(store, lecture) == {
        "李建国": ("宣讲员", "09:00", "10:30", 15),
        "赵红梅": ("志愿者", "09:30", "10:30", 10),
    }
    lecture = store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert _roster(store, lecture) == {"赵红梅": ("宣讲员", "09:30", "10:30", 10)}
    # Saved again unchanged: nothing written, still one line each.
    before = _seq(store)
    store.lectures.update(lecture)
    assert _since(store, before) == []
    assert store.query_value("SELECT count(*) FROM attendance WHERE lecture_id = ? AND deleted = 0", (lecture.id,)) == 1


def test_a_former_speaker_whose_line_was_made_a_volunteer_keeps_it(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    (line,) = [ln.attendance for ln in store.attendance.roster("lecture", str(lecture.id))]
    store.attendance.save_roster(updated=[line.model_copy(update={"role": "志愿者"})])
    lecture = store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert _roster(store, lecture) == {
        "李建国": ("志愿者", "09:00", "10:30", 15),
        "赵红梅": ("宣讲员", "09:00", "10:30", 15),
    }


def test_a_failed_speaker_line_leaves_the_lecture_unsaved(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    before = _seq(store)
    _fail_roster_writes(store)
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        _lecture(store, date(2026, 11, 4), "第二场", speaker="赵红梅", speaker_id=str(zhao.id))
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert _since(store, before) == []
    assert store.lectures.count() == 1
    stored = store.lectures.require(str(lecture.id))
    assert (stored.speaker_id, stored.row_version) == (str(li.id), 1)
    assert _roster(store, stored) == {"李建国": ("宣讲员", "09:00", "10:30", 15)}


def test_a_stale_lecture_save_touches_no_roster(store: Store) -> None:
    li, zhao = _person(store, "李建国"), _person(store, "赵红梅")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    store.lectures.update(lecture.model_copy(update={"audience": 40}))  # another session's save
    before = _seq(store)
    with pytest.raises(StaleRecord):
        store.lectures.update(lecture.model_copy(update={"speaker": "赵红梅", "speaker_id": str(zhao.id)}))
    assert _since(store, before) == []
    assert _roster(store, lecture) == {"李建国": ("宣讲员", "09:00", "10:30", 15)}


# -- a whole team ---------------------------------------------------------------------------------
def test_a_teams_people_are_its_members_still_there_each_once(store: Store) -> None:
    team = store.teams.add(Team(name="文艺志愿服务队", category="文体活动开展"))
    other = store.teams.add(Team(name="百姓宣讲队", category="科学理论宣讲"))
    people = {name: _person(store, name) for name in ("罗晓燕", "梁振华", "宋丽娟", "郑宝华")}
    members = {
        name: store.team_members.add(TeamMember(team_id=str(team.id), person_id=str(p.id)))
        for name, p in people.items()
    }
    store.team_members.add(TeamMember(team_id=str(other.id), person_id=str(people["罗晓燕"].id)))
    store.team_members.delete(str(members["宋丽娟"].id))  # left the team
    store.people.delete(str(people["郑宝华"].id))  # moved away
    assert [p.name for p in store.team_members.people_in(str(team.id))] == ["梁振华", "罗晓燕"]
    assert store.team_members.sizes() == {str(team.id): 2, str(other.id): 1}


# -- an earlier event's roster ---------------------------------------------------------------------
def test_earlier_rosters_newest_first_only_those_with_names(store: Store) -> None:
    zhang = _person(store, "张三")
    old = _lecture(store, date(2026, 10, 1), "十月宣讲")
    new = _lecture(store, date(2026, 11, 1), "十一月宣讲")
    empty = _lecture(store, date(2026, 11, 5), "没有名单的宣讲")
    crowd = _lecture(store, date(2026, 11, 6), "只有人数的宣讲")
    activity = store.activities.add(
        Activity(
            date=date(2026, 11, 1), start_time=time(14), end_time=time(16), title="村庄环境清扫", platform="文化服务"
        )
    )
    for event in (old, new, activity):
        store.attendance.add(
            Attendance(event_kind=event.kind, event_id=str(event.id), person_id=str(zhang.id), role="群众")
        )
    store.attendance.add(Attendance(event_kind="lecture", event_id=str(crowd.id), headcount=30))
    listed = store.attendance.earlier_rosters(besides=str(empty.id))
    # The activity's 14:00 comes after the lecture's 09:00 on the same day.
    assert [(s.title, s.event_kind, s.named) for s in listed] == [
        ("村庄环境清扫", "activity", 1), ("十一月宣讲", "lecture", 1), ("十月宣讲", "lecture", 1),
    ]  # fmt: skip
    assert [s.title for s in store.attendance.earlier_rosters(besides=str(new.id))] == ["村庄环境清扫", "十月宣讲"]
    assert [s.title for s in store.attendance.earlier_rosters(text="2026-10")] == ["十月宣讲"]
    assert [s.title for s in store.attendance.earlier_rosters(text="清扫")] == ["村庄环境清扫"]
    assert [s.title for s in store.attendance.earlier_rosters(limit=1, offset=1)] == ["十一月宣讲"]
    store.lectures.delete(str(new.id))
    assert [s.title for s in store.attendance.earlier_rosters()] == ["村庄环境清扫", "十月宣讲"]


def test_an_earlier_rosters_people_keep_their_roles_but_not_its_crowd_or_departed(store: Store) -> None:
    li, zhang, wang, gone = (_person(store, n) for n in ("李建国", "张三", "王秀英", "冯丽"))
    last = _lecture(store, date(2026, 11, 1), "上一场", speaker="李建国", speaker_id=str(li.id))
    store.attendance.add_many(
        [
            Attendance(event_kind="lecture", event_id=str(last.id), person_id=str(p.id), role=role,
                       sign_in=time(9, 10), note="迟到")
            for p, role in ((zhang, "志愿者"), (wang, "群众"), (gone, "群众"))
        ]
        + [Attendance(event_kind="lecture", event_id=str(last.id), headcount=40)]
    )  # fmt: skip
    store.people.delete(str(gone.id))
    assert sorted((p.name, role) for p, role in store.attendance.named_people("lecture", str(last.id))) == [
        ("张三", "志愿者"), ("李建国", "宣讲员"), ("王秀英", "群众"),
    ]  # fmt: skip


# -- the roster editor's draft, saved: the whole way a copied roster or a team takes ----------------
def _draft(store: Store, event: Lecture | Activity) -> Any:
    from station_tui.screens.attendance_draft import Draft

    draft = Draft(event.kind, event)
    draft.load([(line.attendance, line.person) for line in store.attendance.roster(event.kind, str(event.id))])
    return draft


def _save(store: Store, draft: Any) -> None:
    added, updated, removed = draft.changes()
    store.attendance.save_roster(added=added, updated=updated, removed=removed)


def test_copying_an_earlier_roster_keeps_roles_and_takes_this_events_times(store: Store) -> None:
    li, zhang, wang = (_person(store, n) for n in ("李建国", "张三", "王秀英"))
    last = _lecture(store, date(2026, 11, 1), "上一场", speaker="李建国", speaker_id=str(li.id))
    store.attendance.add_many(
        [
            Attendance(event_kind="lecture", event_id=str(last.id), person_id=str(zhang.id), role="志愿者",
                       sign_in=time(9, 10), sign_out=time(10, 0), credited_tenths=8, note="迟到"),
            Attendance(event_kind="lecture", event_id=str(last.id), person_id=str(wang.id), role="群众",
                       sign_in=time(8, 55)),
            Attendance(event_kind="lecture", event_id=str(last.id), headcount=40),
        ]
    )  # fmt: skip
    # Today's lecture is two hours, 14:00–16:00, and 李建国 speaks again (chosen in the form).
    today = _lecture(
        store, date(2026, 11, 8), "这一场", start_time=time(14), end_time=time(16),
        speaker="李建国", speaker_id=str(li.id),
    )
    draft = _draft(store, today)
    added, already = draft.add_people(store.attendance.named_people("lecture", str(last.id)))
    assert (len(added), already) == (2, 1)
    _save(store, draft)
    assert _roster(store, today) == {
        "李建国": ("宣讲员", "14:00", "16:00", 20),
        "张三": ("志愿者", "14:00", "16:00", 20),
        "王秀英": ("群众", None, None, 0),
    }
    copied = "SELECT count(*) FROM attendance WHERE lecture_id = ? AND {} IS NOT NULL"
    assert store.query_value(copied.format("note"), (today.id,)) == 0
    assert store.query_value(copied.format("headcount"), (today.id,)) == 0
    # The earlier roster is as it was.
    assert _roster(store, last)["张三"] == ("志愿者", "09:10", "10:00", 8)


def test_adding_a_team_twice_adds_each_member_once_as_a_volunteer(store: Store) -> None:
    team = store.teams.add(Team(name="文艺志愿服务队"))
    people = [_person(store, n) for n in ("罗晓燕", "梁振华", "宋丽娟")]
    for p in people:
        store.team_members.add(TeamMember(team_id=str(team.id), person_id=str(p.id)))
    activity = store.activities.add(
        Activity(
            date=date(2026, 11, 8), start_time=time(19), end_time=time(21), title="广场舞晚会", platform="文化服务"
        )
    )
    store.attendance.add(
        Attendance(event_kind="activity", event_id=str(activity.id), person_id=str(people[0].id), role="群众")
    )
    draft = _draft(store, activity)
    members = [(p, "志愿者") for p in store.team_members.people_in(str(team.id))]
    added, already = draft.add_people(members)
    assert (len(added), already) == (2, 1)
    assert draft.add_people(members) == ([], 3)
    before = _seq(store)
    _save(store, draft)
    assert _roster(store, activity) == {
        "罗晓燕": ("群众", None, None, 0),  # on the roster already: left as she was
        "梁振华": ("志愿者", "19:00", "21:00", 20),
        "宋丽娟": ("志愿者", "19:00", "21:00", 20),
    }
    assert [(tbl, op) for tbl, op, _ in _since(store, before)] == [("attendance", "insert")] * 2
    # Saved, then the team added again: nobody new.
    draft = _draft(store, activity)
    assert draft.add_people(members) == ([], 3)
    assert not draft.is_dirty


def test_the_speakers_line_follows_the_lectures_new_times_unless_typed_on_the_roster(store: Store) -> None:
    li = _person(store, "李建国")
    lecture = _lecture(store, date(2026, 11, 3), "学习全会精神", speaker="李建国", speaker_id=str(li.id))
    lecture = store.lectures.update(lecture.model_copy(update={"end_time": time(10, 0)}))
    assert _roster(store, lecture) == {"李建国": ("宣讲员", "09:00", "10:00", 10)}
    (line,) = [ln.attendance for ln in store.attendance.roster("lecture", str(lecture.id))]
    store.attendance.save_roster(updated=[line.model_copy(update={"sign_in": time(9, 30), "credited_tenths": 5})])
    before = _seq(store)
    lecture = store.lectures.update(lecture.model_copy(update={"end_time": time(11, 0), "audience": 30}))
    assert _roster(store, lecture) == {"李建国": ("宣讲员", "09:30", "10:00", 5)}  # as typed on the roster
    assert [(tbl, op) for tbl, op, _ in _since(store, before)] == [("lectures", "update")]
