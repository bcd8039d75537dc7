"""Version 5: photos of lectures and activities. The picture itself is a file in the station's
photo directory, named by its content hash; this table says which record it belongs to, with
its caption. Synced like any record (the files follow in a later step of the sync)."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 5, in dependency order: version 4's, plus photos.
TABLES = (
    "station", "people", "teams", "team_members", "venues", "lectures", "activities", "attendance",
    "self_check_marks", "self_check_reviews", "photos",
)

#: Version 4's shape: photos add no JSON, local-only or sensitive column.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("""CREATE TABLE photos (
        id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16)))),
        record_table TEXT NOT NULL CHECK (record_table IN ('lectures', 'activities', 'requests')),
        record_id TEXT NOT NULL CHECK (record_id <> ''),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        caption TEXT,
        original_name TEXT,
        row_version INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
        deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""")
    conn.execute("CREATE INDEX photos_record ON photos (record_table, record_id) WHERE deleted = 0")
    conn.execute("CREATE INDEX photos_sha ON photos (sha256)")
    triggers.install(conn, "photos", SHAPE)
