"""The county store's tables (SQLAlchemy Core) and its forward-only migrations.

One definition serves SQLite and PostgreSQL. The schema version lives in ``county_meta``;
each migration runs in one transaction together with the version bump, under a lock
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so two processes starting
at once cannot both migrate.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
)

metadata = MetaData()

#: Key/value facts about the store itself (schema_version).
county_meta = Table(
    "county_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

stations = Table(
    "stations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("township", String(80), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("app_version", String(40)),
    Column("last_sync", String(32)),
    Column("last_epoch_id", BigInteger),
)

#: One-time enrollment codes (only their hash is kept).
enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("station_id", Integer, nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("used_at", String(32)),
)

#: Station tokens (only their hash is kept); revoked ones stay for the record.
tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("station_id", Integer, nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("enrolled_epoch", String(64)),
    Column("app_version", String(40)),
)

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

#: A station database's life (new or restored database = new epoch). ``id`` grows in the order
#: the county first saw the epochs, which ranks them: a later epoch's versions win.
epochs = Table(
    "epochs",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("station_id", Integer, nullable=False),
    Column("epoch", String(64), nullable=False),
    Column("ack_seq", BigInteger, nullable=False, default=0),
    Column("first_seen", String(32), nullable=False),
    Column("last_sync", String(32)),
    UniqueConstraint("station_id", "epoch", name="epochs_station_epoch"),
)

#: Every change the county has stored, by change id: the idempotency key.
change_log = Table(
    "change_log",
    metadata,
    Column("station_id", Integer, nullable=False),
    Column("change_id", String(64), nullable=False),
    Column("epoch_id", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("tbl", String(64)),
    Column("record_id", String(64)),
    Column("row_version", BigInteger),
    Column("status", String(16), nullable=False),
    Column("received_at", String(32), nullable=False),
    PrimaryKeyConstraint("station_id", "change_id", name="change_log_pk"),
)

#: The current state of every synced record, generic: one row per (station, table, id).
records = Table(
    "records",
    metadata,
    Column("station_id", Integer, nullable=False),
    Column("tbl", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("epoch_id", BigInteger, nullable=False),
    Column("row_version", BigInteger, nullable=False),
    Column("deleted", Integer, nullable=False),
    Column("row_json", Text, nullable=False),
    Column("change_id", String(64), nullable=False),
    Column("received_at", String(32), nullable=False),
    PrimaryKeyConstraint("station_id", "tbl", "record_id", name="records_pk"),
)

#: Changes the county could not apply, stored raw: acknowledged and listed, never dropped.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("station_id", Integer, nullable=False, index=True),
    Column("epoch_id", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("change_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("received_at", String(32), nullable=False),
)

_V1_TABLES = (county_meta, stations, enrollment_codes, tokens, admin_tokens, epochs, change_log, records, quarantine)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(_V1_TABLES))


def _v2(conn: Connection) -> None:
    """Drop ``records_by_table``: reports read nearly every row (all lectures, activities,
    attendance and people), which a table scan does best, while the index cost every upload
    a second write per record."""
    conn.execute(text("DROP INDEX IF EXISTS records_by_table"))


#: The store's history. Append only; never edit a released migration.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2]
LATEST = len(MIGRATIONS)

_LOCK_KEY = 0x57A7_10C0  # advisory lock id for migrations on PostgreSQL


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("county_meta"):
        return 0
    value = conn.execute(select(county_meta.c.value).where(county_meta.c.key == "schema_version")).scalar()
    return int(value or 0)


def migrate(engine) -> int:  # noqa: ANN001 - sqlalchemy Engine
    """Bring the store to the latest schema; returns the version it is at."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        version = current_version(conn)
        if version > LATEST:
            raise RuntimeError(
                f"县中心数据库由更新版本的程序创建（结构版本 {version}，本程序只认识到 {LATEST}），请升级程序。"
                f" / The county database has schema {version}; this program knows up to {LATEST}."
            )
        while version < LATEST:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(county_meta.delete().where(county_meta.c.key == "schema_version"))
            conn.execute(county_meta.insert().values(key="schema_version", value=str(version)))
    return version
