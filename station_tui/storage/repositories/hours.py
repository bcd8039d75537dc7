"""The hours ledger (时长台账): entries only ever added, balances summed.

Earned entries (获得) are made by the roster save itself (``credit_roster_hours``, called in
the same transaction as the attendance lines it follows): a new credited line adds one, a
changed line voids its entry and adds a new one, a removed line (or a deleted event) voids.
By hand there are 补录 (a late entry) and 作废 (the void of a 补录). An earned entry is
corrected in the roster, never voided by hand: the ledger then always holds, per line, what
the roster credits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from station_tui.domain.hours import format_tenths
from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import ENTRY_MAX_TENTHS, HoursEntry, Person
from station_tui.storage.ids import new_id
from station_tui.storage.repositories.base import NotFound, Repository, now_local


class LedgerRefusal(ValueError):
    """A 补录 or 作废 the ledger's rules refuse, said in plain Chinese."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored ledger entry as a page reads it: the table's checks (and its refusal of any
    later change) hold each row to ``HoursEntry``'s rules, so a page of hundreds is read as
    plain values, not validated again (bench/person_page.py: 431 entries in a few ms)."""

    id: str
    person_id: str
    date: date
    entry_kind: str
    tenths: int
    content: str | None
    reason: str | None
    operator: str
    attendance_id: str | None
    lecture_id: str | None
    activity_id: str | None
    voids_id: str | None
    created_at: str


_ENTRY_COLUMNS = ", ".join(f"e.{name}" for name in Entry.__slots__)


@dataclass(frozen=True)
class LedgerLine:
    """An entry as a person's page shows it: with what it was for, and its void if any."""

    entry: Entry
    #: The event's topic or title, or the entry's own 服务内容.
    what: str
    #: The 作废 entry that voids this one (None: it stands).
    voided_by: str | None


@dataclass(frozen=True)
class YearOfHours:
    year: int
    tenths: int
    lines: list[LedgerLine]


@dataclass(frozen=True)
class PersonPage:
    """What a person's page shows, read in one snapshot: who, their teams, their ledger."""

    person: Person
    teams: list[str]
    balance: int
    years: list[YearOfHours]


#: Reasons the roster save writes on the entries it makes.
_EARNED = "签到记录"
_LINE_CHANGED = "签到记录已修改"
_LINE_REMOVED = "签到记录已删除"
_EVENT_REMOVED = "活动或宣讲已删除"

_LINE = """
SELECT a.id, a.person_id, a.credited_tenths, a.deleted, a.lecture_id, a.activity_id,
       COALESCE(l.date, v.date) AS date, COALESCE(l.deleted, v.deleted, 1) AS event_deleted
  FROM attendance a
  LEFT JOIN lectures l ON l.id = a.lecture_id
  LEFT JOIN activities v ON v.id = a.activity_id
 WHERE a.id = ?"""

#: The earned entries of a line that no void names.
_STANDING = """
SELECT e.* FROM hours_entries e
 WHERE e.attendance_id = ? AND e.entry_kind = '获得'
   AND NOT EXISTS (SELECT 1 FROM hours_entries x WHERE x.voids_id = e.id)"""

_INSERT = """
INSERT INTO hours_entries (id, person_id, date, entry_kind, tenths, attendance_id, lecture_id, activity_id,
                           content, voids_id, reason, operator, row_version, created_at, updated_at, deleted)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 0)"""


