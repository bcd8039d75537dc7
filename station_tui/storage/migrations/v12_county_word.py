"""Version 12: the county's word back (sync/downlink.py): what the county published for this
station, kept as the county sent it, and never captured for upload — it is not the station's
change, and no screen edits it.

``county_items`` holds one row per item the county published for every station, this
station's township or this station alone (a theme, the monthly minimums, a category list, a
notice, …): its id, kind, scope, body (JSON) and place in the county's feed. ``meta`` keeps
the feed's id (``county_feed_id``) and the cursor (``county_feed_after``). No synced table
changes, so this migration names no ``TABLES`` or ``SHAPE``: version 11's still hold.
"""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE county_items (
            id           TEXT PRIMARY KEY NOT NULL,
            kind         TEXT NOT NULL,
            township     TEXT,
            station      TEXT,
            body         TEXT NOT NULL CHECK (json_valid(body)),
            seq          INTEGER NOT NULL,
            feed_id      TEXT NOT NULL,
            published_at TEXT NOT NULL,
            received_at  TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX county_items_kind ON county_items (kind)")
