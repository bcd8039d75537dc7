"""Change capture: triggers that append every change of a synced table to ``outbox`` and ``audit``.

The triggers live in the database file, so no code path, second process or hand edit in the
``sqlite3`` shell can change a synced row without leaving an outbox row in the same
transaction. They also bump ``row_version`` when a writer forgot to, so versions always grow.

The triggers are installed by the migrations (frozen history, ``storage/migrations/``), which
write out their own tables and trigger shape. The lists below are today's, for the code that
needs them, read from the record kinds (``domain/kinds.py``); tests/storage/test_kinds_schema.py
holds them to what the latest migration installed, and says which migration to add when a
kind changes.
"""

from __future__ import annotations

from station_tui.domain import kinds as _kinds

_SYNCED = tuple(kind for kind in _kinds.KINDS if kind.synced)

#: Tables whose rows are uploaded to the county center, in dependency order.
SYNCED_TABLES: tuple[str, ...] = _kinds.SYNCED_TABLES

#: Columns that hold JSON text and go into the change as JSON, not as a string.
JSON_COLUMNS: frozenset[str] = frozenset(column for kind in _SYNCED for column in kind.json_columns)
#: Local search helpers: derived, never uploaded.
LOCAL_ONLY_COLUMNS: frozenset[str] = frozenset(column for kind in _SYNCED for column in kind.local_columns)
#: Sensitive personal information (PIPL) → the setting (and ``meta`` key) that lets it leave the PC.
SENSITIVE_COLUMNS: dict[str, str] = {
    column: setting for kind in _SYNCED for column, setting in kind.sensitive.items()
}
