"""Teams, their members and venues' 设施 and 开放时间 reach a real county (SQLite and PostgreSQL
stores) through ``station sync``, a removed member as a tombstone."""

from __future__ import annotations

import json
from datetime import date

from station_tui.domain import Lecture, Person, Team, Venue
from tests.county_server import County
from tests.sync.support import StationPC


def test_venue_columns_teams_and_members_reach_the_county(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        venue = s.venues.add(
            Venue(name="新时代文明实践站活动室", address="党群服务中心二楼", capacity=60,
                  facilities="音响、投影仪、桌椅 60 套", open_hours="每天 8:30–11:30、14:30–17:30")
        )  # fmt: skip
        lecture = s.lectures.add(Lecture(date=date(2026, 3, 5), topic="乡村振兴政策解读", venue_id=str(venue.id)))
        zhang, li = s.people.add(Person(name="张三", is_volunteer=True)), s.people.add(Person(name="李四"))
        team = s.teams.save(
            Team(name="百姓宣讲队", category="科学理论宣讲", leader_id=str(zhang.id)), add=[str(zhang.id), str(li.id)]
        )
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    held = county.records(station_pc.code)
    assert held == station_pc.expected_records()
    version, deleted, row = held[("venues", str(venue.id))]
    assert (version, deleted) == (1, 0)
    assert (row["facilities"], row["open_hours"]) == ("音响、投影仪、桌椅 60 套", "每天 8:30–11:30、14:30–17:30")
    assert held[("lectures", str(lecture.id))][2]["venue_id"] == str(venue.id)
    assert held[("teams", str(team.id))][2]["leader_id"] == str(zhang.id)

    # Later: the venue's hours change, 李四 leaves the team.
    with station_pc.store() as s:
        s.venues.update(s.venues.require(str(venue.id)).model_copy(update={"open_hours": "周一至周五 9:00–17:00"}))
        s.teams.save(s.teams.require(str(team.id)), remove=[str(li.id)])
        member_id = s.query_value("SELECT id FROM team_members WHERE person_id = ?", (str(li.id),))
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    held = county.records(station_pc.code)
    assert held == station_pc.expected_records()
    version, deleted, row = held[("venues", str(venue.id))]
    assert (version, deleted, row["open_hours"], row["facilities"]) == (
        2, 0, "周一至周五 9:00–17:00", "音响、投影仪、桌椅 60 套",
    )  # fmt: skip
    assert held[("team_members", member_id)][:2] == (2, 1)  # the membership ended: a tombstone
    quarantined = county.cli("quarantine", "--station", station_pc.code, "--json")
    assert json.loads(quarantined.stdout) == []
