"""队伍: the station's volunteer teams (志愿服务队) with their category, leader and member count;
search by name or note; new/edit through the team form (members there), delete asks first."""

from __future__ import annotations

from typing import Any

from station_tui.widgets.paged import Column, list_columns
from station_tui.widgets.record_list import RecordListScreen


class TeamListScreen(RecordListScreen):
    MODE = "teams"
    KIND = "team"
    COLUMNS = list_columns(
        "team",
        "name",
        "category",
        Column("leader", "col.leader", 10),
        Column("members", "col.members", 6),
    )

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        store = self.station_app.store
        with store.snapshot():
            total = store.teams.count_found(flt)
            lines = store.teams.lines(store.teams.search_page(flt, limit=limit, offset=offset))
        return [(str(line.team.id), self.cells(line)) for line in lines], total

    def cells(self, record: Any) -> tuple[Any, ...]:
        """A team's line (``TeamLine``): its declared fields, its leader's name, its members."""
        computed = {"leader": record.leader, "members": record.members}
        return tuple(computed[c.key] if c.key in computed else self.cell(record.team, c) for c in self.COLUMNS)

    def describe(self, record: Any) -> str:
        return str(record.name)
