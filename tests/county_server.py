"""The one county center the tests run: `county-center serve` in its own process on 127.0.0.1,
over a SQLite file or a PostgreSQL schema of its own, with what a station and a county clerk
do to it (enroll, upload, ack, report, the CLI), what it holds, and a night's backup of it.

PostgreSQL is the machine's when it answers, else a private server of the run's own
(tests/postgres_for_tests.py); with neither, a PostgreSQL test fails with a plain message."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync import protocol
from tests import postgres_for_tests

COUNTY_BIN = str(Path(sys.executable).with_name("county-center"))
BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str:
    why = postgres_for_tests.problem()
    if why:
        pytest.fail(why, pytrace=False)
    return postgres_for_tests.configured_url()


def _postgres() -> Any:
    import psycopg

    return psycopg.connect(postgres_for_tests.plain_dsn(_postgres_url()), autocommit=True, connect_timeout=5)


@contextmanager
def store_url(backend: str, where: Path) -> Iterator[str]:
    """A new, empty county store: a SQLite file in ``where``, or a PostgreSQL schema of its own
    (dropped afterwards, so runs and xdist workers never collide)."""
    if backend == "sqlite":
        yield f"sqlite:///{where / 'county.db'}"
        return
    base = _postgres_url()
    schema = f"county_{uuid.uuid4().hex[:12]}"
    with _postgres() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with _postgres() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(
    store: str | None, *args: str, check: bool = True, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `county-center` like a county clerk would, on ``store`` (``--db``); with no store, on
    COUNTY_DB when ``env`` gives it, else on the default file in the user's data directory."""
    db = ["--db", store] if store is not None else []
    environment = {k: v for k, v in os.environ.items() if k != "COUNTY_DB"}
    environment.update(env or {})
    done = subprocess.run([COUNTY_BIN, *args, *db], capture_output=True, text=True, env=environment, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"county-center {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


class County:
    """One `county-center serve` process over ``store`` (a SQLAlchemy URL). It keeps its port
    across restarts, so a station enrolled before a crash finds it again."""

    def __init__(self, store: str, workdir: Path, serve_args: tuple[str, ...] = ()) -> None:
        self.store = store
        self.workdir = workdir
        #: Extra `county-center serve` options (limits, TLS) for the next start.
        self.serve_args = serve_args
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{self.port}"
        self.verify: Any = True  # a CA bundle when the server runs HTTPS with its own certificate
        self._admin: str | None = None

    @property
    def backend(self) -> str:
        return "sqlite" if self.store.startswith("sqlite") else "postgresql"

    @property
    def log_file(self) -> Path:
        return self.workdir / "serve.log"

    def start(self) -> County:
        with self.log_file.open("ab") as log:
            mark = log.tell()
            self.proc = subprocess.Popen(
                [
                    COUNTY_BIN,
                    "serve",
                    "--db",
                    self.store,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    *self.serve_args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.log_file.open("rb") as log:
                log.seek(mark)
                started = log.read().decode("utf-8", "replace")
            for line in started.splitlines():
                if line.startswith("listening on http"):
                    self.base = line.split("listening on ", 1)[1].strip()
                    self._wait_healthy()
                    return self
            if self.proc.poll() is not None:
                raise AssertionError(f"county-center serve exited {self.proc.returncode}:\n{started}")
            time.sleep(0.05)
        raise AssertionError(f"county-center serve did not start:\n{self.log()}")

    def _wait_healthy(self) -> None:
        for _ in range(200):
            try:
                if httpx.get(self.base + protocol.HEALTH_PATH, timeout=2, verify=self._verify()).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("county-center serve never answered /health")

    def _verify(self) -> Any:
        if isinstance(self.verify, (str, Path)):
            return ssl.create_default_context(cafile=str(self.verify))
        return self.verify

    def kill9(self) -> None:
        """``kill -9``: no shutdown, no cleanup, like a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        """Everything the server printed, over all its starts."""
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def peak_rss_kib(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM")

    @property
    def env(self) -> dict[str, str]:
        """What the server and its commands share beyond the store. A PostgreSQL county keeps
        its photo files in the user's data directory by default, and each test has a HOME of
        its own while a module's tests share one server: the directory is pinned for all."""
        if self.backend == "sqlite":
            return {}
        return {"COUNTY_PHOTOS_DIR": str(self.workdir / "county-photos")}

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return cli(self.store, *args, check=check, env=self.env)

    # -- what a station does --------------------------------------------------------------
    def add_station(self, code: str, name: str = "测试站", township: str = "府西街道", *, via_cli: bool = False) -> str:
        """Register a station and return its enrollment code. The CLI costs a process start
        (seconds on a busy machine), so tests not about the CLI use the same store code
        in-process; tests/county/test_cli.py covers the command itself."""
        if via_cli:
            done = self.cli("station", "add", "--code", code, "--name", name, "--township", township, "--json")
            return str(json.loads(done.stdout)["enrollment_code"])
        from county.store import CountyStore

        with CountyStore(self.store) as store:
            return store.add_station(code, name, township)

    def enroll(self, code: str, epoch: str = "epoch-1", **kw: Any) -> str:
        enrollment = self.add_station(code, **kw)
        r = httpx.post(
            self.base + protocol.ENROLL_PATH,
            json={"enrollment_code": enrollment, "epoch": epoch, "app_version": "0.1.0"},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def post(
        self,
        token: str | None,
        payload: Any,
        *,
        gz: bool = True,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        data = raw if raw is not None else _dumps(payload)
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h.update(protocol.auth_header(token))
        if gz and raw is None:
            data = gzip.compress(data)
            h["Content-Encoding"] = "gzip"
        return httpx.post(self.base + protocol.BATCHES_PATH, content=data, headers=h, timeout=60)

    def admin_token(self) -> str:
        if self._admin is None:
            self._admin = self.cli("admin-token").stdout.strip()
        return self._admin

    def report(self, year: int | None = None, month: int | None = None) -> dict[str, Any]:
        """The report over HTTP, as county staff fetch it."""
        params = {k: v for k, v in (("year", year), ("month", month)) if v is not None}
        r = httpx.get(
            self.base + protocol.REPORT_PATH,
            params=params,
            headers=protocol.auth_header(self.admin_token()),
            timeout=60,
        )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    def ack(self, token: str, epoch: str) -> int:
        r = httpx.get(
            self.base + protocol.ACK_PATH, params={"epoch": epoch}, headers=protocol.auth_header(token), timeout=30
        )
        assert r.status_code == 200, r.text
        return int(r.json()["ack_seq"])

    # -- what the county holds ------------------------------------------------------------
    def _query(self, sql: str, **params: Any) -> list[Any]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.store)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params).all())
        finally:
            engine.dispose()

    def records(self, station_code: str) -> dict[tuple[str, str], tuple[int, int, dict[str, Any]]]:
        """(table, id) -> (row_version, deleted, row) of every record the county holds for a station."""
        rows = self._query(
            "SELECT r.tbl, r.record_id, r.row_version, r.deleted, r.row_json FROM records r"
            " JOIN stations s ON s.id = r.station_id WHERE s.code = :c",
            c=station_code,
        )
        return {(t, i): (int(v), int(d), json.loads(j)) for t, i, v, d, j in rows}

    def change_log(self, station_code: str) -> list[tuple[str, str]]:
        rows = self._query(
            "SELECT c.change_id, c.status FROM change_log c JOIN stations s ON s.id = c.station_id WHERE s.code = :c",
            c=station_code,
        )
        return [(a, b) for a, b in rows]

    # -- last night's backup, taken with the store's own tools ----------------------------
    def backup(self) -> Path:
        if self.backend == "sqlite":
            target = self.workdir / "backup.db"
            with sqlite3.connect(self._file()) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            return target
        target = self.workdir / "backup.sql"
        subprocess.run(
            ["pg_dump", *self._libpq(), "-n", self._schema(), "--no-owner", "-f", str(target)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target

    def restore(self, backup: Path) -> None:
        """The disk died: the store is replaced by the backup (stop the server first)."""
        if self.backend == "sqlite":
            db = self._file()
            for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copy(backup, db)
            return
        for step in (["-c", f'DROP SCHEMA "{self._schema()}" CASCADE'], ["-f", str(backup)]):
            subprocess.run(
                ["psql", *self._libpq(), "-q", "-v", "ON_ERROR_STOP=1", *step],
                check=True,
                capture_output=True,
                timeout=120,
            )

    def _file(self) -> Path:
        return Path(self.store.removeprefix("sqlite:///"))

    def _schema(self) -> str:
        return self.store.rsplit("search_path%3D", 1)[1]

    def _libpq(self) -> list[str]:
        from sqlalchemy.engine import make_url

        u = make_url(self.store)
        return ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
                "-d", u.database or "test"]  # fmt: skip


def _dumps(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate on purpose: send it escaped, as JSON allows
        return json.dumps(payload).encode()


@contextmanager
def running_county(backend: str, where: Path, serve_args: tuple[str, ...] = ()) -> Iterator[County]:
    """A county server over a new store of its own, stopped (and its store dropped) afterwards."""
    with store_url(backend, where) as url:
        server = County(url, where, serve_args).start()
        try:
            yield server
        finally:
            server.stop()
