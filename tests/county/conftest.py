"""The county center under test runs over a SQLite file or the machine's PostgreSQL (a fresh
schema per test, dropped afterwards, so runs never collide). PostgreSQL is required: if it is
down the fixture starts the local cluster, and fails loudly if it cannot."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .countyd import County

PG_ADMIN_URL = os.environ.get("COUNTY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_connect() -> Any:
    import psycopg

    dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


def _ensure_postgres() -> None:
    """PostgreSQL must be there: start the local cluster if it is down, else fail loudly."""
    import psycopg

    try:
        _pg_connect().close()
        return
    except psycopg.OperationalError as first:
        problem = first
    if shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
        for version in sorted(os.listdir("/etc/postgresql")):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        for _ in range(30):
            try:
                _pg_connect().close()
                return
            except psycopg.OperationalError as exc:
                problem = exc
                time.sleep(1)
    pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable and could not be started: {problem}")


@contextmanager
def _store_url(backend: str, where: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{where / 'county.db'}"
        return
    _ensure_postgres()
    schema = f"county_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with _pg_connect() as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """One server per store for the whole run; tests keep apart by using their own stations."""
    where = tmp_path_factory.mktemp(f"county-{request.param}")
    with _store_url(request.param, where) as url:
        server = County(url, where).start()
        yield server
        server.stop()


@pytest.fixture(params=BACKENDS)
def county_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store of its own, for tests that kill, restore or count everything."""
    with _store_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def own_county(county_url: str, tmp_path: Path) -> Iterator[County]:
    server = County(county_url, tmp_path).start()
    yield server
    server.stop()
