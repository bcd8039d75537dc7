"""Helpers for the sync tests: station PCs driven through the ``station`` command in
subprocesses, and the records they make. The county server is tests/county_server.py."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from station_tui.domain import Activity, Lecture, Person, Venue
from station_tui.domain.kinds import SYNCED_TABLES
from station_tui.storage import Actor, Store
from tests import station_cli
from tests.county_server import County

PG_BASE = os.environ.get("COUNTY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


@dataclass
class StationPC:
    """A station PC: its database file and its config directory (where the token lives)."""

    root: Path
    code: str

    @property
    def db(self) -> Path:
        return self.root / "station.db"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def env(self) -> dict[str, str]:
        """What makes `station` this PC's: its database (STATION_DB) and config directory."""
        return {"STATION_CONFIG_DIR": str(self.config), "STATION_DB": str(self.db)}

    def station(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return station_cli.run(*args, env=self.env, timeout=timeout)

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return station_cli.spawn(*args, env=self.env)

    def init(self) -> None:
        from station_tui.domain import Station

        with self.store() as s:
            s.station.setup(
                Station(code=self.code, name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区")
            )

    def enroll(self, county: County, *, in_process: bool = True) -> None:
        code = county.add_station(self.code)
        args = ("--db", str(self.db), "enroll", "--server", county.base, "--code", code)
        if not in_process:
            out = self.station(*args[2:])
            assert out.returncode == 0, out.stderr
            return
        from station_tui.cli import main

        old = os.environ.get("STATION_CONFIG_DIR")
        os.environ["STATION_CONFIG_DIR"] = str(self.config)
        try:
            assert main(list(args)) == 0
        finally:
            if old is None:
                del os.environ["STATION_CONFIG_DIR"]
            else:
                os.environ["STATION_CONFIG_DIR"] = old

    def store(self) -> Store:
        return Store(self.db, actor=Actor(user="tester", program="pytest"))

    def pending(self) -> int:
        with self.store() as s:
            return s.pending_changes()

    def expected_records(self) -> dict[tuple[str, str], tuple[int, int, dict[str, Any]]]:
        """What the county must hold: each record's newest captured change (tombstones too)."""
        with self.store() as s:
            rows = s.query("SELECT tbl, record_id, row_version, row_json FROM outbox ORDER BY seq")
            live = {
                (t, r["id"]): r["row_version"]
                for t in SYNCED_TABLES
                for r in s.query(f"SELECT id, row_version FROM {t}")
            }
        latest: dict[tuple[str, str], tuple[int, int, dict[str, Any]]] = {}
        for tbl, rid, version, row_json in rows:
            row = json.loads(row_json)
            latest[(tbl, rid)] = (int(version), int(row.get("deleted", 0)), row)
        for key, version in live.items():  # the tables and the outbox agree
            assert latest[key][0] == version, key
        return latest


def add_records(store: Store, n: int, *, start: int = 0, day: date = date(2026, 3, 2)) -> list[str]:
    """Record ``n`` people, lectures and activities (one transaction); returns the people's ids."""
    ids: list[str] = []
    with store.write() as conn:
        for i in range(start, start + n):
            name = "张" + NAMES[i % 20] + NAMES[(i // 20) % 20]
            kind = i % 3
            if kind == 0:
                p = store.people._insert(
                    conn, Person(name=name, phone="13800000000", is_volunteer=True, skills=["宣讲"])
                )
                ids.append(str(p.id))
            elif kind == 1:
                store.lectures._insert(
                    conn,
                    Lecture(
                        date=day, topic=f"宣讲党的创新理论第{i}场", audience=30 + i % 50, speaker=name, form="集中宣讲"
                    ),
                )
            else:
                store.activities._insert(
                    conn, Activity(date=day, title=f"文明实践活动{i}", platform="文化服务", served=20 + i % 30)
                )
    return ids


def add_venue(store: Store, name: str = "村委会议室") -> Venue:
    return store.venues.add(Venue(name=name, capacity=40))
