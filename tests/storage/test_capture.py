"""Change capture: every write, by any route, leaves an outbox row in the same transaction."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from station_tui.domain import Activity, Attendance, Lecture, Person, Station, Team, TeamMember, Venue
from station_tui.domain.models import Photo, Plan, PlanItem, Request, SelfCheckMark, SelfCheckReview
from station_tui.storage import Store
from station_tui.storage.capture import SYNCED_TABLES

ID_NUMBER = "11010519491231002X"


def outbox(path_or_store: Path | Store, record_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT seq, change_id, tbl, record_id, op, row_version, row_json FROM outbox"
    params: tuple[Any, ...] = ()
    if record_id:
        sql += " WHERE record_id = ?"
        params = (record_id,)
    sql += " ORDER BY seq"
    if isinstance(path_or_store, Store):
        rows = path_or_store.query(sql, params)
    else:
        conn = sqlite3.connect(path_or_store)
        rows = conn.execute(sql, params).fetchall()
        conn.close()
    keys = ("seq", "change_id", "tbl", "record_id", "op", "row_version", "row")
    return [dict(zip(keys, (*r[:6], json.loads(r[6])), strict=True)) for r in rows]


def audit(path: Path, record_id: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit WHERE record_id = ? ORDER BY seq", (record_id,))]
    conn.close()
    return rows


def row_version(path: Path, table: str, record_id: str) -> int:
    conn = sqlite3.connect(path)
    (version,) = conn.execute(f"SELECT row_version FROM {table} WHERE id = ?", (record_id,)).fetchone()
    conn.close()
    return version


@pytest.fixture
def zhang(store: Store) -> Person:
    return store.people.add(
        Person(
            name="张三",
            gender="男",
            birth_year=1968,
            phone="13812345678",
            is_volunteer=True,
            volunteer_no="SX2024001",
            skills=["理发", "电工"],
            id_number=ID_NUMBER,
        )
    )


# -- through the repositories ------------------------------------------------------------------


def test_insert_is_captured_with_the_whole_row(store: Store, zhang: Person) -> None:
    (change,) = outbox(store, zhang.id)
    assert (change["tbl"], change["op"], change["row_version"]) == ("people", "insert", 1)
    row = change["row"]
    assert row["id"] == zhang.id
    assert row["name"] == "张三"
    assert row["phone"] is None, "phones stay on the PC unless upload_phones is on"
    assert row["skills"] == ["理发", "电工"], "JSON columns travel as JSON, not as a string"
    assert row["is_volunteer"] == 1
    assert row["row_version"] == 1 and row["deleted"] == 0
    assert {"created_at", "updated_at"} <= row.keys()


def test_local_search_keys_and_id_numbers_stay_on_the_pc(store: Store, zhang: Person) -> None:
    (change,) = outbox(store, zhang.id)
    assert not any(k.startswith("pinyin") for k in change["row"])
    assert change["row"]["id_number"] is None
    # …while the local row keeps them.
    row = store.query("SELECT id_number, pinyin_initials FROM people WHERE id = ?", (zhang.id,))[0]
    assert (row[0], row[1]) == (ID_NUMBER, "zs")


def test_id_numbers_are_uploaded_only_when_the_setting_asks(store: Store, zhang: Person) -> None:
    store.set_meta("upload_id_numbers", "1")
    store.people.update(zhang.model_copy(update={"note": "村医"}))
    store.set_meta("upload_id_numbers", "0")
    li = store.people.add(Person(name="李四", id_number=ID_NUMBER))

    changes = outbox(store)
    update = [c for c in changes if c["record_id"] == zhang.id and c["op"] == "update"]
    assert update[0]["row"]["id_number"] == ID_NUMBER
    assert next(c for c in changes if c["record_id"] == li.id)["row"]["id_number"] is None


def test_update_soft_delete_and_hard_delete(store: Store, db_path: Path, zhang: Person) -> None:
    store.set_meta("upload_phones", "1")
    edited = store.people.update(zhang.model_copy(update={"phone": "13900001111", "skills": ["理发"]}))
    assert edited.row_version == 2
    store.people.delete(str(zhang.id), expected_version=2)
    assert store.people.get(str(zhang.id)) is None
    tombstone = store.people.get(str(zhang.id), include_deleted=True)
    assert tombstone is not None and tombstone.deleted and tombstone.row_version == 3

    with store.write() as conn:
        conn.execute("DELETE FROM people WHERE id = ?", (zhang.id,))

    changes = outbox(store, zhang.id)
    assert [(c["op"], c["row_version"]) for c in changes] == [
        ("insert", 1),
        ("update", 2),
        ("delete", 3),
        ("delete", 4),
    ]
    assert changes[1]["row"]["phone"] == "13900001111" and changes[1]["row"]["skills"] == ["理发"]
    assert changes[2]["row"]["deleted"] == 1 and changes[2]["row"]["row_version"] == 3
    assert changes[3]["row"]["deleted"] == 1 and changes[3]["row"]["row_version"] == 4
    assert changes[3]["row"]["name"] == "张三", "an erased row is uploaded as its last content"
    assert [a["op"] for a in audit(db_path, str(zhang.id))] == ["insert", "update", "delete", "erase"]
    assert [a["user"] for a in audit(db_path, str(zhang.id))] == ["tester"] * 4


def _points_and_goods(store: Store, person: Person) -> dict[str, str | None]:
    from station_tui.domain.models import Goods

    points = store.repository("points_entries")
    entry = points.adjust(str(person.id), 10, reason="表彰")  # type: ignore[attr-defined]
    goods = store.repository("goods").add(Goods(name="香皂", price_points=10))
    restock = store.repository("goods").restock(str(goods.id), 1)  # type: ignore[attr-defined]
    # The redemption's own ledger lines are captured too; the first entries are checked here.
    taken = store.repository("redemptions").redeem(str(person.id), str(goods.id))  # type: ignore[attr-defined]
    return {"goods": goods.id, "points_entries": entry.id, "stock_entries": restock.id, "redemptions": taken.id}


def test_every_synced_table_is_captured(store: Store, station: Station) -> None:
    today = date(2026, 11, 20)
    person = store.people.add(Person(name="王五"))
    team = store.teams.add(Team(name="百姓宣讲队", category="科学理论宣讲", leader_id=person.id))
    member = store.team_members.add(TeamMember(team_id=team.id, person_id=person.id))
    venue = store.venues.add(Venue(name="村委会议室", capacity=60))
    lecture = store.lectures.add(
        Lecture(date=today, start_time=time(9), end_time=time(10), topic="乡村振兴政策", audience=40)
    )
    act = store.activities.add(Activity(date=today, title="义务理发", platform="教育服务"))
    att = store.attendance.add(
        Attendance(event_kind="lecture", event_id=lecture.id, person_id=person.id, role="志愿者", credited_tenths=10)
    )
    mark = store.repository("self_check_marks").add(SelfCheckMark(year=2026, item_id="signage", ticked=True))
    review = store.repository("self_check_reviews").add(
        SelfCheckReview(year=2026, level="自评", date=today, score=75, stars=2, reviewer="李专管")
    )
    photo = store.repository("photos").add(
        Photo(record_table="lectures", record_id=str(lecture.id), sha256="a" * 64, size_bytes=1, width=1, height=1)
    )
    plan = store.plans.add(Plan(month="2026-11", theme="消防安全宣传月"))
    item = store.plan_items.add(
        PlanItem(plan_id=plan.id, date=today, title="义务理发", platform="教育服务", activity_id=act.id)
    )
    request = store.requests.add(Request(received_on=today, wish="修屋顶", requester="王大妈"))
    (made,) = store.requests.moves(str(request.id))
    ids = {
        "station": station.id,
        "people": person.id,
        "teams": team.id,
        "team_members": member.id,
        "venues": venue.id,
        "lectures": lecture.id,
        "activities": act.id,
        "attendance": att.id,
        "self_check_marks": mark.id,
        "self_check_reviews": review.id,
        "photos": photo.id,
        "plans": plan.id,
        "plan_items": item.id,
        # The roster line's hours, entered in the ledger by the same save.
        "hours_entries": store.query_value("SELECT id FROM hours_entries WHERE attendance_id = ?", (att.id,)),
        **_points_and_goods(store, person),
        "requests": request.id,
        "request_moves": made.id,
        # A certificate of those hours, registered (and captured) as it is issued.
        "certificates": store.certificates.issue(str(person.id), today, today, issuer="李主任").id,
    }
    assert set(ids) == set(SYNCED_TABLES)
    for table, record_id in ids.items():
        (change,) = outbox(store, record_id)
        assert (change["tbl"], change["op"], change["row_version"]) == (table, "insert", 1)
    att_row = outbox(store, att.id)[0]["row"]
    assert att_row["lecture_id"] == lecture.id and att_row["activity_id"] is None
    assert att_row["credited_tenths"] == 10
    entry = outbox(store, ids["hours_entries"])[0]["row"]
    assert (entry["person_id"], entry["tenths"], entry["entry_kind"]) == (person.id, 10, "获得")
    assert outbox(store, lecture.id)[0]["row"]["start_time"] == "09:00"


def test_change_ids_are_unique_and_seqs_increase(store: Store) -> None:
    for i in range(20):
        p = store.people.add(Person(name=f"村民{'甲乙丙丁戊己庚辛壬癸'[i % 10]}"))
        store.people.update(p.model_copy(update={"note": "已走访"}))
    changes = outbox(store)
    assert len(changes) == 40
    assert len({c["change_id"] for c in changes}) == 40
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 40


# -- from outside the app ----------------------------------------------------------------------


def test_update_and_delete_through_a_second_connection(store: Store, db_path: Path, zhang: Person) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("UPDATE people SET note = '手工修改' WHERE id = ?", (zhang.id,))
    other.execute("DELETE FROM people WHERE id = ?", (zhang.id,))
    other.close()

    changes = outbox(db_path, zhang.id)
    assert [(c["op"], c["row_version"]) for c in changes] == [("insert", 1), ("update", 2), ("delete", 3)]
    assert changes[1]["row"]["note"] == "手工修改"
    assert changes[1]["row"]["row_version"] == 2
    assert changes[2]["row"]["deleted"] == 1
    trail = audit(db_path, str(zhang.id))
    assert [(a["user"], a["program"], a["op"]) for a in trail[1:]] == [
        ("（外部修改）", "sqlite", "update"),
        ("（外部修改）", "sqlite", "erase"),
    ]
    assert trail[1]["fields"] == "note"


def test_soft_delete_by_hand_is_a_delete(store: Store, db_path: Path, zhang: Person) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("UPDATE people SET deleted = 1 WHERE id = ?", (zhang.id,))
    other.close()
    last = outbox(db_path, zhang.id)[-1]
    assert (last["op"], last["row_version"], last["row"]["deleted"]) == ("delete", 2, 1)
    assert store.people.get(str(zhang.id)) is None


def _shell(db_path: Path, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sqlite3", str(db_path), sql], capture_output=True, text=True, timeout=30)


def test_update_and_delete_with_the_sqlite3_shell(store: Store, db_path: Path, zhang: Person) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 11, 1), topic="防电信诈骗", audience=30))

    done = _shell(db_path, f"UPDATE lectures SET audience = 35 WHERE id = '{lecture.id}';")
    assert done.returncode == 0, done.stderr
    done = _shell(db_path, f"UPDATE people SET phone = '13700000000' WHERE id = '{zhang.id}';")
    assert done.returncode == 0, done.stderr
    done = _shell(db_path, f"DELETE FROM lectures WHERE id = '{lecture.id}';")
    assert done.returncode == 0, done.stderr

    lec = outbox(db_path, lecture.id)
    assert [(c["op"], c["row_version"]) for c in lec] == [("insert", 1), ("update", 2), ("delete", 3)]
    assert lec[1]["row"]["audience"] == 35
    assert lec[2]["row"]["audience"] == 35 and lec[2]["row"]["deleted"] == 1
    ppl = outbox(db_path, zhang.id)
    # Captured; the phone stays on the PC.
    assert (ppl[-1]["op"], ppl[-1]["row_version"], ppl[-1]["row"]["phone"]) == ("update", 2, None)
    assert row_version(db_path, "people", str(zhang.id)) == 2
    assert [a["user"] for a in audit(db_path, str(lecture.id))] == ["tester", "（外部修改）", "（外部修改）"]
    assert audit(db_path, str(zhang.id))[-1]["fields"] == "phone"
    # The app sees the hand edit, and its own next edit builds on the bumped version.
    seen = store.people.require(str(zhang.id))
    assert (seen.phone, seen.row_version) == ("13700000000", 2)
    assert store.people.update(seen.model_copy(update={"note": "核对过"})).row_version == 3


def test_a_hand_edit_that_sets_an_older_version_still_moves_forward(store: Store, db_path: Path, zhang: Person) -> None:
    store.people.update(zhang.model_copy(update={"note": "一"}))  # v2
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("UPDATE people SET note = '二', row_version = 1 WHERE id = ?", (zhang.id,))
    other.close()
    last = outbox(db_path, zhang.id)[-1]
    assert (last["op"], last["row_version"]) == ("update", 3)
    assert row_version(db_path, "people", str(zhang.id)) == 3


def test_lowering_only_the_version_by_hand_is_undone_and_captured(store: Store, db_path: Path, zhang: Person) -> None:
    store.people.update(zhang.model_copy(update={"note": "一"}))  # v2
    store.people.update(store.people.require(str(zhang.id)).model_copy(update={"note": "二"}))  # v3
    done = _shell(db_path, f"UPDATE people SET row_version = 1 WHERE id = '{zhang.id}';")
    assert done.returncode == 0, done.stderr
    assert row_version(db_path, "people", str(zhang.id)) == 4
    last = outbox(db_path, zhang.id)[-1]
    assert (last["op"], last["row_version"], last["row"]["note"]) == ("update", 4, "二")


def test_insert_or_replace_continues_the_version_history(store: Store, db_path: Path, zhang: Person) -> None:
    store.people.update(zhang.model_copy(update={"note": "一"}))  # v2
    done = _shell(db_path, f"INSERT OR REPLACE INTO people (id, name, note) VALUES ('{zhang.id}', '张三', '整行替换');")
    assert done.returncode == 0, done.stderr
    last = outbox(db_path, zhang.id)[-1]
    assert (last["op"], last["row_version"], last["row"]["note"]) == ("update", 3, "整行替换")
    assert row_version(db_path, "people", str(zhang.id)) == 3
    assert store.people.require(str(zhang.id)).row_version == 3


def test_a_record_put_back_after_an_erase_outranks_its_tombstone(store: Store, db_path: Path) -> None:
    venue = store.venues.add(Venue(name="农家书屋"))
    store.venues.delete(str(venue.id))  # v2, soft
    assert _shell(db_path, f"DELETE FROM venues WHERE id = '{venue.id}';").returncode == 0  # tombstone v3
    done = _shell(db_path, f"INSERT INTO venues (id, name) VALUES ('{venue.id}', '农家书屋');")
    assert done.returncode == 0, done.stderr
    changes = outbox(db_path, venue.id)
    assert [(c["op"], c["row_version"]) for c in changes] == [
        ("insert", 1),
        ("delete", 2),
        ("delete", 3),
        ("update", 4),
    ]
    assert changes[-1]["row"]["deleted"] == 0
    assert store.venues.require(str(venue.id)).row_version == 4


def test_hand_edits_with_recursive_triggers_on_are_captured_once(store: Store, db_path: Path, zhang: Person) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("PRAGMA recursive_triggers = ON")
    other.execute("UPDATE people SET note = '一' WHERE id = ?", (zhang.id,))  # v2
    other.execute("INSERT OR REPLACE INTO people (id, name, note) VALUES (?, '张三', '二')", (zhang.id,))
    other.close()
    changes = outbox(db_path, zhang.id)
    # The replace's delete now fires its trigger (tombstone v3); the new row continues at v4.
    assert [(c["op"], c["row_version"]) for c in changes] == [
        ("insert", 1),
        ("update", 2),
        ("delete", 3),
        ("update", 4),
    ]
    assert row_version(db_path, "people", str(zhang.id)) == 4


def test_an_insert_by_hand_is_captured(store: Store, db_path: Path) -> None:
    done = _shell(db_path, "INSERT INTO venues (id, name) VALUES ('v-by-hand', '文化广场');")
    assert done.returncode == 0, done.stderr
    (change,) = outbox(db_path, "v-by-hand")
    assert (change["op"], change["row_version"], change["row"]["name"]) == ("insert", 1, "文化广场")
    assert store.venues.require("v-by-hand").name == "文化广场"


def test_a_no_op_update_writes_nothing(store: Store, db_path: Path, zhang: Person) -> None:
    before = len(outbox(db_path))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("UPDATE people SET name = name, note = note WHERE id = ?", (zhang.id,))
    other.execute("UPDATE people SET phone = '13812345678' WHERE id = ?", (zhang.id,))
    other.close()
    assert _shell(db_path, f"UPDATE people SET name = '张三' WHERE id = '{zhang.id}';").returncode == 0
    assert len(outbox(db_path)) == before
    assert row_version(db_path, "people", str(zhang.id)) == 1
    assert len(audit(db_path, str(zhang.id))) == 1


def test_saving_an_unchanged_record_writes_nothing(store: Store, db_path: Path, zhang: Person) -> None:
    """Pressing 保存 without editing must not bump the version (that would give the other
    session a conflict with nothing in it) nor queue an upload."""
    before = len(outbox(db_path))
    again = store.people.update(zhang)
    assert again.row_version == 1
    assert len(outbox(db_path)) == before
    assert row_version(db_path, "people", str(zhang.id)) == 1


def test_changing_an_id_is_refused(store: Store, db_path: Path, zhang: Person) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="记录编号（id）不可修改"):
        other.execute("UPDATE people SET id = 'stolen' WHERE id = ?", (zhang.id,))
    other.close()
    done = _shell(db_path, f"UPDATE people SET id = 'stolen' WHERE id = '{zhang.id}';")
    assert done.returncode != 0 and "记录编号（id）不可修改" in done.stderr
    assert store.people.require(str(zhang.id)).name == "张三"
    assert len(outbox(db_path, zhang.id)) == 1
    assert outbox(db_path, "stolen") == []


# -- same transaction --------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_rolled_back_write_leaves_no_outbox_row(store: Store, db_path: Path) -> None:
    before = len(outbox(db_path))

    def write_then_fail() -> None:
        with store.write() as conn:
            store.people._insert(conn, Person(name="赵六"))
            assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == before + 1
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    assert len(outbox(db_path)) == before
    assert store.people.count() == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    conn.close()


def test_a_roster_that_fails_halfway_leaves_nothing(store: Store, db_path: Path) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 11, 2), topic="垃圾分类", audience=10))
    person = store.people.add(Person(name="孙七"))
    before = len(outbox(db_path))
    line = Attendance(event_kind="lecture", event_id=lecture.id, person_id=person.id, role="群众")
    with pytest.raises(sqlite3.IntegrityError):
        store.attendance.add_many([line, line])  # the same person twice on one lecture
    assert len(outbox(db_path)) == before
    assert store.attendance.roster("lecture", str(lecture.id)) == []


def test_a_failed_hand_edit_leaves_no_outbox_row(store: Store, db_path: Path, zhang: Person) -> None:
    before = len(outbox(db_path))
    done = _shell(
        db_path,
        f"BEGIN; UPDATE people SET note = 'a' WHERE id = '{zhang.id}'; UPDATE people SET gender = '未知'; COMMIT;",
    )
    assert done.returncode != 0
    assert len(outbox(db_path)) == before
    assert store.people.require(str(zhang.id)).note is None


def test_the_actor_is_cleared_after_each_transaction(store: Store, db_path: Path, zhang: Person) -> None:
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT user, ssh_client, program FROM current_actor").fetchone() == (None, None, None)
    conn.close()
