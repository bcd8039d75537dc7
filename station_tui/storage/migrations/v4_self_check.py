"""Version 4: the 五有 / 星级 self-check. ``self_check_marks`` holds the station's tick and
evidence for each item the records cannot answer (one per item and year);
``self_check_reviews`` the scores and star levels given for a year: the station's own 自评,
the township's 审核, the county's 评定. Both are synced: the county report lists them."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 4, in dependency order: version 3's, plus the two above.
TABLES = (
    "station", "people", "teams", "team_members", "venues", "lectures", "activities", "attendance",
    "self_check_marks", "self_check_reviews",
)

#: Version 3's shape: the new tables add no JSON, local-only or sensitive column.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)

_SYNC_COLUMNS = """
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

_ID = "id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16))))"


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute(f"""CREATE TABLE self_check_marks (
        {_ID},
        year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        item_id TEXT NOT NULL CHECK (item_id <> ''),
        ticked INTEGER NOT NULL DEFAULT 0 CHECK (ticked IN (0, 1)),
        evidence TEXT,
        operator TEXT,{_SYNC_COLUMNS})""")
    # One live tick per item and year: a second session's tick updates it, never doubles it.
    conn.execute("CREATE UNIQUE INDEX self_check_marks_item ON self_check_marks (year, item_id) WHERE deleted = 0")
    conn.execute(f"""CREATE TABLE self_check_reviews (
        {_ID},
        year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        level TEXT NOT NULL CHECK (level IN ('自评', '乡镇审核', '县级评定')),
        date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
        score INTEGER NOT NULL CHECK (score >= 0),
        stars INTEGER NOT NULL CHECK (stars BETWEEN 0 AND 5),
        reviewer TEXT NOT NULL CHECK (reviewer <> ''),
        opinion TEXT,{_SYNC_COLUMNS})""")
    conn.execute("CREATE INDEX self_check_reviews_year ON self_check_reviews (year)")
    for table in ("self_check_marks", "self_check_reviews"):
        triggers.install(conn, table, SHAPE)
