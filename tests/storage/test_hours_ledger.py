"""The hours ledger (时长台账): made by the roster save itself, only ever added to, and equal to
the rosters plus what was entered by hand, after edits, deletions and two processes at once."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time as clock
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from station_tui.domain.models import Activity, Attendance, HoursEntry, Lecture, Person
from station_tui.storage import Actor, Store
from station_tui.storage.repositories.hours import LedgerRefusal

FIXTURES = Path(__file__).parent / "fixtures"


def roster_tenths(db: Path) -> dict[str, int]:
    """Each person's credited hours on the rosters, worked out row by row: named lines not
    deleted, on events not deleted."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    live = {r["id"] for t in ("lectures", "activities") for r in conn.execute(f"SELECT id FROM {t} WHERE deleted = 0")}
    out: dict[str, int] = {}
    for line in conn.execute("SELECT * FROM attendance WHERE deleted = 0 AND person_id IS NOT NULL"):
        if (line["lecture_id"] or line["activity_id"]) in live and line["credited_tenths"]:
            out[line["person_id"]] = out.get(line["person_id"], 0) + line["credited_tenths"]
    conn.close()
    return out


def ledger(db: Path, *kinds: str) -> dict[str, int]:
    """Each person's balance: the sum of their entries (of these kinds; all when none named)."""
    conn = sqlite3.connect(db)
    out: dict[str, int] = {}
    for person, kind, tenths in conn.execute("SELECT person_id, entry_kind, tenths FROM hours_entries"):
        if not kinds or kind in kinds:
            out[person] = out.get(person, 0) + tenths
    conn.close()
    return {p: n for p, n in out.items() if n}


def standing_per_line(db: Path) -> dict[str, int]:
    """How many earned entries stand (no void names them) per roster line."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        """SELECT attendance_id, count(*) FROM hours_entries e WHERE entry_kind = '获得'
           AND NOT EXISTS (SELECT 1 FROM hours_entries x WHERE x.voids_id = e.id) GROUP BY attendance_id"""
    ).fetchall()
    conn.close()
    return dict(rows)


def earned_part(db: Path) -> dict[str, int]:
    """Each person's earned entries with their voids (not the 补录 and their voids)."""
    conn = sqlite3.connect(db)
    out: dict[str, int] = {}
    for person, tenths in conn.execute(
        """SELECT e.person_id, e.tenths FROM hours_entries e LEFT JOIN hours_entries o ON o.id = e.voids_id
           WHERE e.entry_kind = '获得' OR o.entry_kind = '获得'"""
    ):
        out[person] = out.get(person, 0) + tenths
    conn.close()
    return {p: n for p, n in out.items() if n}


def assert_ledger_follows_rosters(db: Path) -> None:
    assert earned_part(db) == roster_tenths(db)
    assert all(n == 1 for n in standing_per_line(db).values())


@pytest.fixture
def village(store: Store, station: object) -> dict[str, Any]:
    people = [store.people.add(Person(name=n, is_volunteer=True)) for n in ("张三", "李四", "王五")]
    lecture = store.lectures.add(
        Lecture(date=date(2026, 3, 2), topic="党的二十届四中全会精神", start_time=time(9), end_time=time(11))
    )
    activity = store.activities.add(
        Activity(date=date(2026, 4, 5), title="义务理发", platform="文化服务", start_time=time(14), end_time=time(17))
    )
    return {"people": people, "lecture": lecture, "activity": activity}


def line(event: Lecture | Activity, person: Person, tenths: int, role: str = "志愿者") -> Attendance:
    return Attendance(event_kind=event.kind, event_id=str(event.id), person_id=person.id, role=role,
                      credited_tenths=tenths)


