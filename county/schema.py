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
    Engine,
    Float,
    Integer,
    LargeBinary,
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

#: One-time enrollment codes. Since v3 a code is its public ``code_id`` (the first group) and a
#: secret kept only as a salted scrypt hash; older codes (``code_id`` NULL) are SHA-256.
enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("station_id", Integer, nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("used_at", String(32)),
)
_V3_CODE_COLUMNS = (
    Column("code_id", String(8)),  # unique: index enrollment_codes_by_id
    Column("salt", String(32)),
    Column("expires_at", String(32)),
)
for _column in _V3_CODE_COLUMNS:
    enrollment_codes.append_column(_column._copy())

#: Shared rate-limit buckets (county/rate_limits.py): one per token hash or address.
rate_buckets = Table(
    "rate_buckets",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("stamp", Float, nullable=False),
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

#: What the county publishes to its stations (sync/downlink.py): one row per item, the
#: newest version of it. ``seq`` is its place in the feed, given anew (from ``county_meta``
#: ``feed_seq``, under a lock) every time the item changes; ``township`` / ``station_id``
#: narrow who receives it (both NULL: every station).
county_feed = Table(
    "county_feed",
    metadata,
    Column("item_id", String(160), primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("township", String(80)),
    Column("station_id", Integer),
    Column("deleted", Integer, nullable=False, default=0),
    Column("body", Text, nullable=False),
    Column("published_at", String(32), nullable=False),
)

#: Photo files the county holds whole, by SHA-256: one row (and one copy) for every station
#: whose records name it. ``stored`` says where the bytes are: ``disk`` (the photo directory,
#: ``<sha[:2]>/<sha>.jpg``) or ``database`` (``photo_blobs``).
photo_files = Table(
    "photo_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("stored", String(16), nullable=False),
    Column("station_id", Integer, nullable=False),  # the station whose upload completed it
    Column("stored_at", String(32), nullable=False),
)

#: The bytes of photos kept in the database (``--photo-store database``).
photo_blobs = Table(
    "photo_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

#: Uploads under way, by hash: ``received`` bytes are held (a ``.partial`` file on disk, or
#: ``photo_parts`` rows), so a cut link or a kill resumes there. Shared by stations: the
#: bytes of a hash are the same whoever sends them, and the whole is checked at the end.
photo_uploads = Table(
    "photo_uploads",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("received", BigInteger, nullable=False),
    Column("stored", String(16), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

photo_parts = Table(
    "photo_parts",
    metadata,
    Column("sha256", String(64), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("sha256", "offset", name="photo_parts_pk"),
)

_V1_TABLES = (county_meta, stations, enrollment_codes, tokens, admin_tokens, epochs, change_log, records, quarantine)


#: enrollment_codes as v1 made it (later migrations add columns to it).
_v1_metadata = MetaData()
_V1_ENROLLMENT_CODES = Table(
    "enrollment_codes",
    _v1_metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, index=c.index)
      for c in enrollment_codes.columns if c.name not in {col.name for col in _V3_CODE_COLUMNS}),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[t for t in _V1_TABLES if t is not enrollment_codes])
    _v1_metadata.create_all(conn)


def _v2(conn: Connection) -> None:
    """Drop ``records_by_table``: reports read nearly every row (all lectures, activities,
    attendance and people), which a table scan does best, while the index cost every upload
    a second write per record."""
    conn.execute(text("DROP INDEX IF EXISTS records_by_table"))


def _v3(conn: Connection) -> None:
    """Enrollment codes get a public id, a salted slow hash and an expiry; codes issued before
    keep working (SHA-256, found without an id) until they expire, a week after this migration.
    Rate limits move into the store so that several processes share them."""
    from county.auth import LEGACY_CODE_DAYS, expiry_after

    for column in _V3_CODE_COLUMNS:
        conn.execute(text(f"ALTER TABLE enrollment_codes ADD COLUMN {column.name} {column.type.compile(conn.dialect)}"))
    conn.execute(text("CREATE UNIQUE INDEX enrollment_codes_by_id ON enrollment_codes (code_id)"))
    conn.execute(
        enrollment_codes.update()
        .where(enrollment_codes.c.used_at.is_(None))
        .values(expires_at=expiry_after(LEGACY_CODE_DAYS))
    )
    metadata.create_all(conn, tables=[rate_buckets])


def _v4(conn: Connection) -> None:
    """The county's word back to its stations: the feed of published items, its sequence
    counter and the feed's id (a new id for every life of the sequence)."""
    import uuid

    metadata.create_all(conn, tables=[county_feed])
    conn.execute(county_meta.insert().values(key="feed_seq", value="0"))
    conn.execute(county_meta.insert().values(key="feed_id", value=uuid.uuid4().hex))


def _v5(conn: Connection) -> None:
    """Photo files: the ones held whole (on disk or in the database), and uploads under way."""
    metadata.create_all(conn, tables=[photo_files, photo_blobs, photo_uploads, photo_parts])


#: The store's history. Append only; never edit a released migration.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3, _v4, _v5]
LATEST = len(MIGRATIONS)

_LOCK_KEY = 0x57A7_10C0  # advisory lock id for migrations on PostgreSQL


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("county_meta"):
        return 0
    value = conn.execute(select(county_meta.c.value).where(county_meta.c.key == "schema_version")).scalar()
    return int(value or 0)


def migrate(engine: Engine) -> int:
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
