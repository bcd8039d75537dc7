"""Change capture: triggers that append every change of a synced table to ``outbox`` and ``audit``.

The triggers live in the database file, so no code path, second process or hand edit in the
``sqlite3`` shell can change a synced row without leaving an outbox row in the same
transaction. They also bump ``row_version`` when a writer forgot to, so versions always grow.
"""

from __future__ import annotations

import sqlite3

#: Tables whose rows are uploaded to the county center, in dependency order.
SYNCED_TABLES: tuple[str, ...] = (
    "station",
    "people",
    "teams",
    "team_members",
    "venues",
    "lectures",
    "activities",
    "attendance",
)

#: Columns that hold JSON text and go into the change as JSON, not as a string.
JSON_COLUMNS = {"skills"}
#: Local search helpers: derived, never uploaded.
LOCAL_ONLY_COLUMNS = {"pinyin_full", "pinyin_initials"}
#: Sensitive personal information (PIPL): uploaded only when the station's setting says so.
SENSITIVE_COLUMNS = {"id_number"}

_NOW = "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _row_json(columns: list[str], ref: str) -> str:
    parts: list[str] = []
    for col in columns:
        if col in LOCAL_ONLY_COLUMNS:
            continue
        value = f"{ref}.{col}"
        if col in JSON_COLUMNS:
            value = f"json(COALESCE({value}, '[]'))"
        elif col in SENSITIVE_COLUMNS:
            value = (
                f"CASE WHEN (SELECT value FROM meta WHERE key = 'upload_id_numbers') = '1' "
                f"THEN {value} END"
            )
        parts.append(f"'{col}', {value}")
    return f"json_object({', '.join(parts)})"


def _changed_fields(columns: list[str]) -> str:
    tracked = [c for c in columns if c not in {"row_version", "updated_at"} | LOCAL_ONLY_COLUMNS]
    pieces = " || ".join(f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c},' ELSE '' END" for c in tracked)
    return f"rtrim({pieces}, ',')"


def _audit_insert(table: str, record: str, op: str, version: str, fields: str) -> str:
    return f"""
    INSERT INTO audit (at, user, ssh_client, program, tbl, record_id, op, row_version, fields)
    SELECT {_NOW}, COALESCE(a.user, '（外部修改）'), a.ssh_client, COALESCE(a.program, 'sqlite'),
           '{table}', {record}, {op}, {version}, {fields}
    FROM current_actor AS a WHERE a.id = 1;"""


def install(conn: sqlite3.Connection, table: str) -> None:
    """(Re)create the capture triggers of one table; migrations call this after changing it."""
    cols = _columns(conn, table)
    for suffix in ("ai", "au", "ad", "bu"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_capture_{suffix}")

    data_cols = [c for c in cols if c not in {"row_version", "updated_at"} | LOCAL_ONLY_COLUMNS]
    something_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in data_cols)
    outbox = "INSERT INTO outbox (change_id, tbl, record_id, op, row_version, row_json, at)"

    conn.execute(
        f"""CREATE TRIGGER {table}_capture_bu BEFORE UPDATE OF id ON {table}
        WHEN NEW.id IS NOT OLD.id
        BEGIN SELECT RAISE(ABORT, '记录编号（id）不可修改'); END"""
    )
    # The highest version this id ever had here. The audit is never pruned, so it remembers
    # ids that an INSERT OR REPLACE or a hand DELETE-then-INSERT brings back: such a row
    # must continue its version history, or the county would keep the older copy it has.
    known = f"(SELECT max(row_version) FROM audit WHERE tbl = '{table}' AND record_id = NEW.id)"
    conn.execute(
        f"""CREATE TRIGGER {table}_capture_ai AFTER INSERT ON {table}
        BEGIN
          UPDATE {table} SET row_version = {known} + 1
           WHERE id = NEW.id AND NEW.row_version <= {known};
          {outbox}
          SELECT lower(hex(randomblob(16))), '{table}', r.id,
                 CASE WHEN r.deleted THEN 'delete' WHEN {known} IS NOT NULL THEN 'update' ELSE 'insert' END,
                 r.row_version, {_row_json(cols, 'r')}, {_NOW}
            FROM {table} AS r WHERE r.id = NEW.id;
          {_audit_insert(table, 'NEW.id', "'insert'", f'(SELECT row_version FROM {table} WHERE id = NEW.id)', "NULL")}
        END"""
    )
    # Also fires when only row_version was lowered by hand: versions must never go back.
    conn.execute(
        f"""CREATE TRIGGER {table}_capture_au AFTER UPDATE ON {table}
        WHEN {something_changed} OR NEW.row_version < OLD.row_version
        BEGIN
          UPDATE {table} SET row_version = OLD.row_version + 1, updated_at = {_NOW}
           WHERE id = NEW.id AND NEW.row_version <= OLD.row_version;
          {outbox}
          SELECT lower(hex(randomblob(16))), '{table}', r.id,
                 CASE WHEN r.deleted AND NOT OLD.deleted THEN 'delete' ELSE 'update' END,
                 r.row_version, {_row_json(cols, 'r')}, {_NOW}
            FROM {table} AS r WHERE r.id = NEW.id;
          {_audit_insert(table, 'NEW.id',
                         "CASE WHEN NEW.deleted AND NOT OLD.deleted THEN 'delete' ELSE 'update' END",
                         f'(SELECT row_version FROM {table} WHERE id = NEW.id)',
                         _changed_fields(cols))}
        END"""
    )
    tombstone = f"json_set({_row_json(cols, 'OLD')}, '$.deleted', 1, '$.row_version', OLD.row_version + 1)"
    conn.execute(
        f"""CREATE TRIGGER {table}_capture_ad AFTER DELETE ON {table}
        BEGIN
          {outbox}
          VALUES (lower(hex(randomblob(16))), '{table}', OLD.id, 'delete',
                  OLD.row_version + 1, {tombstone}, {_NOW});
          {_audit_insert(table, 'OLD.id', "'erase'", 'OLD.row_version + 1', "NULL")}
        END"""
    )
