"""Deciding and storing what one batch of changes does, inside the batch's transaction.

The rules (docs/sync-protocol.md): a change id seen before is ``duplicate``; a change the
county cannot read goes to quarantine; a change not newer than the record's current version
(epoch rank first, then ``row_version``) is ``stale``; anything else is ``applied`` and becomes
the record's current row. Every change that is not a duplicate joins the change log.

The decisions are made in Python from two set lookups per batch; the writes are bulk writes
in the store's fastest form (``executemany`` on SQLite, ``COPY`` on PostgreSQL), so a batch
costs about what writing its rows costs, not a round trip per change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from sqlalchemy import Connection

from county import schema
from county.rows import APPEND_ONLY, Incoming, quote
from sync.protocol import MAX_ROW_CHARS, ChangeStatus

#: Keep IN (...) lists well under SQLite's bound-parameter limit.
_CHUNK = 900

# The rows below are built in the tables' own column order.
_RECORD_COLUMNS = tuple(c.name for c in schema.records.columns)
_LOG_COLUMNS = tuple(c.name for c in schema.change_log.columns)
_HELD_COLUMNS = tuple(c.name for c in schema.quarantine.columns if c.name != "id")
_UPSERT = (
    " ON CONFLICT (station_id, tbl, record_id) DO UPDATE SET epoch_id = excluded.epoch_id,"
    " row_version = excluded.row_version, deleted = excluded.deleted, row_json = excluded.row_json,"
    " change_id = excluded.change_id, received_at = excluded.received_at"
)


@dataclass
class Outcome:
    """What a batch did: how many changes ended in each status, and the ones worth a look."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(get_args(ChangeStatus), 0))
    #: ``{"seq", "status", "reason"}`` of each stale or quarantined change, in seq order.
    notes: list[dict[str, Any]] = field(default_factory=list)


def apply_changes(
    conn: Connection,
    station_id: int,
    epoch_id: int,
    items: list[Incoming],
    now: str,
    *,
    unseen_after: int | None = None,
) -> Outcome:
    """Decide and store every change of a batch. ``unseen_after``: a seq past which no change
    of this station can have been stored before (None: any may have been; all are looked up).

    Past ``unseen_after`` an insert is its record's first change, so its record is not looked
    up either. Should one not be (a station that inserted a record twice), the records key
    refuses the batch and ``CountyStore.apply`` applies it again with ``unseen_after=None``."""
    if unseen_after is None:
        maybe_seen = maybe_stored = items
    else:
        maybe_seen = [i for i in items if i.seq <= unseen_after]
        maybe_stored = [i for i in items if i.seq <= unseen_after or i.op != "insert"]
    seen = _known_change_ids(conn, station_id, [i.change_id for i in maybe_seen]) if maybe_seen else set()
    current = _current_versions(conn, station_id, maybe_stored)
    stored_before = set(current)
    outcome = Outcome()
    counts, notes = outcome.counts, outcome.notes
    log_rows: list[tuple[Any, ...]] = []
    newest: dict[tuple[str, str], tuple[Any, ...]] = {}
    held: list[tuple[Any, ...]] = []
    see, logged, have_version = seen.add, log_rows.append, current.get
    duplicates = stale = 0
    for item in items:
        change_id = item.change_id
        if change_id in seen:
            duplicates += 1
            continue
        see(change_id)
        if item.problem is not None:
            held.append((station_id, epoch_id, item.seq, change_id, item.problem, _raw_text(item.raw), now))
            logged((station_id, change_id, epoch_id, item.seq, None, None, None, "quarantined", now))
            notes.append({"seq": item.seq, "status": "quarantined", "reason": item.problem})
            continue
        table, record_id, row_version = item.table, item.record_id, item.row_version
        key = (table, record_id)
        version = (epoch_id, row_version)
        have = have_version(key)
        if table in APPEND_ONLY:
            refused = _not_an_addition(item, have is not None or key in newest)
            if refused is not None:
                held.append((station_id, epoch_id, item.seq, change_id, refused, _raw_text(item.raw), now))
                logged((station_id, change_id, epoch_id, item.seq, None, None, None, "quarantined", now))
                notes.append({"seq": item.seq, "status": "quarantined", "reason": refused})
                continue
        if have is not None and version <= have:
            stale += 1
            logged((station_id, change_id, epoch_id, item.seq, table, record_id, row_version, "stale", now))
            notes.append({"seq": item.seq, "status": "stale",
                          "reason": f"县中心已有该记录更新的版本（第 {have[1]} 版），此修改为第 {row_version} 版"})
            continue
        current[key] = version
        newest[key] = (station_id, table, record_id, epoch_id, row_version, int(item.deleted), item.row_json, change_id,
                       now)
        logged((station_id, change_id, epoch_id, item.seq, table, record_id, row_version, "applied", now))
    counts["duplicate"], counts["stale"], counts["quarantined"] = duplicates, stale, len(held)
    counts["applied"] = len(log_rows) - stale - len(held)
    # Records new to the county go in plainly (COPY on PostgreSQL); only the others need the
    # upsert. Safe: this station's batches are applied one at a time (see CountyStore.apply).
    fresh = [row for key, row in newest.items() if key not in stored_before]
    changed = [row for key, row in newest.items() if key in stored_before]
    if fresh:
        _write(conn, "records", _RECORD_COLUMNS, fresh)
    if changed:
        _write(conn, "records", _RECORD_COLUMNS, changed, upsert=_UPSERT)
    if log_rows:
        _write(conn, "change_log", _LOG_COLUMNS, log_rows)
    if held:
        _write(conn, "quarantine", _HELD_COLUMNS, held)
    return outcome