def test_roster_saves_add_void_and_replace_entries(store: Store, village: dict[str, Any], db_path: Path) -> None:
    zhang, li, wang = village["people"]
    lecture = village["lecture"]
    saved = store.attendance.save_roster(
        added=[line(lecture, zhang, 20), line(lecture, li, 15), line(lecture, wang, 0, "群众")]
    )
    assert store.hours.balance(str(zhang.id)) == 20 and store.hours.balance(str(li.id)) == 15
    assert store.hours.balance(str(wang.id)) == 0  # a line without hours makes no entry
    assert_ledger_follows_rosters(db_path)

    # One save: 张三's hours changed, 李四 removed, 王五 now a volunteer with hours.
    by_person = {a.person_id: a for a in saved}
    store.attendance.save_roster(
        updated=[
            by_person[zhang.id].model_copy(update={"credited_tenths": 12}),
            by_person[wang.id].model_copy(update={"role": "志愿者", "credited_tenths": 18}),
        ],
        removed=[by_person[li.id]],
    )
    assert [store.hours.balance(str(p.id)) for p in (zhang, li, wang)] == [12, 0, 18]
    kinds = [(x.entry.entry_kind, x.entry.tenths, x.voided_by is not None) for x in store.hours.lines(str(zhang.id))]
    assert sorted(kinds) == sorted([("获得", 20, True), ("作废", -20, False), ("获得", 12, False)])
    void = next(x.entry for x in store.hours.lines(str(li.id)) if x.entry.entry_kind == "作废")
    assert (void.tenths, void.reason, void.operator) == (-15, "签到记录已删除", "tester")
    assert_ledger_follows_rosters(db_path)

    # Saving without a change adds nothing.
    count = store.query_value("SELECT count(*) FROM hours_entries")
    current = store.attendance.get(str(by_person[zhang.id].id))
    assert current is not None
    store.attendance.save_roster(updated=[current])
    assert store.query_value("SELECT count(*) FROM hours_entries") == count


def test_an_event_moved_or_deleted_moves_or_voids_its_entries(
    store: Store, village: dict[str, Any], db_path: Path
) -> None:
    zhang, li, _ = village["people"]
    activity = village["activity"]
    store.attendance.save_roster(added=[line(activity, zhang, 30), line(activity, li, 25)])
    moved = store.activities.update(activity.model_copy(update={"date": date(2025, 4, 5)}))
    dates = {x.entry.date for x in store.hours.lines(str(zhang.id)) if not x.voided_by and x.entry.entry_kind == "获得"}
    assert dates == {date(2025, 4, 5)}
    assert_ledger_follows_rosters(db_path)
    store.activities.delete(str(moved.id))
    assert store.hours.balance(str(zhang.id)) == 0 and store.hours.balance(str(li.id)) == 0
    assert_ledger_follows_rosters(db_path)


def test_late_entries_and_voids_with_their_refusals(store: Store, village: dict[str, Any]) -> None:
    zhang = village["people"][0]
    pid = str(zhang.id)
    late = store.hours.late_entry(pid, date(2026, 1, 15), 35, "纸质签到表漏录", "王秀英", content="雪后清扫村道")
    assert store.hours.balance(pid) == 35
    store.attendance.save_roster(added=[line(village["lecture"], zhang, 20)])
    assert store.hours.balance(pid) == 55

    for tenths, words in ((0, "应大于 0"), (-5, "应大于 0"), (241, "超过了一天")):
        with pytest.raises(LedgerRefusal, match=words):
            store.hours.late_entry(pid, date(2026, 1, 15), tenths, "漏记", "王秀英", content="扫雪")
    with pytest.raises(LedgerRefusal, match="晚于今天"):
        store.hours.late_entry(pid, date(2999, 1, 1), 10, "漏记", "王秀英", content="扫雪")
    with pytest.raises(ValidationError, match="须写明原因"):
        store.hours.late_entry(pid, date(2026, 1, 15), 10, "", "王秀英", content="扫雪")
    with pytest.raises(ValidationError, match="服务内容"):
        store.hours.late_entry(pid, date(2026, 1, 15), 10, "漏记", "王秀英")

    void = store.hours.void(str(late.id), "与签到记录重复", "王秀英")
    assert (void.entry_kind, void.tenths, void.voids_id, void.date) == ("作废", -35, late.id, late.date)
    assert store.hours.balance(pid) == 20
    with pytest.raises(LedgerRefusal, match=r"已经在 .* 作废过了，不能重复作废"):
        store.hours.void(str(late.id), "再来一次", "王秀英")
    with pytest.raises(LedgerRefusal, match="这是一条作废记录，不能再作废"):
        store.hours.void(str(void.id), "作废作废", "王秀英")
    earned = next(x.entry for x in store.hours.lines(pid) if x.entry.entry_kind == "获得")
    with pytest.raises(LedgerRefusal, match="来自签到记录"):
        store.hours.void(str(earned.id), "不算", "王秀英")
    with pytest.raises(LedgerRefusal, match="须写明原因"):
        store.hours.void(str(earned.id), "  ", "王秀英")
    assert store.hours.balance(pid) == 20


