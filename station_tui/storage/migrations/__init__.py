"""Forward-only numbered migrations; the schema version lives in ``PRAGMA user_version``.

Migrations are frozen history: one module per version, each naming its own tables, trigger
shape and SQL, never the code's current lists (``capture.SYNCED_TABLES`` follows the latest
migration, not the other way round), so a database made today goes through exactly the steps
one made at release did. A migration is never edited once released: to change the schema,
append a new module here. Each runs in its own ``BEGIN IMMEDIATE`` transaction together with
the version bump, so a crash leaves the file at the previous version, never in between.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from station_tui.storage.db import schema_too_new, write_transaction
from station_tui.storage.migrations import v1_tables, v2_versions_forward, v3_sensitive_phones

#: The schema's history. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    v1_tables.migrate,
    v2_versions_forward.migrate,
    v3_sensitive_phones.migrate,
]
LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to the latest schema; returns the version it is at."""
    current = schema_version(conn)
    if current > LATEST:
        raise schema_too_new(current, LATEST)
    while current < LATEST:
        with write_transaction(conn):
            # Re-read inside the lock: another process may have migrated meanwhile.
            current = schema_version(conn)
            if current >= LATEST:
                break
            MIGRATIONS[current](conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
        current = schema_version(conn)
    return current