def _not_an_addition(item: Incoming, stored: bool) -> str | None:
    """Why a change to a ledger (an append-only kind) is not applied, or None: an entry is
    never overwritten, only added, so a change to an entry the county holds (an edit, a
    deletion, a version bumped by hand) and an entry arriving deleted are quarantined."""
    if stored:
        return f"台账记录只能新增，不能修改：县中心已有这条记录（{item.table} {quote(item.record_id)}），未覆盖"
    if item.deleted:
        return f"台账记录不能删除（{item.table} {quote(item.record_id)} 标记为已删除），未应用"
    return None


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _known_change_ids(conn: Connection, station_id: int, ids: list[str]) -> set[str]:
    """Which of these change ids this station has sent before (in any epoch)."""
    if conn.dialect.name == "postgresql":
        return set(_fetch_column(
            conn, "SELECT change_id FROM change_log WHERE station_id = %s AND change_id = ANY(%s)", (station_id, ids)))
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(_fetch_column(
            conn, f"SELECT change_id FROM change_log WHERE station_id = ? AND change_id IN ({_marks(chunk)})",
            (station_id, *chunk)))
    return found


def _current_versions(
    conn: Connection, station_id: int, items: list[Incoming]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(epoch rank, row_version) of every stored record the batch touches, by (table, id)."""
    by_table: dict[str, set[str]] = {}
    for i in items:
        if i.problem is None:
            by_table.setdefault(i.table, set()).add(i.record_id)
    current: dict[tuple[str, str], tuple[int, int]] = {}
    pg = conn.dialect.name == "postgresql"
    for tbl, ids in by_table.items():
        if pg:
            found = conn.exec_driver_sql(
                "SELECT record_id, epoch_id, row_version FROM records"
                " WHERE station_id = %s AND tbl = %s AND record_id = ANY(%s)", (station_id, tbl, list(ids))).fetchall()
        else:
            found = []
            for chunk in _chunks(sorted(ids)):
                found += conn.exec_driver_sql(
                    "SELECT record_id, epoch_id, row_version FROM records"
                    f" WHERE station_id = ? AND tbl = ? AND record_id IN ({_marks(chunk)})",
                    (station_id, tbl, *chunk)).fetchall()
        for rid, ep, ver in found:
            current[(tbl, rid)] = (int(ep), int(ver))
    return current


def _fetch_column(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return [r[0] for r in conn.exec_driver_sql(sql, params).fetchall()]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _write(
    conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], upsert: str = ""
) -> None:
    """Insert many rows with the driver's own bulk path (SQLAlchemy's per-row parameter handling
    would cost more than the rows). SQLite: one ``executemany``. PostgreSQL: ``COPY`` — straight
    into the table, or, for an upsert, into a temporary twin first and from there in one
    ``INSERT … SELECT … ON CONFLICT``."""
    names = ", ".join(columns)
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({_marks(columns)}){upsert}", rows)
        return
    target = table
    if upsert:
        # One twin per connection, emptied by every commit: no catalog churn per batch.
        target = f"incoming_{table}"
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {target} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if upsert:
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target}{upsert}")
    finally:
        cursor.close()


#: Room beside the row for the rest of a change (seq, table, op) when it is kept raw.
_HELD_CHARS = MAX_ROW_CHARS + 1024


def _raw_text(raw: Any) -> str:
    """The change as received, readable (Chinese kept) when it can be stored as UTF-8, and at
    most ``_HELD_CHARS`` long: a longer one is kept as ``{"truncated", "chars", "prefix"}``,
    its first characters and its full length (the station still holds the whole of it, and
    its change id, kept in the change log, is of the whole)."""
    try:
        text = _spell(raw)
    except (ValueError, RecursionError):  # nesting deeper than json writes: keep the text parts
        text = _spell({k: v if isinstance(v, (str, int, float, bool)) else quote(v) for k, v in raw.items()})
    if len(text) <= _HELD_CHARS:
        return text
    keep = MAX_ROW_CHARS
    while True:  # escapes can lengthen the prefix: shorten it until the whole fits
        held = _spell({"truncated": True, "chars": len(text), "prefix": text[:keep]})
        if len(held) <= _HELD_CHARS:
            return held
        keep //= 2


def _spell(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True)
    return text
