"""Version 3: phone numbers are sensitive too (PIPL's minimum necessary): a person's phone is
captured for upload only while ``meta.upload_phones`` is '1', as ID numbers are with
``meta.upload_id_numbers``. Only the people table has either column; its triggers change."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 3 (unchanged since version 1), in dependency order.
TABLES = ("station", "people", "teams", "team_members", "venues", "lectures", "activities", "attendance")

SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)


def migrate(conn: sqlite3.Connection) -> None:
    triggers.install(conn, "people", SHAPE)