def test_the_page_groups_the_ledger_by_year(store: Store, village: dict[str, Any]) -> None:
    zhang = village["people"][0]
    store.hours.late_entry(str(zhang.id), date(2025, 6, 1), 40, "漏记", "王秀英", content="防汛巡堤")
    store.attendance.save_roster(added=[line(village["lecture"], zhang, 20), line(village["activity"], zhang, 25)])
    page = store.hours.person_page(str(zhang.id))
    assert page is not None
    assert [(y.year, y.tenths, len(y.lines)) for y in page.years] == [(2026, 45, 2), (2025, 40, 1)]
    assert page.balance == 85 == store.hours.balance(str(zhang.id))
    assert [x.what for x in page.years[0].lines] == ["义务理发", "党的二十届四中全会精神"]


def test_entries_are_never_changed_or_deleted(store: Store, village: dict[str, Any], db_path: Path) -> None:
    zhang = village["people"][0]
    entry = store.hours.late_entry(str(zhang.id), date(2026, 1, 15), 35, "漏记", "王秀英", content="扫雪")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        for sql in (
            "UPDATE hours_entries SET tenths = 240",
            "UPDATE hours_entries SET person_id = 'x'",
            "UPDATE hours_entries SET deleted = 1",
            "UPDATE hours_entries SET reason = '改了'",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="时长台账的记录不能修改"):
                other.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="时长台账的记录不能删除"):
            other.execute("DELETE FROM hours_entries")
        void_by_hand = (
            "INSERT INTO hours_entries (person_id, date, entry_kind, tenths, voids_id, reason, operator)"
            " VALUES (?, '2026-01-15', '作废', -35, ?, '手工', 'sqlite')"
        )
        other.execute(void_by_hand, (zhang.id, entry.id))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # and a second void of one entry
            other.execute(void_by_hand, (zhang.id, entry.id))
    finally:
        other.close()
    with pytest.raises(LedgerRefusal, match="不能修改"):
        store.hours.update(entry.model_copy(update={"tenths": 10}))
    with pytest.raises(LedgerRefusal, match="不能删除"):
        store.hours.delete(str(entry.id))
    row = store.query_one("SELECT tenths, deleted FROM hours_entries WHERE id = ?", (entry.id,))
    assert row is not None and tuple(row) == (35, 0)


def test_an_entry_model_names_its_problems_in_chinese() -> None:
    with pytest.raises(ValidationError, match="超过了一天"):
        HoursEntry(person_id="p", date=date(2026, 1, 1), entry_kind="补录", tenths=300, reason="r", operator="o",
                   content="c")
    with pytest.raises(ValidationError, match="作废必须指明"):
        HoursEntry(person_id="p", date=date(2026, 1, 1), entry_kind="作废", tenths=-3, reason="r", operator="o")


def test_the_migration_enters_every_credited_line_of_an_existing_station(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "schema_v3.db", db)
    # Rosters as a version 3 station has them, typed into the released file: credited lines,
    # a line without hours, a deleted line, and lines on a deleted activity.
    conn = sqlite3.connect(db)
    people = [r[0] for r in conn.execute("SELECT id FROM people")]
    (lecture,) = conn.execute("SELECT id FROM lectures").fetchone()
    for i, (aid, deleted) in enumerate((("A1", 0), ("A2", 1))):
        conn.execute(
            "INSERT INTO activities (id, date, title, platform, deleted) VALUES (?, ?, '义务理发', '文化服务', ?)",
            (aid, f"2025-0{i + 3}-01", deleted),
        )
    lines = [
        ("lecture_id", lecture, people[0], 15, 0), ("lecture_id", lecture, people[1], 0, 0),
        ("lecture_id", lecture, people[2], 9, 1), ("activity_id", "A1", people[0], 20, 0),
        ("activity_id", "A1", people[2], 30, 0), ("activity_id", "A2", people[1], 25, 0),
    ]
    for column, event, person, tenths, deleted in lines:
        conn.execute(
            f"INSERT INTO attendance ({column}, person_id, role, credited_tenths, deleted)"
            " VALUES (?, ?, '志愿者', ?, ?)",
            (event, person, tenths, deleted),
        )
    conn.commit()
    conn.close()
    before = roster_tenths(db)
    assert before == {people[0]: 35, people[2]: 30}
    assert before, "the fixture has credited attendance to enter"
    with Store(db, actor=Actor("tester")) as store:
        assert store.query_value("PRAGMA user_version") >= 4
        uploaded = store.query_value("SELECT count(*) FROM outbox WHERE tbl = 'hours_entries' AND op = 'insert'")
        entries = store.query_value("SELECT count(*) FROM hours_entries")
    assert ledger(db) == before
    assert uploaded == entries > 0
    assert_ledger_follows_rosters(db)


