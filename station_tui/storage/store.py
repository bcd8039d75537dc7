"""The Store: one open station database and its repositories."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from station_tui.storage.db import Actor, connect, put_meta, write_transaction
from station_tui.storage.migrations import LATEST, migrate

if TYPE_CHECKING:
    from station_tui.storage.repositories.attendance import AttendanceRepository
    from station_tui.storage.repositories.base import Repository
    from station_tui.storage.repositories.certificates import CertificateRepository
    from station_tui.storage.repositories.county_word import CountyWord
    from station_tui.storage.repositories.events import ActivityRepository, LectureRepository
    from station_tui.storage.repositories.hours import HoursLedgerRepository
    from station_tui.storage.repositories.people import PeopleRepository
    from station_tui.storage.repositories.plans import PlanItemRepository, PlanRepository
    from station_tui.storage.repositories.points import GoodsRepository, PointsRepository, RedemptionRepository
    from station_tui.storage.repositories.requests import RequestRepository
    from station_tui.storage.repositories.station import StationRepository
    from station_tui.storage.repositories.teams import TeamMemberRepository, TeamRepository, VenueRepository

#: The kinds whose records need queries of their own: table → (module in
#: ``storage/repositories/``, class). Every other kind gets a plain ``Repository``.
_SPECIAL_REPOSITORIES: dict[str, tuple[str, str]] = {
    "station": ("station", "StationRepository"),
    "people": ("people", "PeopleRepository"),
    "teams": ("teams", "TeamRepository"),
    "team_members": ("teams", "TeamMemberRepository"),
    "venues": ("teams", "VenueRepository"),
    "lectures": ("events", "LectureRepository"),
    "activities": ("events", "ActivityRepository"),
    "attendance": ("attendance", "AttendanceRepository"),
    "plans": ("plans", "PlanRepository"),
    "plan_items": ("plans", "PlanItemRepository"),
    "hours_entries": ("hours", "HoursLedgerRepository"),
    "goods": ("points", "GoodsRepository"),
    "redemptions": ("points", "RedemptionRepository"),
    "points_entries": ("points", "PointsRepository"),
    "requests": ("requests", "RequestRepository"),
    "certificates": ("certificates", "CertificateRepository"),
}


class Store:
    """A station database, migrated and ready, with a repository per kind of record.

    One connection guarded by a lock, so Textual worker threads can share it; every write
    is one ``BEGIN IMMEDIATE`` transaction attributed to ``actor`` in the audit.
    """

    def __init__(self, path: str | os.PathLike[str], *, actor: Actor | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or Actor.current()
        self._lock = threading.RLock()
        self._repositories: dict[str, Repository[Any]] = {}
        self.conn = connect(self.path, newest_schema=LATEST)
        try:
            migrate(self.conn)
        except BaseException:
            self.conn.close()
            raise

    # -- repositories, made on first use: they import the pydantic models, which the app's
    # start-up path (the dashboard's figures) does not need -----------------------------
    def repository(self, table: str) -> Repository[Any]:
        """The repository of the record kind stored in ``table`` (domain/kinds.py), made once:
        the kind's own class when it has special queries, else a plain ``Repository``."""
        made = self._repositories.get(table)
        if made is not None:
            return made
        from importlib import import_module

        from station_tui.domain.kinds import BY_TABLE
        from station_tui.storage.repositories.base import Repository

        kind = BY_TABLE[table]  # a KeyError names a table no kind declares
        special = _SPECIAL_REPOSITORIES.get(table)
        if special is None:
            made = Repository(self, kind)
        else:
            module, name = special
            made = getattr(import_module(f"station_tui.storage.repositories.{module}"), name)(self)
        with self._lock:
            return self._repositories.setdefault(table, made)

    @property
    def station(self) -> StationRepository:
        return cast("StationRepository", self.repository("station"))

    @property
    def people(self) -> PeopleRepository:
        return cast("PeopleRepository", self.repository("people"))

    @property
    def teams(self) -> TeamRepository:
        return cast("TeamRepository", self.repository("teams"))

    @property
    def team_members(self) -> TeamMemberRepository:
        return cast("TeamMemberRepository", self.repository("team_members"))

    @property
    def venues(self) -> VenueRepository:
        return cast("VenueRepository", self.repository("venues"))

    @property
    def lectures(self) -> LectureRepository:
        return cast("LectureRepository", self.repository("lectures"))

    @property
    def activities(self) -> ActivityRepository:
        return cast("ActivityRepository", self.repository("activities"))

    @property
    def attendance(self) -> AttendanceRepository:
        return cast("AttendanceRepository", self.repository("attendance"))

    @property
    def plans(self) -> PlanRepository:
        return cast("PlanRepository", self.repository("plans"))

    @property
    def plan_items(self) -> PlanItemRepository:
        return cast("PlanItemRepository", self.repository("plan_items"))

    @property
    def hours_entries(self) -> HoursLedgerRepository:
        """The hours ledger (时长台账)."""
        return cast("HoursLedgerRepository", self.repository("hours_entries"))

    @property
    def hours(self) -> HoursLedgerRepository:
        """The hours ledger, by its short name: ``store.hours.balance(person_id)``."""
        return self.hours_entries

    @property
    def goods(self) -> GoodsRepository:
        return cast("GoodsRepository", self.repository("goods"))

    @property
    def redemptions(self) -> RedemptionRepository:
        return cast("RedemptionRepository", self.repository("redemptions"))

    @property
    def points_entries(self) -> PointsRepository:
        return cast("PointsRepository", self.repository("points_entries"))

    @property
    def stock_entries(self) -> Repository[Any]:
        return self.repository("stock_entries")

    @property
    def requests(self) -> RequestRepository:
        return cast("RequestRepository", self.repository("requests"))

    @property
    def request_moves(self) -> Repository[Any]:
        return self.repository("request_moves")

    @property
    def certificates(self) -> CertificateRepository:
        """The register of 志愿服务记录证明."""
        return cast("CertificateRepository", self.repository("certificates"))

    @property
    def county_word(self) -> CountyWord:
        """What the county published for this station (read only; sync/downlink.py)."""
        from station_tui.storage.repositories.county_word import CountyWord

        return CountyWord(self)

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
            put_meta(conn, key, value)

    def pending_changes(self) -> int:
        """Outbox rows the county has not acknowledged yet."""
        acked = int(self.meta("acked_seq", "0") or 0)
        return int(self.query_value("SELECT count(*) FROM outbox WHERE seq > ?", (acked,)))

    def last_sync(self) -> str | None:
        return self.meta("last_sync")
