"""Version 14: the register of 志愿服务记录证明 (volunteer service record certificates).

``certificates`` holds one row per certificate issued: its number (``<station code>-<year>-
<serial>``, unique per station and year: the serial is given inside the transaction that
stores the row, and a unique index refuses a second row with the same year and serial), the
person and the name printed, the period, the hours (exact tenths, as the ledger keeps them),
the ledger entries it lists (JSON), the issue date, 负责人 and 经办人.

A certificate once handed out is never edited or taken back, so the table is append-only like
the ledgers: two triggers refuse an UPDATE of its content and any DELETE (only the capture
trigger's own ``row_version`` / ``updated_at`` bump may move). It is synced, so the county can
check a number and its hours against the hours entries the station uploaded.
"""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 14, in dependency order: version 13's, then the register.
TABLES = (
    "station",
    "people",
    "teams",
    "team_members",
    "venues",
    "lectures",
    "activities",
    "attendance",
    "self_check_marks",
    "self_check_reviews",
    "photos",
    "plans",
    "plan_items",
    "hours_entries",
    "goods",
    "redemptions",
    "points_entries",
    "stock_entries",
    "requests",
    "request_moves",
    "certificates",
)

#: Version 13's shape, and the register's list of ledger entries travels as JSON.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills", "entry_ids"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)

_DATE = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"

_TABLE = f"""
CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16)))),
    number TEXT NOT NULL CHECK (number <> ''),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    serial INTEGER NOT NULL CHECK (serial >= 1),
    person_id TEXT NOT NULL REFERENCES people (id),
    person_name TEXT NOT NULL CHECK (person_name <> ''),
    period_from TEXT NOT NULL CHECK (period_from {_DATE}),
    period_to TEXT NOT NULL CHECK (period_to {_DATE} AND period_to >= period_from),
    total_tenths INTEGER NOT NULL CHECK (total_tenths > 0),
    entry_count INTEGER NOT NULL CHECK (entry_count >= 1),
    entry_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(entry_ids)),
    issued_on TEXT NOT NULL CHECK (issued_on {_DATE}),
    issuer TEXT NOT NULL CHECK (issuer <> ''),
    operator TEXT NOT NULL CHECK (operator <> ''),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
)"""

_INDEXES = (
    "CREATE UNIQUE INDEX certificates_number ON certificates (number)",
    "CREATE UNIQUE INDEX certificates_serial ON certificates (year, serial)",
    "CREATE INDEX certificates_person ON certificates (person_id)",
    "CREATE INDEX certificates_issued ON certificates (issued_on)",
)

_CONTENT = (
    "id", "number", "year", "serial", "person_id", "person_name", "period_from", "period_to", "total_tenths",
    "entry_count", "entry_ids", "issued_on", "issuer", "operator", "created_at", "deleted",
)

_APPEND_ONLY = (
    f"""CREATE TRIGGER certificates_never_changed BEFORE UPDATE ON certificates
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _CONTENT)}
    BEGIN SELECT RAISE(ABORT, '已开具的志愿服务记录证明不能修改：如有错误请重新开具'); END""",
    """CREATE TRIGGER certificates_never_deleted BEFORE DELETE ON certificates
    BEGIN SELECT RAISE(ABORT, '已开具的志愿服务记录证明不能删除：登记簿只能追加'); END""",
)


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute(_TABLE)
    for statement in (*_INDEXES, *_APPEND_ONLY):
        conn.execute(statement)
    triggers.install(conn, "certificates", SHAPE)
