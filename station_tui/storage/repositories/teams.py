"""Teams (志愿服务队) with their members, and venues (阵地)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Person, Team, TeamMember, Venue
from station_tui.storage.repositories.base import NotFound, Repository, like_escaped, now_local

if TYPE_CHECKING:
    import sqlite3


class DuplicateTeamName(ValueError):
    """Another team not deleted has this name: two teams of one name cannot be told apart in
    the activity form's list or the people import's 所属队伍 column."""

    def __init__(self, name: str) -> None:
        super().__init__(f"已有名为“{name}”的队伍，请换一个名称")
        self.name = name


@dataclass(frozen=True)
class TeamLine:
    """A team as its list shows it: its leader's name and how many members it has now."""

    team: Team
    leader: str
    members: int


class TeamRepository(Repository[Team]):
    kind = BY_TABLE["teams"]

    def by_name(self, name: str) -> Team | None:
        row = self.store.query_one("SELECT * FROM teams WHERE deleted = 0 AND name = ? LIMIT 1", (name,))
        return self.from_row(row) if row else None

    def all(self) -> list[Team]:
        return [self.from_row(r) for r in self.store.query("SELECT * FROM teams WHERE deleted = 0 ORDER BY name")]

    def _found(self, text: str | None) -> tuple[str, list[Any]]:
        """The 队伍 list's search: each word typed in the name, the category, the note or the
        leader's name (``search_page`` / ``count_found``)."""
        clauses, params = ["deleted = 0"], []
        for word in (text or "").split():
            clauses.append(
                "(name LIKE ? ESCAPE '\\' OR category LIKE ? ESCAPE '\\' OR note LIKE ? ESCAPE '\\'"
                " OR leader_id IN (SELECT id FROM people WHERE name LIKE ? ESCAPE '\\'))"
            )
            params += [f"%{like_escaped(word)}%"] * 4
        return " AND ".join(clauses), params

    def lines(self, teams: list[Team]) -> list[TeamLine]:
        """Each team of a page with its leader's name and its member count (one query)."""
        if not teams:
            return []
        ids = [str(team.id) for team in teams]
        marks = ", ".join("?" for _ in ids)
        rows = self.store.query(
            f"""SELECT t.id, p.name AS leader,
                       (SELECT count(*) FROM team_members m JOIN people q ON q.id = m.person_id
                         WHERE m.team_id = t.id AND m.deleted = 0 AND q.deleted = 0) AS members
                  FROM teams t LEFT JOIN people p ON p.id = t.leader_id AND p.deleted = 0
                 WHERE t.id IN ({marks})""",
            ids,
        )
        found = {r["id"]: (r["leader"] or "", int(r["members"])) for r in rows}
        return [TeamLine(team, *found.get(str(team.id), ("", 0))) for team in teams]

    def members(self, team_id: str) -> list[Person]:
        """The team's members now (people not deleted), by name as pinyin sorts it."""
        rows = self.store.query(
            """SELECT p.* FROM people p JOIN team_members m ON m.person_id = p.id
               WHERE m.team_id = ? AND m.deleted = 0 AND p.deleted = 0 ORDER BY p.pinyin_full, p.name, p.id""",
            (team_id,),
        )
        return [self.store.people.from_row(r) for r in rows]

    def save(
        self,
        team: Team,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        force: bool = False,
    ) -> Team:
        """Store a new or edited team and the members added and removed on its form, in one
        transaction. ``add`` and ``remove`` are what the user changed, applied to the members
        stored now: a member another session added meanwhile stays. A removed member's row is
        kept as a tombstone (deleted = 1), so the county learns of it. Raises StaleRecord as
        ``update`` does, DuplicateTeamName when another team has the name."""
        with self.store.write() as conn:
            clash = conn.execute(
                "SELECT 1 FROM teams WHERE deleted = 0 AND name = ? AND id IS NOT ?", (team.name, team.id)
            ).fetchone()
            if clash is not None:
                raise DuplicateTeamName(team.name)
            if team.id is None or conn.execute("SELECT 1 FROM teams WHERE id = ?", (team.id,)).fetchone() is None:
                saved = self._insert(conn, team)
            else:
                if force:
                    current = conn.execute("SELECT row_version FROM teams WHERE id = ?", (team.id,)).fetchone()
                    if current is None:
                        raise NotFound(self.table, str(team.id))
                    team = team.model_copy(update={"row_version": current[0]})
                saved = self._update(conn, team)
            members = self.store.team_members
            for person_id in dict.fromkeys(add):
                members.join_in(conn, str(saved.id), person_id)
            for person_id in dict.fromkeys(remove):
                members.leave_in(conn, str(saved.id), person_id)
            return saved


class TeamMemberRepository(Repository[TeamMember]):
    kind = BY_TABLE["team_members"]

    def teams_of(self, person_id: str) -> list[Team]:
        rows = self.store.query(
            """SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id
               WHERE m.person_id = ? AND m.deleted = 0 AND t.deleted = 0 ORDER BY t.name""",
            (person_id,),
        )
        return [self.store.teams.from_row(r) for r in rows]

    def join_in(self, conn: sqlite3.Connection, team_id: str, person_id: str) -> bool:
        """Make ``person_id`` a member inside the caller's transaction; False if already one."""
        if conn.execute("SELECT 1 FROM people WHERE id = ? AND deleted = 0", (person_id,)).fetchone() is None:
            raise NotFound("people", person_id)
        if conn.execute(
            "SELECT 1 FROM team_members WHERE team_id = ? AND person_id = ? AND deleted = 0", (team_id, person_id)
        ).fetchone():
            return False
        self._insert(conn, TeamMember(team_id=team_id, person_id=person_id))
        return True

    def leave_in(self, conn: sqlite3.Connection, team_id: str, person_id: str) -> bool:
        """End a membership inside the caller's transaction: its row becomes a tombstone
        (captured and uploaded as a delete). False if the person was no member."""
        cur = conn.execute(
            "UPDATE team_members SET deleted = 1, row_version = row_version + 1, updated_at = ?"
            " WHERE team_id = ? AND person_id = ? AND deleted = 0",
            (now_local(), team_id, person_id),
        )
        return cur.rowcount > 0
    def people_in(self, team_id: str) -> list[Person]:
        """The team's members as they stand (memberships and people not deleted), by pinyin:
        what 签到's "add a whole team" puts on a roster."""
        return self.store.teams.members(team_id)

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
