"""Version 8 (签到 roster): a lecture's 宣讲员 can be one of the station's people.

``lectures.speaker_id`` names the person chosen as speaker (``speaker`` keeps the name as
shown, or an outside speaker's name typed as free text, with no person). Saving a lecture
puts its chosen speaker on its roster as 宣讲员 in the same transaction. The lectures'
capture triggers are made again so that the new column is uploaded; no table is added."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 8 (version 7's), in dependency order.
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

#: As of version 3: the new column is an ordinary one.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE lectures ADD COLUMN speaker_id TEXT REFERENCES people (id)")
    conn.execute("CREATE INDEX lectures_speaker ON lectures (speaker_id)")
    triggers.install(conn, "lectures", SHAPE)