def credit_roster_hours(conn: sqlite3.Connection, line_ids: Iterable[str], operator: str) -> None:
    """Bring the ledger in line with these attendance lines, inside the caller's transaction:
    each line that credits hours (named, not deleted, on an event not deleted) has exactly one
    standing earned entry for its person, its event's date and its hours; any other standing
    earned entry of the line is voided. Lines already in line are left alone."""
    stamp = now_local()
    for line_id in dict.fromkeys(line_ids):
        line = conn.execute(_LINE, (line_id,)).fetchone()
        want: tuple[Any, ...] | None = None
        why = _LINE_REMOVED
        if line is not None and not line["deleted"] and not line["event_deleted"]:
            why = _LINE_CHANGED
            if line["person_id"] is not None and line["credited_tenths"] > 0:
                want = (line["person_id"], line["date"], min(line["credited_tenths"], ENTRY_MAX_TENTHS))
        elif line is not None and line["event_deleted"]:
            why = _EVENT_REMOVED
        for entry in conn.execute(_STANDING, (line_id,)).fetchall():
            if want is not None and (entry["person_id"], entry["date"], entry["tenths"]) == want:
                want = None  # already stands: keep it (and void any twin of it)
                continue
            _void_in(conn, entry, why, operator, stamp)
        if want is not None:
            person_id, day, tenths = want
            conn.execute(
                _INSERT,
                (new_id(), person_id, day, "获得", tenths, line_id, line["lecture_id"], line["activity_id"], None,
                 None, _EARNED, operator, stamp, stamp),
            )


def credit_event_hours(conn: sqlite3.Connection, event_kind: str, event_id: str, operator: str) -> None:
    """The same for every line of one event: after the event was deleted or its date changed."""
    column = "lecture_id" if event_kind == "lecture" else "activity_id"
    ids = [r[0] for r in conn.execute(f"SELECT id FROM attendance WHERE {column} = ?", (event_id,))]
    credit_roster_hours(conn, ids, operator)


def _void_in(conn: sqlite3.Connection, entry: sqlite3.Row, reason: str, operator: str, stamp: str) -> str:
    void_id = new_id()
    conn.execute(
        _INSERT,
        (void_id, entry["person_id"], entry["date"], "作废", -entry["tenths"], entry["attendance_id"],
         entry["lecture_id"], entry["activity_id"], None, entry["id"], reason, operator, stamp, stamp),
    )
    return void_id


