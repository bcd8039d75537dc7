"""Measurement: does sqlite-utils' bulk ``insert_all`` earn a place in imports and the demo?

Writes the same 20,000 activities, in one transaction with the capture triggers on, three ways
into three copies of a new station database:

- *per row*: the repository's own insert (``add_in``), one ``INSERT`` per record, as imports
  and the demo write today;
- *insert_all*: ``sqlite_utils.Database(conn)["activities"].insert_all(rows)``, inside the same
  ``BEGIN IMMEDIATE`` transaction (sqlite-utils 4 leaves a caller's transaction open);
- *executemany* (the floor): one prepared ``INSERT`` for all rows.

The rows are made by the repository (``to_row``), so all three write identical columns; making
them is inside the timed part of each way, as it would be in an import. Run: ``uv run python bench/bulk_insert.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from station_tui.domain import Activity
from station_tui.storage import Store
from station_tui.storage.ids import new_id
from station_tui.storage.repositories.base import now_local

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.station_db import new_station

ROWS = 20_000
RUNS = 3
PLATFORMS = ("理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务")


def activities() -> list[Activity]:
    first = date(2019, 1, 1)
    return [
        Activity(date=first + timedelta(days=i % 1800), title=f"第{i}次文明实践活动", platform=PLATFORMS[i % 5],
                 place="村委会广场", served=i % 300 + 1)
        for i in range(ROWS)
    ]  # fmt: skip


def rows_of(store: Store, records: list[Activity]) -> list[dict[str, Any]]:
    stamp = now_local()
    out = []
    for record in records:
        row = store.activities.to_row(record)
        row.update(id=new_id(), row_version=1, created_at=stamp, updated_at=stamp, deleted=0)
        out.append(row)
    return out


def per_row(store: Store, records: list[Activity]) -> float:
    started = time.perf_counter()
    with store.write() as conn:
        for record in records:
            store.activities.add_in(conn, record)
    return time.perf_counter() - started


def insert_all(store: Store, records: list[Activity]) -> float:
    started = time.perf_counter()
    rows = rows_of(store, records)
    with store.write() as conn:
        sqlite_utils.Database(conn).table("activities").insert_all(rows, batch_size=500)
    return time.perf_counter() - started


def executemany(store: Store, records: list[Activity]) -> float:
    started = time.perf_counter()
    rows = rows_of(store, records)
    names = list(rows[0])
    sql = f"INSERT INTO activities ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    with store.write() as conn:
        conn.executemany(sql, [tuple(r[n] for n in names) for r in rows])
    return time.perf_counter() - started


def main() -> int:
    records = activities()
    times: dict[str, list[float]] = {"executemany (floor)": [], "per row (today)": [], "insert_all": []}
    ways = {"executemany (floor)": executemany, "per row (today)": per_row, "insert_all": insert_all}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(RUNS):
            for name, way in ways.items():
                store = new_station(Path(tmp) / f"{run}-{len(times[name])}-{name[:4]}.db")
                times[name].append(way(store, records))
                written = store.query("SELECT count(*) FROM activities")[0][0]
                captured = store.query("SELECT count(*) FROM outbox WHERE tbl = 'activities'")[0][0]
                assert written == captured == ROWS, (name, written, captured)
                store.close()
    floor = statistics.median(times["executemany (floor)"])
    print(f"{ROWS:,} activities in one transaction, capture triggers on; median of {RUNS} runs")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:<20} {median:6.2f} s  {median / floor:5.2f}x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
