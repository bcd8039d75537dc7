"""Version 2: capture triggers that keep ``row_version`` moving forward when a row is
replaced, re-inserted after an erase, or has its version lowered by hand."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

TABLES = ("station", "people", "teams", "team_members", "venues", "lectures", "activities", "attendance")

SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers"},
)


def migrate(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        triggers.install(conn, table, SHAPE)