_EDIT_ROSTERS = """
import random, sys, time
from station_tui.storage import Actor, NotFound, Store, StaleRecord
from station_tui.storage.repositories.attendance import DuplicateAttendance
from station_tui.domain.models import Attendance
path, tag, rounds, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(tag)
store = Store(path, actor=Actor(user=tag, program="test"))
people = [r[0] for r in store.query("SELECT id FROM people")]
events = [("lecture", r[0]) for r in store.query("SELECT id FROM lectures")]
while time.time() < start:
    time.sleep(0.001)
done = 0
for _ in range(rounds):
    kind, event_id = rng.choice(events)
    lines = [x.attendance for x in store.attendance.roster(kind, event_id)]
    added, updated, removed = [], [], []
    for line in lines:
        r = rng.random()
        if r < 0.3:
            removed.append(line)
        elif r < 0.7:
            updated.append(line.model_copy(update={"credited_tenths": rng.randrange(0, 21)}))
    on = {x.person_id for x in lines}
    for pid in rng.sample(people, 2):
        if pid not in on:
            added.append(Attendance(event_kind=kind, event_id=event_id, person_id=pid, role="志愿者",
                                    credited_tenths=rng.randrange(1, 21)))
    try:
        store.attendance.save_roster(added=added, updated=updated, removed=removed)
        done += 1
    except (StaleRecord, DuplicateAttendance, NotFound):
        pass  # the other session saved this roster meanwhile: as the editor, try again later
store.close()
print("done", done)
"""


def test_two_sessions_editing_rosters_at_once_leave_a_ledger_that_adds_up(db_path: Path) -> None:
    with Store(db_path, actor=Actor("tester")) as store:
        people = [store.people.add(Person(name=f"村民{c}", is_volunteer=True)) for c in "甲乙丙丁戊己庚辛"]
        for day in (1, 2, 3):
            lecture = store.lectures.add(
                Lecture(date=date(2026, 3, day), topic="宣讲", start_time=time(9), end_time=time(11))
            )
            store.attendance.save_roster(added=[line(lecture, p, 10) for p in people[:4]])
    start = clock.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _EDIT_ROSTERS, str(db_path), tag, "40", str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for tag in ("村里", "镇上")
    ]
    saves = 0
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        word, n = out.split()
        assert word == "done"
        saves += int(n)
    assert saves >= 40  # most saves went through; the ones that met the other's edit were refused whole
    assert_ledger_follows_rosters(db_path)
    conn = sqlite3.connect(db_path)
    operators = {r[0] for r in conn.execute("SELECT DISTINCT operator FROM hours_entries")}
    conn.close()
    assert {"村里", "镇上"} <= operators


def test_the_demo_ledger_follows_its_rosters_with_late_entries_and_voids(db_path: Path) -> None:
    from station_tui.demo.generator import generate

    with Store(db_path, actor=Actor("tester")) as store:
        summary = generate(store, years=2, size="small", seed=7, today=date(2026, 11, 22))
    assert_ledger_follows_rosters(db_path)
    conn = sqlite3.connect(db_path)
    kinds = dict(conn.execute("SELECT entry_kind, count(*) FROM hours_entries GROUP BY entry_kind").fetchall())
    voided_late = conn.execute(
        "SELECT count(*) FROM hours_entries v JOIN hours_entries e ON e.id = v.voids_id WHERE e.entry_kind = '补录'"
    ).fetchone()[0]
    conn.close()
    assert kinds["补录"] == summary.late_entries == 8 and voided_late == summary.voided == 2
    # Each corrected roster line left a void of its old entry.
    assert kinds["作废"] == summary.voided + summary.corrected_lines
