from __future__ import annotations

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Person, Team, TeamMember, Venue
from station_tui.storage.repositories.base import Repository


class TeamRepository(Repository[Team]):
    kind = BY_TABLE["teams"]

    def by_name(self, name: str) -> Team | None:
        row = self.store.query_one("SELECT * FROM teams WHERE deleted = 0 AND name = ? LIMIT 1", (name,))
        return self.from_row(row) if row else None

    def all(self) -> list[Team]:
        return [self.from_row(r) for r in self.store.query("SELECT * FROM teams WHERE deleted = 0 ORDER BY name")]


class TeamMemberRepository(Repository[TeamMember]):
    kind = BY_TABLE["team_members"]

    def teams_of(self, person_id: str) -> list[Team]:
        rows = self.store.query(
            """SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id
               WHERE m.person_id = ? AND m.deleted = 0 AND t.deleted = 0 ORDER BY t.name""",
            (person_id,),
        )
        return [self.store.teams.from_row(r) for r in rows]

    def people_in(self, team_id: str) -> list[Person]:
        """The team's members as they stand (memberships and people not deleted), by pinyin:
        what 签到's "add a whole team" puts on a roster."""
        rows = self.store.query(
            """SELECT p.* FROM people p JOIN team_members m ON m.person_id = p.id
               WHERE m.team_id = ? AND m.deleted = 0 AND p.deleted = 0 ORDER BY p.pinyin_full, p.name, p.id""",
            (team_id,),
        )
        return [self.store.people.from_row(r) for r in rows]

    def sizes(self) -> dict[str, int]:
        """Members (not deleted, people not deleted) of each team that has any, by team id."""
        rows = self.store.query(
            """SELECT m.team_id, count(*) FROM team_members m JOIN people p ON p.id = m.person_id
               WHERE m.deleted = 0 AND p.deleted = 0 GROUP BY m.team_id"""
        )
        return {str(r[0]): int(r[1]) for r in rows}


class VenueRepository(Repository[Venue]):
    kind = BY_TABLE["venues"]

    def all(self) -> list[Venue]:
        return [self.from_row(r) for r in self.store.query("SELECT * FROM venues WHERE deleted = 0 ORDER BY name")]
