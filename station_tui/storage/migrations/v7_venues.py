"""Version 7: a venue (阵地) says what it has and when it is open: ``facilities`` (设施) and
``open_hours`` (开放时间), both free text. The venues table gains the two columns; its capture
triggers are installed again, since they name each column they put into the change."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 7 (version 6's), in dependency order.
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
)

#: Version 6's shape: the new columns are plain text.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE venues ADD COLUMN facilities TEXT")
    conn.execute("ALTER TABLE venues ADD COLUMN open_hours TEXT")
    conn.execute("CREATE INDEX venues_name ON venues (name)")
    conn.execute("CREATE INDEX teams_name ON teams (name)")
    triggers.install(conn, "venues", SHAPE)
