"""Benchmark: generating the ten-year demo database (`station demo --years 10`).

This database (about 5,000 events, 100,000 attendance lines, 3,000 people) is what the TUI
startup and list benchmarks open, so making it must stay quick.

Budgets:
- at most 60 s on the reference machine (2 shared cores);
- at most 4x the floor, the floor being the same rows copied raw (one ``executemany`` per
  table, in one transaction, capture triggers included) into a fresh database in this run
  on this machine. The difference is building every record through the domain models,
  drawing the data, and committing in chunks.

Run: ``uv run python bench/demo_10_years.py``
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from station_tui.demo import generate
from station_tui.storage import Actor, Store
from station_tui.storage.capture import SYNCED_TABLES

SECONDS_BUDGET = 60.0
RATIO_BUDGET = 4.0


def floor(source: Path, target: Path) -> float:
    """Copy every synced row of ``source`` into a fresh database, as plainly as SQLite allows."""
    src = sqlite3.connect(source)
    tables = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in SYNCED_TABLES}
    columns = {t: [r[1] for r in src.execute(f"PRAGMA table_info({t})")] for t in SYNCED_TABLES}
    src.close()
    store = Store(target, actor=Actor(user="bench", program="bench"))
    started = time.perf_counter()
    with store.write() as conn:
        for table in SYNCED_TABLES:
            cols = columns[table]
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", tables[table]
            )
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        store = Store(base / "demo.db", actor=Actor(user="bench", program="bench"))
        started = time.perf_counter()
        summary = generate(store, years=10, seed=2026, today=date(2026, 11, 22))
        made = time.perf_counter() - started
        store.close()
        raw = floor(base / "demo.db", base / "floor.db")
        size_mb = (base / "demo.db").stat().st_size / 2**20
    events = summary.lectures + summary.activities
    ratio = made / raw
    print(f"demo 10 years: {events} events, {summary.attendance} attendance lines, {summary.people} people")
    print(f"  generate {made:.1f} s   floor (raw copy) {raw:.1f} s   ratio {ratio:.1f}x   file {size_mb:.0f} MB")
    print(f"  budgets: <= {SECONDS_BUDGET:.0f} s, <= {RATIO_BUDGET:.0f}x the floor")
    ok = made <= SECONDS_BUDGET and ratio <= RATIO_BUDGET
    print("OK" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