class HoursLedgerRepository(Repository[HoursEntry]):
    kind = BY_TABLE["hours_entries"]

    # -- reads ---------------------------------------------------------------------------
    def balance(self, person_id: str) -> int:
        """A person's hours (tenths): the sum of their entries."""
        return int(self.store.query_value(
            "SELECT COALESCE(sum(tenths), 0) FROM hours_entries WHERE person_id = ?", (person_id,)))

    def lines(self, person_id: str) -> list[LedgerLine]:
        """A person's entries, newest first by their own date, each with what it was for."""
        rows = self.store.query(
            f"""SELECT {_ENTRY_COLUMNS}, COALESCE(l.topic, v.title, e.content, '') AS what,
                      (SELECT x.id FROM hours_entries x WHERE x.voids_id = e.id) AS voided_by
                 FROM hours_entries e
                 LEFT JOIN lectures l ON l.id = e.lecture_id
                 LEFT JOIN activities v ON v.id = e.activity_id
                WHERE e.person_id = ?
                ORDER BY e.date DESC, e.created_at DESC, e.id""",
            (person_id,),
        )
        width = len(Entry.__slots__)
        lines = []
        for r in rows:
            values = list(r[:width])
            values[2] = date.fromisoformat(values[2])
            lines.append(LedgerLine(Entry(*values), r[width], r[width + 1]))
        return lines

    def by_year(self, person_id: str) -> list[YearOfHours]:
        """The ledger grouped by the entries' year, newest year first, each with its total."""
        years: dict[int, list[LedgerLine]] = {}
        for line in self.lines(person_id):
            years.setdefault(line.entry.date.year, []).append(line)
        return [YearOfHours(y, sum(x.entry.tenths for x in ls), ls) for y, ls in years.items()]

    def recent_events(self, limit: int) -> list[tuple[str, str, str, str]]:
        """The latest lectures and activities not deleted, newest first, for a 补录 to name:
        (kind, id, date, topic or title)."""
        rows = self.store.query(
            """SELECT * FROM (
                 SELECT 'lecture', id, date, topic, start_time, created_at FROM lectures WHERE deleted = 0
                 UNION ALL
                 SELECT 'activity', id, date, title, start_time, created_at FROM activities WHERE deleted = 0
               ) ORDER BY 3 DESC, 5 DESC, 6 DESC LIMIT ?""",
            (limit,),
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def first_date(self, person_id: str) -> date | None:
        """The day of the person's first hours-ledger entry, None when they have none."""
        first = self.store.query_value("SELECT min(date) FROM hours_entries WHERE person_id = ?", (person_id,))
        return date.fromisoformat(first) if first else None

    def person_page(self, person_id: str) -> PersonPage | None:
        """A person's page (None: no such person, or deleted)."""
        with self.store.snapshot():
            person = self.store.people.get(person_id)
            if person is None:
                return None
            teams = [team.name for team in self.store.team_members.teams_of(person_id)]
            years = self.by_year(person_id)
        return PersonPage(person, teams, sum(y.tenths for y in years), years)

    # -- by hand ---------------------------------------------------------------------------
    def late_entry(
        self,
        person_id: str,
        day: date,
        tenths: int,
        reason: str,
        operator: str,
        *,
        content: str | None = None,
        event_kind: str | None = None,
        event_id: str | None = None,
    ) -> HoursEntry:
        """A 补录: hours served and not recorded on a roster. Raises LedgerRefusal or
        ValidationError (hours ≤ 0 or beyond a day, no reason, nothing named)."""
        if tenths <= 0:
            raise LedgerRefusal("补录的时长应大于 0 小时")
        if tenths > ENTRY_MAX_TENTHS:
            raise LedgerRefusal(f"补录的时长 {format_tenths(tenths)} 小时超过了一天（每条最多 24 小时），请核对")
        if day > date.today():
            raise LedgerRefusal(f"日期 {day.isoformat()} 晚于今天，只能补录已经服务过的时长")
        entry = HoursEntry(
            person_id=person_id, date=day, entry_kind="补录", tenths=tenths, content=content, reason=reason,
            operator=operator,
            lecture_id=event_id if event_kind == "lecture" else None,
            activity_id=event_id if event_kind == "activity" else None,
        )
        with self.store.write() as conn:
            if conn.execute("SELECT 1 FROM people WHERE id = ? AND deleted = 0", (person_id,)).fetchone() is None:
                raise NotFound("people", person_id)
            return self._insert(conn, entry)

    def void(self, entry_id: str, reason: str, operator: str) -> HoursEntry:
        """A 作废 of a 补录: its negative, naming it. Raises LedgerRefusal when the entry is a
        void itself, is voided already, or came from a roster line."""
        if not reason.strip():
            raise LedgerRefusal("作废须写明原因")
        with self.store.write() as conn:
            entry = conn.execute("SELECT * FROM hours_entries WHERE id = ?", (entry_id,)).fetchone()
            if entry is None:
                raise NotFound("hours_entries", entry_id)
            if entry["entry_kind"] == "作废":
                raise LedgerRefusal("这是一条作废记录，不能再作废")
            done = conn.execute("SELECT created_at FROM hours_entries WHERE voids_id = ?", (entry_id,)).fetchone()
            if done is not None:
                raise LedgerRefusal(f"这条记录已经在 {done[0].replace('T', ' ')} 作废过了，不能重复作废")
            if entry["entry_kind"] == "获得":
                raise LedgerRefusal("这条时长来自签到记录：请在那场活动的签到名单里修改服务时长或删除那一行")
            void = HoursEntry(
                person_id=entry["person_id"], date=date.fromisoformat(entry["date"]), entry_kind="作废",
                tenths=-entry["tenths"], voids_id=entry_id, reason=reason.strip(), operator=operator,
                lecture_id=entry["lecture_id"], activity_id=entry["activity_id"], content=entry["content"],
            )
            return self._insert(conn, void)

    # -- never -----------------------------------------------------------------------------
    def update(self, record: HoursEntry) -> HoursEntry:
        raise LedgerRefusal("时长台账的记录不能修改：更正请作废原记录并补录新的")

    def force_update(self, record: HoursEntry) -> HoursEntry:
        return self.update(record)

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        raise LedgerRefusal("时长台账的记录不能删除：更正请作废原记录并补录新的")
