"""The station side of sync: pending outbox rows and the ``meta`` bookkeeping.

Every write here is one transaction. ``acked_seq`` only ever takes a value the county put in
an answer (or 0 for a new epoch), and it is written after that answer arrived — never before
(PouchDB lost data by saving its checkpoint first).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import sqlite3

    from station_tui.storage import Store


class PendingChange(NamedTuple):
    """One outbox row waiting for the county (a tuple: thousands are read per batch)."""

    seq: int
    change_id: str
    table: str
    record_id: str
    op: str
    row_version: int
    row_json: str


def now_local() -> str:
    return datetime.now().strftime("%Y-%m-%dT%H:%M:%S")


def position(store: Store) -> tuple[str, int]:
    """The database's epoch and acknowledged seq, read together."""
    with store.snapshot() as conn:
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('epoch', 'acked_seq')").fetchall())
    return str(rows["epoch"]), int(rows.get("acked_seq") or 0)


def pending_count(store: Store, after: int) -> int:
    return int(store.query_value("SELECT count(*) FROM outbox WHERE seq > ?", (after,)))


def last_seq(store: Store) -> int:
    return int(store.query_value("SELECT COALESCE(max(seq), 0) FROM outbox"))


def change_id_at(store: Store, seq: int) -> str | None:
    row = store.query_one("SELECT change_id FROM outbox WHERE seq = ?", (seq,))
    return row[0] if row else None


def read_pending(store: Store, after: int, limit: int) -> list[PendingChange]:
    """The next ``limit`` changes after ``after``, in seq order (never skipping a gap)."""
    rows = store.query(
        "SELECT seq, change_id, tbl, record_id, op, row_version, row_json FROM outbox"
        " WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, limit),
    )
    return [PendingChange._make(r) for r in rows]


def record_ack(store: Store, epoch: str, ack_seq: int) -> None:
    """The county acknowledged everything up to ``ack_seq`` of ``epoch``: write it down.

    ``acked_seq`` and ``last_sync`` change in one transaction, and only if the database is
    still in that epoch (a restore or another tool may have started a new one meanwhile).
    """
    with store.write() as conn:
        current = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        if current is None or current[0] != epoch:
            raise RuntimeError("the database's epoch changed during the sync")
        _put(conn, "acked_seq", str(ack_seq))
        _put(conn, "last_sync", now_local())
        _put(conn, "last_sync_error", None)


def rewind(store: Store, epoch: str, ack_seq: int) -> None:
    """The county holds less of this epoch than we thought (it was restored): re-send from there."""
    with store.write() as conn:
        current = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        if current is None or current[0] != epoch:
            raise RuntimeError("the database's epoch changed during the sync")
        _put(conn, "acked_seq", str(ack_seq))


def start_new_epoch(store: Store, reason: str) -> str:
    """A fresh epoch from seq 0: the whole outbox goes again, the county keeps what it has."""
    epoch = str(uuid.uuid4())
    with store.write() as conn:
        old = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        _put(conn, "epoch", epoch)
        _put(conn, "acked_seq", "0")
        _put(conn, "epoch_history", _append_history(conn, old[0] if old else None, reason))
    return epoch


def record_failure(store: Store, message: str) -> None:
    with store.write() as conn:
        _put(conn, "last_sync_error", json.dumps({"at": now_local(), "message": message}, ensure_ascii=False))


def last_failure(store: Store) -> dict[str, str] | None:
    raw = store.meta("last_sync_error")
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return {"at": str(data["at"]), "message": str(data["message"])}
    except (ValueError, KeyError, TypeError):
        return {"at": "", "message": raw}


def _append_history(conn: sqlite3.Connection, old_epoch: str | None, reason: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'epoch_history'").fetchone()
    try:
        history = json.loads(row[0]) if row and row[0] else []
    except ValueError:
        history = []
    history.append({"ended": old_epoch, "at": now_local(), "reason": reason})
    return json.dumps(history, ensure_ascii=False)


def _put(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    from station_tui.storage.db import put_meta

    put_meta(conn, key, value)
