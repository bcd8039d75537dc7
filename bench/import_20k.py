"""Benchmark: importing 20,000 activity rows, against the floor of writing the same rows raw.

Budget: ``station import`` of a 20,000-row CSV (read, check every row with the domain
models, look each up for re-import, write in one transaction) takes at most 6x the floor,
the floor being one ``executemany`` INSERT of the same 20,000 rows into the same kind of
database (capture triggers included) in this run on this machine. A re-import of the same
file (all rows already present) takes at most 4x the floor.

Run: ``uv run python bench/import_20k.py``
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from station_tui.domain import Station
from station_tui.imports import read_plan, write_plan
from station_tui.imports.headers import HEADERS
from station_tui.storage import Actor, Store
from station_tui.storage.ids import new_id

ROWS = 20_000
IMPORT_BUDGET = 6.0
REIMPORT_BUDGET = 4.0
PLATFORMS = ("理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务")


def rows() -> list[tuple[str, str, str, str, str, str, int, int, int]]:
    first = date(2019, 1, 1)
    out = []
    for i in range(ROWS):
        hour = 8 + i % 10
        out.append(
            ((first + timedelta(days=i % 1800)).isoformat(), f"{hour:02d}:00", f"{hour + 1:02d}:30",
             f"第{i}次文明实践活动", PLATFORMS[i % 5], "村委会广场", i % 300 + 1, 3, 15)
        )
    return out


def new_store(path: Path) -> Store:
    store = Store(path, actor=Actor(user="bench", program="bench"))
    store.station.setup(
        Station(code="140311101201", name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区")
    )
    return store


def floor(path: Path, data: list[tuple]) -> float:
    store = new_store(path)
    started = time.perf_counter()
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO activities (id, date, start_time, end_time, title, platform, place, served, volunteer_count,"
            " volunteer_tenths) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(new_id(), *row) for row in data],
        )
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def main() -> int:
    data = rows()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        csv_path = base / "big.csv"
        lines = [",".join(HEADERS["activities"])]
        lines += [f"{d},{s},{e},{t},{p},{pl},{sv},{vc},{vt / 10}," for d, s, e, t, p, pl, sv, vc, vt in data]
        csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

        raw = floor(base / "floor.db", data)
        store = new_store(base / "import.db")
        started = time.perf_counter()
        outcome = write_plan(store, read_plan("activities", csv_path))
        first = time.perf_counter() - started
        assert outcome.added == ROWS, outcome
        started = time.perf_counter()
        outcome = write_plan(store, read_plan("activities", csv_path))
        again = time.perf_counter() - started
        assert outcome.added == 0 and outcome.present == ROWS, outcome
        store.close()
        with sqlite3.connect(base / "import.db") as conn:
            assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == ROWS

    print(f"floor (raw INSERT of {ROWS} rows): {raw:.2f} s")
    print(f"import:   {first:.2f} s = {first / raw:.1f}x floor (budget {IMPORT_BUDGET}x)")
    print(f"re-import: {again:.2f} s = {again / raw:.1f}x floor (budget {REIMPORT_BUDGET}x)")
    ok = first <= IMPORT_BUDGET * raw and again <= REIMPORT_BUDGET * raw
    print("OK" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
