"""The Store: one open station database and its repositories."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.storage.db import Actor, connect, write_transaction
from station_tui.storage.migrations import LATEST, migrate

if TYPE_CHECKING:
    from station_tui.storage.repositories.attendance import AttendanceRepository
    from station_tui.storage.repositories.events import ActivityRepository, LectureRepository
    from station_tui.storage.repositories.people import PeopleRepository
    from station_tui.storage.repositories.station import StationRepository
    from station_tui.storage.repositories.teams import TeamMemberRepository, TeamRepository, VenueRepository


class Store:
    """A station database, migrated and ready, with a repository per kind of record.

    One connection guarded by a lock, so Textual worker threads can share it; every write
    is one ``BEGIN IMMEDIATE`` transaction attributed to ``actor`` in the audit.
    """

    def __init__(self, path: str | os.PathLike[str], *, actor: Actor | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or Actor.current()
        self._lock = threading.RLock()
        self.conn = connect(self.path, newest_schema=LATEST)
        try:
            migrate(self.conn)
        except BaseException:
            self.conn.close()
            raise

    # -- repositories, made on first use: they import the pydantic models, which the app's
    # start-up path (the dashboard's figures) does not need -----------------------------
    @cached_property
    def station(self) -> StationRepository:
        from station_tui.storage.repositories.station import StationRepository

        return StationRepository(self)

    @cached_property
    def people(self) -> PeopleRepository:
        from station_tui.storage.repositories.people import PeopleRepository

        return PeopleRepository(self)

    @cached_property
    def teams(self) -> TeamRepository:
        from station_tui.storage.repositories.teams import TeamRepository

        return TeamRepository(self)

    @cached_property
    def team_members(self) -> TeamMemberRepository:
        from station_tui.storage.repositories.teams import TeamMemberRepository

        return TeamMemberRepository(self)

    @cached_property
    def venues(self) -> VenueRepository:
        from station_tui.storage.repositories.teams import VenueRepository

        return VenueRepository(self)

    @cached_property
    def lectures(self) -> LectureRepository:
        from station_tui.storage.repositories.events import LectureRepository

        return LectureRepository(self)

    @cached_property
    def activities(self) -> ActivityRepository:
        from station_tui.storage.repositories.events import ActivityRepository

        return ActivityRepository(self)

    @cached_property
    def attendance(self) -> AttendanceRepository:
        from station_tui.storage.repositories.attendance import AttendanceRepository

        return AttendanceRepository(self)

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, write_transaction(self.conn, self.actor) as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that must agree with each other (one read transaction)."""
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchone()

    def query_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first value of a query that always returns a row: a count, a PRAGMA."""
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchone()[0]

    def data_version(self) -> int:
        """Changes when *another* connection commits: the TUI polls it to refresh."""
        return int(self.query_value("PRAGMA data_version"))

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- station-wide facts ---------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def pending_changes(self) -> int:
        """Outbox rows the county has not acknowledged yet."""
        acked = int(self.meta("acked_seq", "0") or 0)
        return int(self.query_value("SELECT count(*) FROM outbox WHERE seq > ?", (acked,)))

    def last_sync(self) -> str | None:
        return self.meta("last_sync")
