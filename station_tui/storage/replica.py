"""A station's records as someone else holds them, put back into a station database of their
own: a *replica*, for reading only.

The county keeps every row a station uploaded, each as the station's capture trigger wrote it
(JSON). To print that station's 台账 at the county (``county-center ledger``), the county puts
those rows into a new SQLite file made by the station's own migrations and runs the station's
own ledger builder on it (reports/ledger.py): the same code reads the same records, so the two
documents cannot drift apart. ``station restore --from-county`` turns the same rows back into
columns (``values_of``), there into the station's real database.

A replica is never synced and never edited: its capture and guard triggers are dropped before
the rows go in (nothing here is a change to upload, and a ledger of points is not re-judged),
and foreign keys are not enforced while loading (a row whose parent the county quarantined
still prints; the county lists the quarantined change itself). Sensitive columns (phones, ID
numbers) stay empty whatever the county holds: no document made from a replica prints them,
so the file does not carry them either. What the county published for the station (its
minimums, its rubric, …) goes into ``county_items`` as if the station had received it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from station_tui.storage.store import Store


def values_of(table: str, columns: list[str], data: Mapping[str, Any]) -> dict[str, Any]:
    """A captured row (the JSON the trigger wrote, parsed) as the table's column values: JSON
    columns back to text, local-only columns left out, and a person's or a request's pinyin
    search keys computed again from the name (they never leave the PC)."""
    from station_tui.storage import capture

    values: dict[str, Any] = {}
    for col in columns:
        if col in capture.LOCAL_ONLY_COLUMNS or col not in data:
            continue
        value = data[col]
        if col in capture.JSON_COLUMNS and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        values[col] = value
    if "pinyin_full" in columns:
        from station_tui.storage.pinyin import search_keys

        source = data.get("name") if table == "people" else data.get("requester")
        if source is not None:
            values["pinyin_full"], values["pinyin_initials"] = search_keys(str(source))
    return values


@dataclass
class Replica:
    store: Store
    #: Rows put in, per table (tombstones too).
    tables: dict[str, int] = field(default_factory=dict)
    #: Rows that could not be put in, as "table id: reason" (a row the station's schema refuses).
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.tables.values())


def build(path: Path, rows: Iterable[tuple[str, str]], items: Iterable[Mapping[str, Any]] = ()) -> Replica:
    """Make a replica at ``path`` (a new file) from captured rows ``(table, row JSON)`` and the
    county's items for the station (``sync/downlink.py`` ``FeedItem`` shape, as dicts)."""
    from station_tui.storage import capture
    from station_tui.storage.db import Actor
    from station_tui.storage.store import Store

    if path.exists():
        raise FileExistsError(path)
    store = Store(path, actor=Actor(user="replica", program="replica"))
    replica = Replica(store)
    try:
        conn = store.conn
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("PRAGMA foreign_keys = OFF")
        columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in capture.SYNCED_TABLES}
        sensitive = set(capture.SENSITIVE_COLUMNS)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table, row_json in rows:
                if table not in columns:
                    replica.skipped.append(f"{table}: 本程序不认识这个表 / unknown table")
                    continue
                try:
                    data = json.loads(row_json)
                except ValueError:
                    data = None
                if not isinstance(data, dict) or not data.get("id"):
                    replica.skipped.append(f"{table}: 无法读取 / unreadable row")
                    continue
                values = {k: v for k, v in values_of(table, columns[table], data).items() if k not in sensitive}
                names = list(values)
                try:
                    conn.execute(
                        f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                        [values[n] for n in names],
                    )
                except sqlite3.Error as exc:
                    replica.skipped.append(f"{table} {data['id']}: {exc}")
                    continue
                replica.tables[table] = replica.tables.get(table, 0) + 1
            for item in items:
                conn.execute(
                    """INSERT OR REPLACE INTO county_items
                       (id, kind, township, station, body, seq, feed_id, published_at, received_at)
                       VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)""",
                    (item["id"], item["kind"], item.get("township"), item.get("station"),
                     json.dumps(item["body"], ensure_ascii=False), int(item["seq"]), item["published_at"],
                     item["published_at"]),
                )  # fmt: skip
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except BaseException:
        store.close()
        raise
    return replica
