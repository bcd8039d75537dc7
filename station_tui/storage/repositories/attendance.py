"""Attendance (签到): named persons with a role, or a headcount, on a lecture or activity."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Attendance, Event, Person
from station_tui.storage.repositories.base import NotFound, Repository, like_escaped, to_sql
from station_tui.storage.repositories.hours import credit_roster_hours
from station_tui.storage.repositories.points import follow_roster_points, load_points_rules

if TYPE_CHECKING:
    from station_tui.domain.points import PointsRules


class DuplicateAttendance(sqlite3.IntegrityError):
    """The same person twice on one roster: the unique index's IntegrityError, said plainly."""

    def __init__(self, person_id: str | None = None) -> None:
        super().__init__("这个人已经在签到名单上了，同一人不能重复签到")
        self.person_id = person_id


@dataclass(frozen=True)
class RosterLine:
    attendance: Attendance
    person: Person | None


@dataclass(frozen=True)
class RosterSource:
    """A lecture or activity whose roster another one can start from."""

    event_kind: str
    event_id: str
    date: str
    start_time: str | None
    title: str
    #: Named lines on its roster (headcounts are not copied, so not counted).
    named: int


class AttendanceRepository(Repository[Attendance]):
    kind = BY_TABLE["attendance"]

    def to_row(self, record: Attendance) -> dict[str, Any]:
        row = super().to_row(record)
        row["lecture_id"] = record.event_id if record.event_kind == "lecture" else None
        row["activity_id"] = record.event_id if record.event_kind == "activity" else None
        return row

    def from_row(self, row: sqlite3.Row) -> Attendance:
        data = dict(row)
        kind = "lecture" if data.get("lecture_id") else "activity"
        data["event_kind"], data["event_id"] = kind, data.get("lecture_id") or data.get("activity_id")
        return Attendance.model_construct(
            **{
                **{k: v for k, v in data.items() if k in Attendance.model_fields},
                **_times(data),
                "deleted": bool(data.get("deleted")),
            }
        )

    def _event(self, record: Attendance) -> Event:
        repo = self.store.lectures if record.event_kind == "lecture" else self.store.activities
        event = repo.get(record.event_id)
        if event is None:
            raise NotFound(repo.table, record.event_id)
        return event

    def _checked(self, record: Attendance) -> Attendance:
        """Re-validate against the event: credited hours may not exceed its length."""
        return Attendance.model_validate(record.model_dump(), context={"event": self._event(record)})

    # The hours ledger follows every roster line written, in the same transaction (hours.py):
    # whoever writes the line (a roster save, a lecture placing its speaker, an import).
    def _insert(self, conn: sqlite3.Connection, record: Attendance) -> Attendance:
        try:
            saved = super()._insert(conn, record)
        except sqlite3.IntegrityError as exc:
            if "attendance_once" in str(exc) or "UNIQUE" in str(exc):
                raise DuplicateAttendance(record.person_id) from exc
            raise
        self._credit_hours(conn, [saved])
        return saved

    def _update(self, conn: sqlite3.Connection, record: Attendance) -> Attendance:
        try:
            saved = super()._update(conn, record)
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateAttendance(record.person_id) from exc
            raise
        self._credit_hours(conn, [saved])
        return saved

    def _soft_delete(self, conn: sqlite3.Connection, record_id: str, expected_version: int | None) -> None:
        super()._soft_delete(conn, record_id, expected_version)
        credit_roster_hours(conn, [record_id], self.store.actor.user)

    def _credit_hours(self, conn: sqlite3.Connection, lines: list[Attendance]) -> None:
        credit_roster_hours(conn, [str(line.id) for line in lines], self.store.actor.user)

    def add(self, record: Attendance) -> Attendance:
        return super().add(self._checked(record))

    def update(self, record: Attendance) -> Attendance:
        return super().update(self._checked(record))

    def force_update(self, record: Attendance) -> Attendance:
        return super().force_update(self._checked(record))

    def add_all_in(self, conn: sqlite3.Connection, records: list[Attendance]) -> list[Attendance]:
        saved = super().add_all_in(conn, records)
        self._credit_hours(conn, [line for line in saved if line.credited_tenths])
        return saved

    def add_many(self, records: list[Attendance]) -> list[Attendance]:
        """Several lines in one transaction: a roster is saved whole or not at all."""
        checked = [self._checked(r) for r in records]
        with self.store.write() as conn:
            return [self._insert(conn, r) for r in checked]

    def save_roster(
        self,
        added: list[Attendance] = (),  # type: ignore[assignment]
        updated: list[Attendance] = (),  # type: ignore[assignment]
        removed: list[Attendance] = (),  # type: ignore[assignment]
        *,
        points_rules: PointsRules | None = None,
    ) -> list[Attendance]:
        """A roster editor's whole save in one transaction: removals first (so a person removed
        and added back is not a duplicate), then edits, then new lines, then the ledgers that
        follow the roster. Raises StaleRecord, NotFound, DuplicateAttendance, ValidationError or
        PointsShort (a correction would take back points already spent) and then nothing is
        written. ``points_rules``: the station's (settings.json) when not given."""
        checked_updates = [self._checked(r) for r in updated]
        checked_adds = [self._checked(r) for r in added]
        if points_rules is None:
            points_rules = load_points_rules()
        events = [(r.event_kind, r.event_id) for r in (*removed, *checked_updates, *checked_adds)]
        with self.store.write() as conn:
            for record in removed:
                self._soft_delete(conn, str(record.id), record.row_version)
            saved = [self._update(conn, r) for r in checked_updates]
            saved += [self._insert(conn, r) for r in checked_adds]
            follow_roster_points(conn, self.store, events, points_rules)
        return saved

    def roster(self, event_kind: str, event_id: str) -> list[RosterLine]:
        column = "lecture_id" if event_kind == "lecture" else "activity_id"
        rows = self.store.query(
            f"""SELECT a.*, p.id AS p_id FROM attendance a LEFT JOIN people p ON p.id = a.person_id
                WHERE a.{column} = ? AND a.deleted = 0
                ORDER BY CASE a.role WHEN '宣讲员' THEN 0 WHEN '志愿者' THEN 1 ELSE 2 END, p.pinyin_full, a.id""",
            (event_id,),
        )
        lines = []
        for row in rows:
            att = self.from_row(row)
            person = self.store.people.get(att.person_id, include_deleted=True) if att.person_id else None
            lines.append(RosterLine(att, person))
        return lines


    def named_people(self, event_kind: str, event_id: str) -> list[tuple[Person, str]]:
        """The people on an event's roster with their roles, for another roster to start from:
        named lines only (a headcount was that day's crowd), people still on the station's list."""
        return [
            (line.person, str(line.attendance.role or "群众"))
            for line in self.roster(event_kind, event_id)
            if line.person is not None and not line.person.deleted
        ]

    def earlier_rosters(
        self, *, besides: str | None = None, text: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[RosterSource]:
        """Lectures and activities with a named roster, newest first (by their own date and
        time, never by id), except the event ``besides``; ``text`` narrows them to a topic or
        title holding it, or a date starting with it (``2026-11``)."""
        named = "(SELECT count(*) FROM attendance a WHERE a.{fk} = e.id AND a.deleted = 0 AND a.person_id IS NOT NULL)"
        part = (
            "SELECT '{kind}' AS kind, e.id, e.date, e.start_time, e.created_at, e.{title} AS title, "
            + named
            + " AS named FROM {table} e WHERE e.deleted = 0 AND e.id IS NOT ?"
        )
        sql = (
            part.format(kind="lecture", title="topic", table="lectures", fk="lecture_id")
            + " UNION ALL "
            + part.format(kind="activity", title="title", table="activities", fk="activity_id")
        )
        where, params = ["named > 0"], [besides, besides]
        if text and text.strip():
            for word in text.split():
                where.append("(title LIKE ? ESCAPE '\\' OR date LIKE ? ESCAPE '\\')")
                params += [f"%{like_escaped(word)}%", f"{like_escaped(word)}%"]
        rows = self.store.query(
            f"SELECT * FROM ({sql}) WHERE {' AND '.join(where)}"
            " ORDER BY date DESC, start_time DESC, created_at DESC, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [
            RosterSource(r["kind"], r["id"], r["date"], r["start_time"], r["title"], int(r["named"])) for r in rows
        ]


def _times(data: dict[str, Any]) -> dict[str, Any]:
    from datetime import time

    out: dict[str, Any] = {}
    for key in ("sign_in", "sign_out"):
        value = data.get(key)
        out[key] = time.fromisoformat(value) if isinstance(value, str) and value else None
    return out


__all__ = ["AttendanceRepository", "DuplicateAttendance", "RosterLine", "RosterSource", "to_sql"]
