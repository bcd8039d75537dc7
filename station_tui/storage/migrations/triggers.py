"""The capture triggers' SQL, as migrations install it. Frozen: migrations are history.

Migrations pass everything that may differ between versions (the table, which columns hold
JSON, which are local-only, which are sensitive and the ``meta`` key that lets each leave the
PC) as a ``Shape``, so a later version changes its shape, not this code. A change to what
the triggers do (not only to which columns they treat how) is a new generator module next to
this one, used by a new migration; the migrations already released keep calling this one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

_NOW = "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"


@dataclass(frozen=True)
class Shape:
    #: Columns that hold JSON text and go into the change as JSON, not as a string.
    json_columns: frozenset[str]
    #: Local search helpers: derived, never uploaded.
    local_only: frozenset[str]
    #: Sensitive column → the ``meta`` key that must be '1' for its value to be captured.
    sensitive: Mapping[str, str]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _row_json(shape: Shape, columns: list[str], ref: str) -> str:
    parts: list[str] = []
    for col in columns:
        if col in shape.local_only:
            continue
        value = f"{ref}.{col}"
        if col in shape.json_columns:
            value = f"json(COALESCE({value}, '[]'))"
        elif col in shape.sensitive:
            value = f"CASE WHEN (SELECT value FROM meta WHERE key = '{shape.sensitive[col]}') = '1' THEN {value} END"
        parts.append(f"'{col}', {value}")
    return f"json_object({', '.join(parts)})"


def _changed_fields(shape: Shape, columns: list[str]) -> str:
    tracked = [c for c in columns if c not in {"row_version", "updated_at"} | shape.local_only]
    pieces = " || ".join(f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c},' ELSE '' END" for c in tracked)
    return f"rtrim({pieces}, ',')"


def _audit_insert(table: str, record: str, op: str, version: str, fields: str) -> str:
    return f"""
    INSERT INTO audit (at, user, ssh_client, program, tbl, record_id, op, row_version, fields)
    SELECT {_NOW}, COALESCE(a.user, '（外部修改）'), a.ssh_client, COALESCE(a.program, 'sqlite'),
           '{table}', {record}, {op}, {version}, {fields}
    FROM current_actor AS a WHERE a.id = 1;"""


def install(conn: sqlite3.Connection, table: str, shape: Shape) -> None:
    """(Re)create the four capture triggers of one table for the columns it has now."""
    cols = _columns(conn, table)
    for suffix in ("ai", "au", "ad", "bu"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_capture_{suffix}")

    data_cols = [c for c in cols if c not in {"row_version", "updated_at"} | shape.local_only]
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
                 r.row_version, {_row_json(shape, cols, 'r')}, {_NOW}
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
                 r.row_version, {_row_json(shape, cols, 'r')}, {_NOW}
            FROM {table} AS r WHERE r.id = NEW.id;
          {_audit_insert(table, 'NEW.id',
                         "CASE WHEN NEW.deleted AND NOT OLD.deleted THEN 'delete' ELSE 'update' END",
                         f'(SELECT row_version FROM {table} WHERE id = NEW.id)',
                         _changed_fields(shape, cols))}
        END"""
    )
    tombstone = f"json_set({_row_json(shape, cols, 'OLD')}, '$.deleted', 1, '$.row_version', OLD.row_version + 1)"
    conn.execute(
        f"""CREATE TRIGGER {table}_capture_ad AFTER DELETE ON {table}
        BEGIN
          {outbox}
          VALUES (lower(hex(randomblob(16))), '{table}', OLD.id, 'delete',
                  OLD.row_version + 1, {tombstone}, {_NOW});
          {_audit_insert(table, 'OLD.id', "'erase'", 'OLD.row_version + 1', "NULL")}
        END"""
    )
