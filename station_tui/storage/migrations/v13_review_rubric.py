"""Version 13: a 自评 names the rubric it was scored by. A station may score by the default
rubric, a local ``rubric.json`` or the one its county sent down (the downlink's ``rubric``), and
those differ in items and full score; a self-score means something only beside its rubric.
``self_check_reviews`` gains ``rubric`` (its name and where it came from, e.g.
“杏花岭区星级评定细则（县中心下发 2026-12-01）”) and ``rubric_total`` (its full score), both
empty for a rating typed in (乡镇审核, 县级评定) and for a 自评 recorded before. The table's
capture triggers are installed again, since they name each column they put into the change.
"""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 13 (version 11's), in dependency order.
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
)

#: Version 11's shape: the new columns are plain text and a number.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE self_check_reviews ADD COLUMN rubric TEXT")
    conn.execute(
        "ALTER TABLE self_check_reviews ADD COLUMN rubric_total INTEGER"
        " CHECK (rubric_total IS NULL OR rubric_total BETWEEN 1 AND 20000)"
    )
    triggers.install(conn, "self_check_reviews", SHAPE)
