"""Change capture: triggers that append every change of a synced table to ``outbox`` and ``audit``.

The triggers live in the database file, so no code path, second process or hand edit in the
``sqlite3`` shell can change a synced row without leaving an outbox row in the same
transaction. They also bump ``row_version`` when a writer forgot to, so versions always grow.

The triggers are installed by the migrations (frozen history, ``storage/migrations/``); the
names below are what the latest migration installed, for the code that needs today's lists.
When a migration adds a table or changes the trigger shape, point these at it.
"""

from __future__ import annotations

from station_tui.storage.migrations import v3_sensitive_phones as _latest

#: Tables whose rows are uploaded to the county center, in dependency order.
SYNCED_TABLES: tuple[str, ...] = _latest.TABLES

#: Columns that hold JSON text and go into the change as JSON, not as a string.
JSON_COLUMNS = _latest.SHAPE.json_columns
#: Local search helpers: derived, never uploaded.
LOCAL_ONLY_COLUMNS = _latest.SHAPE.local_only
#: Sensitive personal information (PIPL) → the setting (and ``meta`` key) that lets it leave the PC.
SENSITIVE_COLUMNS: dict[str, str] = dict(_latest.SHAPE.sensitive)
