"""Teams with their members, and venues with 设施 and 开放时间, on real SQLite files: what the
team form saves in one transaction, and what the capture triggers put in the outbox."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from station_tui.domain import Activity, Lecture, Person, Team, Venue
from station_tui.storage import Actor, NotFound, StaleRecord, Store
from station_tui.storage.repositories.events import EventFilter
from station_tui.storage.repositories.teams import DuplicateTeamName


def changes(store: Store, table: str, record_id: str) -> list[tuple[str, int, dict[str, Any]]]:
    rows = store.query(
        "SELECT op, row_version, row_json FROM outbox WHERE tbl = ? AND record_id = ? ORDER BY seq", (table, record_id)
    )
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def membership(store: Store, team_id: str, person_id: str) -> sqlite3.Row:
    row = store.query_one(
        "SELECT * FROM team_members WHERE team_id = ? AND person_id = ? ORDER BY created_at DESC, rowid DESC",
        (team_id, person_id),
    )
    assert row is not None
    return row


@pytest.fixture
def villagers(store: Store) -> dict[str, Person]:
    names = ("张三", "李四", "王秀英", "赵红梅")
    return {name: store.people.add(Person(name=name, is_volunteer=True)) for name in names}


def test_a_team_is_saved_with_its_leader_and_members_in_one_go(store: Store, villagers: dict[str, Person]) -> None:
    ids = {name: str(p.id) for name, p in villagers.items()}
    team = store.teams.save(
        Team(name="百姓宣讲队", category="科学理论宣讲", leader_id=ids["王秀英"]),
        add=[ids["王秀英"], ids["张三"], ids["李四"]],
    )
    assert [p.name for p in store.teams.members(str(team.id))] == ["李四", "王秀英", "张三"]  # by pinyin
    [line] = store.teams.lines([team])
    assert (line.leader, line.members) == ("王秀英", 3)
    assert [t.name for t in store.team_members.teams_of(ids["张三"])] == ["百姓宣讲队"]
    # The team first, then each membership: the county applies them in this order.
    tables = [r[0] for r in store.query("SELECT tbl FROM outbox ORDER BY seq DESC LIMIT 4")]
    assert tables == ["team_members", "team_members", "team_members", "teams"]
    [(op, version, row)] = changes(store, "teams", str(team.id))
    assert (op, version, row["leader_id"], row["category"]) == ("insert", 1, ids["王秀英"], "科学理论宣讲")
    # The 队伍 list finds a team by its name, category, note or leader's name.
    store.teams.save(Team(name="文艺志愿服务队", category="文体活动开展", note="广场舞"))
    for typed, found in (
        ("宣讲", ["百姓宣讲队"]),
        ("文体", ["文艺志愿服务队"]),
        ("王秀英", ["百姓宣讲队"]),
        ("广场舞", ["文艺志愿服务队"]),
        ("队", ["文艺志愿服务队", "百姓宣讲队"]),
        ("王秀英 文体", []),
    ):
        assert [t.name for t in store.teams.search_page(typed)] == found, typed
        assert store.teams.count_found(typed) == len(found)


def test_a_removed_member_is_a_tombstone_in_the_outbox(store: Store, villagers: dict[str, Person]) -> None:
    ids = {name: str(p.id) for name, p in villagers.items()}
    team = store.teams.save(Team(name="巾帼志愿服务队", category="文明礼仪普及"), add=[ids["王秀英"], ids["赵红梅"]])
    member_id = membership(store, str(team.id), ids["赵红梅"])["id"]

    store.teams.save(team, remove=[ids["赵红梅"]])  # the team itself unchanged: its row is not written

    gone = membership(store, str(team.id), ids["赵红梅"])
    assert gone["deleted"] == 1 and gone["row_version"] == 2  # kept, not erased
    assert [(op, v, row["deleted"]) for op, v, row in changes(store, "team_members", member_id)] == [
        ("insert", 1, 0),
        ("delete", 2, 1),
    ]
    assert [op for op, _, _ in changes(store, "teams", str(team.id))] == ["insert"]
    assert [p.name for p in store.teams.members(str(team.id))] == ["王秀英"]
    assert store.team_members.teams_of(ids["赵红梅"]) == []

    # Joining again is a new membership; the tombstone stays as it was.
    store.teams.save(team, add=[ids["赵红梅"]])
    again = membership(store, str(team.id), ids["赵红梅"])
    assert again["id"] != member_id and again["deleted"] == 0
    assert store.query_value("SELECT deleted FROM team_members WHERE id = ?", (member_id,)) == 1


def test_members_changed_in_another_session_are_kept(db_path: Path, store: Store, villagers: dict[str, Person]) -> None:
    """The form saves what its user added and removed, not its whole list: someone the
    township added meanwhile over SSH stays a member."""
    ids = {name: str(p.id) for name, p in villagers.items()}
    team = store.teams.save(Team(name="文艺志愿服务队"), add=[ids["张三"]])
    with Store(db_path, actor=Actor(user="township")) as other:
        other.teams.save(other.teams.require(str(team.id)), add=[ids["李四"]])
    store.teams.save(team, add=[ids["王秀英"]], remove=[ids["张三"]])
    assert {p.name for p in store.teams.members(str(team.id))} == {"李四", "王秀英"}


def test_nothing_is_half_written(store: Store, villagers: dict[str, Person]) -> None:
    ids = {name: str(p.id) for name, p in villagers.items()}
    team = store.teams.save(Team(name="便民服务队"), add=[ids["张三"]])
    before = store.query_value("SELECT max(seq) FROM outbox")

    # A member deleted meanwhile: neither the new name nor the other member is stored.
    store.people.delete(ids["李四"])
    after_delete = store.query_value("SELECT max(seq) FROM outbox")
    renamed = team.model_copy(update={"name": "便民利民服务队"})
    with pytest.raises(NotFound):
        store.teams.save(renamed, add=[ids["王秀英"], ids["李四"]])
    assert store.teams.require(str(team.id)).name == "便民服务队"
    assert [p.name for p in store.teams.members(str(team.id))] == ["张三"]
    assert store.query_value("SELECT max(seq) FROM outbox") == after_delete > before

    # Another session saved the team since this copy was read: StaleRecord, nothing written.
    store.teams.save(team.model_copy(update={"note": "每周三活动"}))
    with pytest.raises(StaleRecord):
        store.teams.save(renamed, add=[ids["王秀英"]])
    assert [p.name for p in store.teams.members(str(team.id))] == ["张三"]
    saved = store.teams.save(renamed, add=[ids["王秀英"]], force=True)  # "keep mine"
    assert saved.name == "便民利民服务队" and len(store.teams.members(str(team.id))) == 2

    # Two teams of one name could not be told apart in the activity form's list.
    with pytest.raises(DuplicateTeamName, match="已有名为“便民利民服务队”的队伍"):
        store.teams.save(Team(name="便民利民服务队"))
    assert store.query_value("SELECT count(*) FROM teams WHERE name = '便民利民服务队'") == 1


def test_a_team_category_outside_the_settings_list_is_refused() -> None:
    from pydantic import ValidationError

    local = ["科学理论宣讲", "百姓宣讲队"]
    assert Team.model_validate({"name": "五老", "category": "百姓宣讲队"}, context={"team_categories": local})
    with pytest.raises(ValidationError, match="不在类别列表中"):
        Team.model_validate({"name": "五老", "category": "百姓宣讲队"}, context={"team_categories": ["科学理论宣讲"]})


def test_venue_columns_are_captured(store: Store) -> None:
    venue = store.venues.add(
        Venue(name="新时代文明实践站活动室", address="党群服务中心二楼", capacity=60,
              facilities="音响、投影仪、桌椅", open_hours="每天 8:30–17:30")
    )  # fmt: skip
    [(op, _, row)] = changes(store, "venues", str(venue.id))
    assert op == "insert"
    assert (row["facilities"], row["open_hours"], row["capacity"]) == ("音响、投影仪、桌椅", "每天 8:30–17:30", 60)

    store.venues.update(venue.model_copy(update={"open_hours": "周一至周五 9:00–17:00"}))
    *_, (op, version, row) = changes(store, "venues", str(venue.id))
    assert (op, version, row["open_hours"]) == ("update", 2, "周一至周五 9:00–17:00")
    assert row["facilities"] == "音响、投影仪、桌椅"
    assert store.venues.require(str(venue.id)).open_hours == "周一至周五 9:00–17:00"
    # A change typed in the sqlite3 shell is captured with the new columns too.
    store.conn.execute("UPDATE venues SET facilities = '音响' WHERE id = ?", (str(venue.id),))
    *_, (op, version, row) = changes(store, "venues", str(venue.id))
    assert (op, version, row["facilities"]) == ("update", 3, "音响")
    audited = store.query_value(
        "SELECT fields FROM audit WHERE tbl = 'venues' AND record_id = ? ORDER BY seq DESC LIMIT 1", (str(venue.id),)
    )
    assert audited == "facilities"


def test_an_event_at_a_venue_is_found_by_the_venues_name(store: Store) -> None:
    hall = store.venues.add(Venue(name="党群服务中心多功能厅"))
    ctx = {"today": date(2026, 11, 22)}
    store.lectures.add(Lecture.model_validate({"date": date(2026, 11, 2), "topic": "乡村振兴政策解读",
                                               "venue_id": hall.id}, context=ctx))  # fmt: skip
    store.lectures.add(Lecture.model_validate({"date": date(2026, 11, 3), "topic": "反诈骗知识",
                                               "place": "老甄家院子"}, context=ctx))  # fmt: skip
    store.activities.add(
        Activity(date=date(2026, 11, 4), title="广场舞", platform="健身体育服务", venue_id=str(hall.id))
    )
    assert [e.topic for e in store.lectures.page(EventFilter(text="多功能厅"))] == ["乡村振兴政策解读"]
    assert [e.topic for e in store.lectures.page(EventFilter(text="老甄家"))] == ["反诈骗知识"]
    assert store.activities.count_matching(EventFilter(text="多功能厅")) == 1
    # A list line names the place: the 地点 typed, else the venue's name.
    assert [line.place for line in store.lectures.listed()] == ["老甄家院子", "党群服务中心多功能厅"]
