"""Forward-only numbered migrations; the schema version lives in ``PRAGMA user_version``.

Migrations are frozen history: one module per version, each naming its own tables, trigger
shape and SQL, never the code's current lists (the record kinds of ``domain/kinds.py`` and
``capture``'s lists read from them), so a database made today goes through exactly the steps
one made at release did. A migration is never edited once released: to change the schema,
append a new module here and its line in ``MIGRATIONS``. Each runs in its own
``BEGIN IMMEDIATE`` transaction together with the version bump, so a crash leaves the file at
the previous version, never in between.

A module that installs capture triggers names ``TABLES`` (the synced tables as of its
version, in dependency order) and ``SHAPE`` (the trigger shape as of its version);
``latest_capture()`` finds the newest, and tests/storage/test_kinds_schema.py holds the record
kinds to it and to the tables a new database has.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

from station_tui.storage.db import schema_too_new, write_transaction
from station_tui.storage.migrations import (
    triggers,
    v1_tables,
    v2_versions_forward,
    v3_sensitive_phones,
    v4_self_check,
    v5_photos,
    v6_plans,
    v7_venues,
    v8_roster,
    v9_hours,
    v10_points,
    v11_requests,
    v12_county_word,
    v13_review_rubric,
    v14_certificates,
)

#: The schema's history. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    v1_tables.migrate,
    v2_versions_forward.migrate,
    v3_sensitive_phones.migrate,
    v4_self_check.migrate,
    v5_photos.migrate,
    v6_plans.migrate,
    v7_venues.migrate,
    v8_roster.migrate,
    v9_hours.migrate,
    v10_points.migrate,
    v11_requests.migrate,
    v12_county_word.migrate,
    v13_review_rubric.migrate,
    v14_certificates.migrate,
]
LATEST = len(MIGRATIONS)


def latest_capture() -> tuple[tuple[str, ...], triggers.Shape]:
    """The synced tables and the capture triggers' shape of the latest schema: those the newest
    migration that names them (``TABLES`` and ``SHAPE``) says; a later one that only adds,
    say, an index need not repeat them."""
    for step in reversed(MIGRATIONS):
        module = sys.modules[step.__module__]
        tables, shape = getattr(module, "TABLES", None), getattr(module, "SHAPE", None)
        if tables is not None and shape is not None:
            return tuple(tables), shape
    raise LookupError("no migration names its synced tables and trigger shape")


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
