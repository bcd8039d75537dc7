"""Helpers for the sync tests (imported by conftest and the tests): real processes, a ``county-center serve`` on 127.0.0.1 with a random
port, against a SQLite file or the machine's PostgreSQL (a schema of its own per test in db
``test``), and stations driven through the ``station`` command in subprocesses."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from station_tui.domain import Activity, Lecture, Person, Venue
from station_tui.storage import Actor, Store

PG_BASE = os.environ.get("COUNTY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PY = sys.executable
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_plain() -> str:
    return PG_BASE.replace("postgresql+psycopg://", "postgresql://")


@dataclass
class County:
    """One county center: its store (SQLite file or PostgreSQL schema) and its server process."""

    kind: str
    db_url: str
    workdir: Path
    schema: str | None = None
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None
    #: Extra ``county-center serve`` options (size caps, rate limits) for the next start.
    serve_args: tuple[str, ...] = ("--rate", "1000", "--burst", "1000")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "COUNTY_DB": self.db_url, "XDG_DATA_HOME": str(self.workdir / "xdg")}

    def start(self) -> None:
        log = open(self.workdir / "serve.log", "ab")
        self.proc = subprocess.Popen(
            [PY, "-m", "county", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", *self.serve_args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"county-center serve exited: {(self.workdir / 'serve.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("county-center serve did not start listening")

    def kill(self) -> None:
        """``kill -9``: no shutdown, no cleanup, like a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([PY, "-m", "county", *args], env=self.env, capture_output=True,
                             text=True, timeout=120)
        if check and out.returncode != 0:
            raise AssertionError(f"county-center {' '.join(args)} failed: {out.stderr}")
        return out

    def add_station(self, code: str, name: str = "甄家庄社区新时代文明实践站", township: str = "府西街道") -> str:
        """What ``county-center station add`` does, in-process (the CLI has its own tests)."""
        from county.store import CountyStore

        with CountyStore(self.db_url) as store:
            return store.add_station(code, name, township)

    # -- reading what the county holds ------------------------------------------------------
    def _engine(self):  # type: ignore[no-untyped-def]
        from sqlalchemy import create_engine

        return create_engine(self.db_url)

    def records(self, station_code: str) -> dict[tuple[str, str], tuple[int, int, dict[str, Any]]]:
        """(table, id) -> (row_version, deleted, row) of every record the county holds for a station."""
        from sqlalchemy import text

        engine = self._engine()
        try:
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT r.tbl, r.record_id, r.row_version, r.deleted, r.row_json FROM records r"
                    " JOIN stations s ON s.id = r.station_id WHERE s.code = :c"), {"c": station_code}).all()
        finally:
            engine.dispose()
        return {(t, i): (int(v), int(d), json.loads(j)) for t, i, v, d, j in rows}

    def change_log(self, station_code: str) -> list[tuple[str, str]]:
        from sqlalchemy import text

        engine = self._engine()
        try:
            with engine.connect() as conn:
                return [(a, b) for a, b in conn.execute(text(
                    "SELECT c.change_id, c.status FROM change_log c JOIN stations s ON s.id = c.station_id"
                    " WHERE s.code = :c"), {"c": station_code}).all()]
        finally:
            engine.dispose()

    # -- backups of the county store --------------------------------------------------------
    def backup(self) -> Path:
        target = self.workdir / "county-backup"
        if self.kind == "sqlite":
            src = self.db_url.removeprefix("sqlite:///")
            subprocess.run(["sqlite3", src, f".backup '{target}'"], check=True)
        else:
            with open(target, "wb") as fh:
                subprocess.run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-n", str(self.schema),
                                "--no-owner", "test"], stdout=fh, check=True)
        return target

    def restore(self, backup: Path) -> None:
        """Put the backup back (the server must be stopped)."""
        if self.kind == "sqlite":
            src = Path(self.db_url.removeprefix("sqlite:///"))
            for extra in (src.with_name(src.name + "-wal"), src.with_name(src.name + "-shm")):
                extra.unlink(missing_ok=True)
            src.write_bytes(backup.read_bytes())
        else:
            import psycopg

            with psycopg.connect(_pg_plain(), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')
            subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-v",
                            "ON_ERROR_STOP=1", "-f", str(backup)], check=True, capture_output=True)


def county_process(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    workdir = tmp_path_factory.mktemp("county")
    schema = None
    if kind == "sqlite":
        db_url = f"sqlite:///{workdir / 'county.db'}"
    else:
        import psycopg

        schema = f"synctest_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_pg_plain(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        db_url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    c = County(kind, db_url, workdir, schema)
    c.start()
    try:
        yield c
    finally:
        c.stop()
        if schema:
            import psycopg

            with psycopg.connect(_pg_plain(), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


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
        return {**os.environ, "STATION_CONFIG_DIR": str(self.config), "STATION_DB": str(self.db)}

    def station(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PY, "-m", "station_tui", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([PY, "-m", "station_tui", *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def init(self) -> None:
        from station_tui.domain import Station

        with self.store() as s:
            s.station.setup(Station(code=self.code, name="甄家庄社区新时代文明实践站", township="府西街道",
                                    county="杏花岭区"))

    def enroll(self, county: County, *, in_process: bool = True) -> None:
        code = county.add_station(self.code)
        args = ("--db", str(self.db), "enroll", "--server", county.url, "--code", code)
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
            live = {(t, r["id"]): r["row_version"] for t in ("people", "lectures", "activities", "venues",
                                                           "station", "teams", "team_members", "attendance")
                    for r in s.query(f"SELECT id, row_version FROM {t}")}
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
                p = store.people._insert(conn, Person(name=name, phone="13800000000", is_volunteer=True,
                                                      skills=["宣讲"]))
                ids.append(str(p.id))
            elif kind == 1:
                store.lectures._insert(conn, Lecture(date=day, topic=f"宣讲党的创新理论第{i}场", audience=30 + i % 50,
                                                     speaker=name, form="集中宣讲"))
            else:
                store.activities._insert(conn, Activity(date=day, title=f"文明实践活动{i}", platform="文化服务",
                                                        served=20 + i % 30))
    return ids


def add_venue(store: Store, name: str = "村委会议室") -> Venue:
    return store.venues.add(Venue(name=name, capacity=40))
