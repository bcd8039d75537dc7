"""The county's store: stations, secrets, acks and the stations' records, through SQLAlchemy
Core so that SQLite (the embedded default) and PostgreSQL share one code path."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from county import auth, schema
from county.apply import apply_changes
from county.errors import AckBehind, ApiError
from county.rows import Incoming
from county.schema import (
    admin_tokens,
    enrollment_codes,
    epochs,
    quarantine,
    rate_buckets,
    records,
    stations,
    tokens,
)
from sync.protocol import (
    PROTOCOL_VERSION,
    AckStatus,
    EnrollRequest,
    EnrollResponse,
    StationInfo,
    utc_now,
)

log = logging.getLogger("county")

DB_ENV = "COUNTY_DB"
APP_NAME = "station-tui-county"
_STATION_CODE = re.compile(r"^\d{12}$")
_READ_ONLY = "county_read_only"


def default_url() -> str:
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path(APP_NAME, appauthor=False) / 'county.db'}"


def resolve_url(cli_value: str | None) -> str:
    """``--db`` beats ``COUNTY_DB`` beats a SQLite file in the platform's data directory.
    A bare path is taken as a SQLite file."""
    url = cli_value or os.environ.get(DB_ENV) or default_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, immediately
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            if conn.get_execution_options().get(_READ_ONLY):
                # Readers share the file with the writer (WAL): reports never hold up uploads.
                conn.exec_driver_sql("BEGIN")
            else:
                # Take the write lock up front: a batch never fails half-way on a lock upgrade.
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No server-side prepared statements: a generic plan made while a table was still empty
    # (a new county) would keep scanning it whole once it holds millions of changes.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"prepare_threshold": None})


@dataclass(frozen=True, slots=True)
class StationRow:
    id: int
    code: str
    name: str
    township: str

    def info(self) -> StationInfo:
        return StationInfo(code=self.code, name=self.name, township=self.township)


class CountyStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._leases = 0  # shared rate-limit leases taken, to sweep refilled buckets now and then
        try:
            schema.migrate(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A read-only transaction (one consistent snapshot; no write lock on SQLite)."""
        with self.engine.connect().execution_options(**{_READ_ONLY: True}) as conn, conn.begin():
            yield conn

    def __enter__(self) -> CountyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the county's own commands --------------------------------------------------------
    def add_station(self, code: str, name: str, township: str, days: float = auth.DEFAULT_CODE_DAYS) -> str:
        code, name, township = code.strip(), name.strip(), township.strip()
        if not _STATION_CODE.match(code):
            raise ApiError(
                400,
                "bad_request",
                f"站点代码应为 12 位数字（统计用区划代码），“{code}”不是",
                f"station code must be 12 digits, got {code!r}",
            )
        if not name or not township:
            raise ApiError(400, "bad_request", "站点名称和乡镇（街道）不能为空", "name and township must not be empty")
        with self.engine.begin() as conn:
            if conn.execute(select(stations.c.id).where(stations.c.code == code)).first():
                raise ApiError(
                    409,
                    "bad_request",
                    f"站点 {code} 已经存在；要重新发注册码请用 county-center station code {code}",
                    f"station {code} exists; use `county-center station code {code}` for a new code",
                )
            inserted = conn.execute(
                stations.insert().values(code=code, name=name, township=township, created_at=utc_now())
            ).inserted_primary_key
            assert inserted is not None  # one row was inserted
            return self._issue_code(conn, inserted[0], days)

    def issue_enrollment_code(self, code: str, days: float = auth.DEFAULT_CODE_DAYS) -> str:
        with self.engine.begin() as conn:
            station = self._station_by_code(conn, code)
            return self._issue_code(conn, station.id, days)

    def _issue_code(self, conn: Any, station_id: int, days: float) -> str:
        while True:
            plain = auth.new_enrollment_code()
            code_id, secret = auth.split_code(auth.normalize_code(plain))  # type: ignore[misc]
            # The id is public and short: one already given out (used or not) is drawn again.
            if conn.execute(select(enrollment_codes.c.code_id).where(enrollment_codes.c.code_id == code_id)).first():
                continue
            salt = auth.new_salt()
            conn.execute(
                enrollment_codes.insert().values(
                    code_hash=auth.code_hash(secret, salt),
                    code_id=code_id,
                    salt=salt,
                    station_id=station_id,
                    created_at=utc_now(),
                    expires_at=auth.expiry_after(days),
                )
            )
            return plain

    def revoke_station(self, code: str) -> int:
        """Revoke every live token and unused enrollment code of a station; returns tokens revoked."""
        now = utc_now()
        with self.engine.begin() as conn:
            station = self._station_by_code(conn, code)
            n = conn.execute(
                tokens.update()
                .where(and_(tokens.c.station_id == station.id, tokens.c.revoked_at.is_(None)))
                .values(revoked_at=now)
            ).rowcount
            conn.execute(
                enrollment_codes.update()
                .where(and_(enrollment_codes.c.station_id == station.id, enrollment_codes.c.used_at.is_(None)))
                .values(used_at=now)
            )
            return int(n or 0)

    def _station_by_code(self, conn: Any, code: str) -> StationRow:
        row = conn.execute(
            select(stations.c.id, stations.c.code, stations.c.name, stations.c.township).where(
                stations.c.code == code.strip()
            )
        ).first()
        if row is None:
            raise ApiError(
                404,
                "bad_request",
                f"县中心没有代码为 {code} 的站点（用 county-center station list 查看）",
                f"no station with code {code}",
            )
        return StationRow(*row)

    def list_stations(self) -> list[dict[str, Any]]:
        with self._reading() as conn:
            live: dict[int, int] = dict(
                conn.execute(
                    select(tokens.c.station_id, func.count())
                    .where(tokens.c.revoked_at.is_(None))
                    .group_by(tokens.c.station_id)
                ).all()
            )
            quarantined: dict[int, int] = dict(
                conn.execute(select(quarantine.c.station_id, func.count()).group_by(quarantine.c.station_id)).all()
            )
            rows = (
                conn.execute(
                    select(stations, epochs.c.epoch, epochs.c.ack_seq)
                    .select_from(stations.outerjoin(epochs, epochs.c.id == stations.c.last_epoch_id))
                    .order_by(stations.c.township, stations.c.code)
                )
                .mappings()
                .all()
            )
        return [
            {
                "code": r["code"],
                "name": r["name"],
                "township": r["township"],
                "enrolled": live.get(r["id"], 0) > 0,
                "last_sync": r["last_sync"],
                "epoch": r["epoch"],
                "acked_seq": r["ack_seq"] if r["ack_seq"] is not None else 0,
                "app_version": r["app_version"],
                "quarantined": quarantined.get(r["id"], 0),
            }
            for r in rows
        ]

    def quarantined(self, code: str | None = None) -> list[dict[str, Any]]:
        query = (
            select(
                stations.c.code,
                epochs.c.epoch,
                quarantine.c.seq,
                quarantine.c.change_id,
                quarantine.c.reason,
                quarantine.c.raw,
                quarantine.c.received_at,
            )
            .select_from(
                quarantine.join(stations, stations.c.id == quarantine.c.station_id).join(
                    epochs, epochs.c.id == quarantine.c.epoch_id
                )
            )
            .order_by(quarantine.c.id)
        )
        if code:
            query = query.where(stations.c.code == code.strip())
        with self._reading() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def new_admin_token(self) -> str:
        plain = auth.new_admin_token()
        with self.engine.begin() as conn:
            conn.execute(admin_tokens.insert().values(token_hash=auth.digest(plain), created_at=utc_now()))
        return plain

    def revoke_admin_tokens(self) -> int:
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    admin_tokens.update().where(admin_tokens.c.revoked_at.is_(None)).values(revoked_at=utc_now())
                ).rowcount
                or 0
            )

    def is_admin(self, token: str) -> bool:
        with self._reading() as conn:
            return (
                conn.execute(
                    select(admin_tokens.c.token_hash).where(
                        and_(admin_tokens.c.token_hash == auth.digest(token), admin_tokens.c.revoked_at.is_(None))
                    )
                ).first()
                is not None
            )

    # -- what stations ask ----------------------------------------------------------------
    def enroll(self, req: EnrollRequest) -> EnrollResponse:
        now = utc_now()
        with self.engine.begin() as conn:
            row = self._live_code(conn, auth.normalize_code(req.enrollment_code), now)
            station = self._station_by_id(conn, row[0])
            if req.station_code and req.station_code.strip() != station.code:
                raise ApiError(
                    409,
                    "station_mismatch",
                    f"这个注册码是发给站点 {station.code}（{station.name}）的，本站代码是 {req.station_code}。"
                    "请核对注册码或本站的区划代码。",
                    f"enrollment code belongs to station {station.code}, not {req.station_code}",
                )
            conn.execute(enrollment_codes.update().where(enrollment_codes.c.code_hash == row[1]).values(used_at=now))
            token = auth.new_station_token()
            conn.execute(
                tokens.insert().values(
                    token_hash=auth.digest(token),
                    station_id=station.id,
                    created_at=now,
                    enrolled_epoch=req.epoch,
                    app_version=req.app_version,
                )
            )
            conn.execute(stations.update().where(stations.c.id == station.id).values(app_version=req.app_version))
            _, ack = self._epoch(conn, station.id, req.epoch, now)
        return EnrollResponse(token=token, station=station.info(), epoch=req.epoch, ack_seq=ack, server_time=now)

    def _live_code(self, conn: Any, normalized: str, now: str) -> Any:
        """(station id, code hash) of an unused, unexpired code, locked; else the refusal."""
        columns = (
            enrollment_codes.c.station_id,
            enrollment_codes.c.code_hash,
            enrollment_codes.c.salt,
            enrollment_codes.c.used_at,
            enrollment_codes.c.expires_at,
        )
        parts = auth.split_code(normalized)
        if parts is not None:
            row = conn.execute(
                select(*columns).where(enrollment_codes.c.code_id == parts[0]).with_for_update()
            ).first()
            if row is not None and not auth.code_matches(parts[1], row.salt, row.code_hash):
                row = None
        elif len(normalized) == auth.LEGACY_CODE_LENGTH:
            row = conn.execute(
                select(*columns)
                .where(
                    and_(enrollment_codes.c.code_hash == auth.digest(normalized), enrollment_codes.c.code_id.is_(None))
                )
                .with_for_update()
            ).first()
        else:
            row = None
        if row is None or row.used_at is not None:
            raise ApiError(
                404,
                "enrollment_code_invalid",
                "注册码不对或已经用过。请核对，或向县中心索取新的注册码。",
                "enrollment code unknown or already used",
            )
        if row.expires_at is not None and row.expires_at <= now:
            raise ApiError(
                410,
                "enrollment_code_expired",
                f"这个注册码已经过期（有效期到 {row.expires_at}）。请向县中心索取新的注册码后再注册。",
                f"enrollment code expired at {row.expires_at}; ask the county for a new one",
            )
        return row

    def lease_permits(self, key: str, rate: float, burst: float, wanted: int, now: float) -> tuple[int, float]:
        """Take up to ``wanted`` permits from the shared bucket of ``key`` (county/rate_limits.py);
        returns (permits taken, seconds until one more is there when none was)."""
        from county.rate_limits import refill

        query = select(rate_buckets.c.tokens, rate_buckets.c.stamp).where(rate_buckets.c.key == key).with_for_update()
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
            if row is None:
                conn.execute(
                    _insert(conn)(rate_buckets).values(key=key, tokens=burst, stamp=now).on_conflict_do_nothing()
                )
                row = conn.execute(query).one()
            tokens = refill(row[0], row[1], rate, burst, now)
            taken = min(wanted, int(tokens))
            conn.execute(
                rate_buckets.update().where(rate_buckets.c.key == key).values(tokens=tokens - taken, stamp=now)
            )
            self._leases += 1
            if self._leases % 1000 == 0:
                # A bucket that has refilled is the same as none: forget those.
                conn.execute(rate_buckets.delete().where(rate_buckets.c.stamp < now - burst / rate - 60))
        return taken, 0.0 if taken else (1 - tokens) / rate

    def _other_epochs(self, conn: Any, station_id: int, epoch_id: int) -> bool:
        return (
            conn.execute(
                select(epochs.c.id).where(and_(epochs.c.station_id == station_id, epochs.c.id != epoch_id)).limit(1)
            ).first()
            is not None
        )

    def _station_by_id(self, conn: Any, station_id: int) -> StationRow:
        row = conn.execute(
            select(stations.c.id, stations.c.code, stations.c.name, stations.c.township).where(
                stations.c.id == station_id
            )
        ).first()
        return StationRow(*row)

    def authenticate(self, token: str | None) -> StationRow:
        """The station a token belongs to; 401 when it is missing, unknown or revoked."""
        if not token:
            raise _unauthorized()
        with self._reading() as conn:
            # One query per request: every upload of every station asks this first.
            row = conn.execute(
                select(tokens.c.revoked_at, stations.c.id, stations.c.code, stations.c.name, stations.c.township)
                .select_from(tokens.join(stations, stations.c.id == tokens.c.station_id))
                .where(tokens.c.token_hash == auth.digest(token))
            ).first()
        if row is None:
            raise _unauthorized()
        if row[0] is not None:
            raise _unauthorized(revoked=True)
        return StationRow(*row[1:])

    def ack_status(self, station: StationRow, epoch: str) -> AckStatus:
        with self._reading() as conn:
            row = conn.execute(
                select(epochs.c.ack_seq, epochs.c.last_sync).where(
                    and_(epochs.c.station_id == station.id, epochs.c.epoch == epoch)
                )
            ).first()
        ack, last = (int(row[0]), row[1]) if row else (0, None)
        return AckStatus(station=station.info(), epoch=epoch, ack_seq=ack, last_sync=last, server_time=utc_now())

    def _epoch(self, conn: Any, station_id: int, epoch: str, now: str) -> tuple[int, int]:
        """The epoch's row id (its rank) and ack, creating it at ack 0 the first time; locked."""
        query = (
            select(epochs.c.id, epochs.c.ack_seq)
            .where(and_(epochs.c.station_id == station_id, epochs.c.epoch == epoch))
            .with_for_update()
        )
        row = conn.execute(query).first()
        if row is None:
            # An enrollment and a first batch may race to create it: the loser just reads it.
            conn.execute(
                _insert(conn)(epochs)
                .values(station_id=station_id, epoch=epoch, ack_seq=0, first_seen=now)
                .on_conflict_do_nothing(index_elements=["station_id", "epoch"])
            )
            row = conn.execute(query).first()
        return int(row[0]), int(row[1])

    # -- applying a batch -----------------------------------------------------------------
    def apply(
        self, station: StationRow, epoch: str, after_seq: int, app_version: str, items: list[Incoming]
    ) -> dict[str, Any]:
        """Store one batch in one transaction; see docs/sync-protocol.md for the rules."""
        now = utc_now()
        for look_up_all in (False, True):
            try:
                with self.engine.begin() as conn:
                    # One batch per station at a time (PostgreSQL; SQLite's BEGIN IMMEDIATE already is).
                    conn.execute(select(stations.c.id).where(stations.c.id == station.id).with_for_update())
                    epoch_id, ack = self._epoch(conn, station.id, epoch, now)
                    if after_seq > ack:
                        raise AckBehind(ack, after_seq)
                    # Every change stored in an epoch has a seq up to its ack. So when the station
                    # has had no other epoch, changes past the ack are new and only the others
                    # need their ids looked up: most uploads skip the lookup entirely.
                    unseen_after = None if look_up_all or self._other_epochs(conn, station.id, epoch_id) else ack
                    outcome = apply_changes(conn, station.id, epoch_id, items, now, unseen_after=unseen_after)
                    new_ack = max(ack, items[-1].seq) if items else ack
                    conn.execute(
                        epochs.update().where(epochs.c.id == epoch_id).values(ack_seq=new_ack, last_sync=now)
                    )
                    conn.execute(
                        stations.update()
                        .where(stations.c.id == station.id)
                        .values(last_sync=now, app_version=app_version, last_epoch_id=epoch_id)
                    )
                break
            except (IntegrityError, self.engine.dialect.loaded_dbapi.IntegrityError):  # (COPY's own, unwrapped)
                if look_up_all:
                    raise
                # A change or a record taken as new had been stored after all (an outbox edited
                # by hand? a record inserted twice?). Nothing of this attempt was kept; this
                # time every id and every record is looked up.
                log.warning("station %s: a change past the ack was not new after all; applying again", station.code)
        # A plain dict shaped as ``protocol.BatchResult``.
        return {
            "protocol_version": PROTOCOL_VERSION,
            "epoch": epoch,
            "ack_seq": new_ack,
            "counts": outcome.counts,
            "results": outcome.notes,
            "server_time": now,
        }

    # -- what reports read ----------------------------------------------------------------
    def all_stations(self) -> list[dict[str, Any]]:
        with self._reading() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(
                        stations.c.id, stations.c.code, stations.c.name, stations.c.township, stations.c.last_sync
                    ).order_by(stations.c.township, stations.c.code)
                ).mappings()
            ]

    def live_rows(self, tables: Sequence[str]) -> Iterator[tuple[int, str, str]]:
        """(station id, table, row JSON) of every record not deleted in these tables."""
        with self._reading() as conn:
            result = conn.execution_options(yield_per=2000).execute(
                select(records.c.station_id, records.c.tbl, records.c.row_json).where(
                    and_(records.c.tbl.in_(list(tables)), records.c.deleted == 0)
                )
            )
            for station_id, tbl, row_json in result:
                yield int(station_id), tbl, row_json

    def station_rows(self, tables: Sequence[str], township: str | None = None) -> list[dict[str, Any]]:
        """Every record not deleted in these tables, with the station that uploaded it (its
        code, name and township), optionally only the stations of one township. The station
        a record belongs to is the one whose token uploaded it, never what the row says."""
        where = [records.c.tbl.in_(list(tables)), records.c.deleted == 0]
        if township is not None:
            where.append(stations.c.township == township)
        query = (
            select(stations.c.code, stations.c.name, stations.c.township, records.c.tbl, records.c.row_json)
            .select_from(records.join(stations, stations.c.id == records.c.station_id))
            .where(and_(*where))
            .order_by(stations.c.township, stations.c.code)
        )
        with self._reading() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def rows_of_station(
        self, code: str, tables: Sequence[str], containing: str | None = None
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """One station (its code, name and township; None when the county has no such station)
        and its records not deleted in these tables: those its token uploaded. ``containing``
        narrows them to rows whose text holds it (a number, a person's id); the caller still
        reads each row's fields to be sure."""
        with self._reading() as conn:
            try:
                station = self._station_by_code(conn, code)
            except ApiError:
                return None, []
            query = select(records.c.tbl, records.c.row_json).where(
                and_(records.c.station_id == station.id, records.c.tbl.in_(list(tables)), records.c.deleted == 0))
            if containing is not None:
                query = query.where(records.c.row_json.contains(containing, autoescape=True))
            found = [dict(r) for r in conn.execute(query).mappings()]
        return {"code": station.code, "name": station.name, "township": station.township}, found


def _insert(conn: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _unauthorized(revoked: bool = False) -> ApiError:
    from county.errors import unauthorized

    return unauthorized(revoked)
