"""The county center under test runs over a SQLite file or PostgreSQL (a fresh schema per test,
dropped afterwards, so runs and xdist workers never collide). PostgreSQL is the machine's when it
answers, else a private server of the run's own (tests/postgres_for_tests.py); with neither, the
PostgreSQL tests fail with a plain message saying what to install."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests import postgres_for_tests

from .countyd import County


def _pg_connect() -> Any:
    import psycopg

    return psycopg.connect(postgres_for_tests.plain_dsn(_pg_url()), autocommit=True, connect_timeout=5)


def _pg_url() -> str:
    """The server's URL, or a plain failure when the run has none."""
    why = postgres_for_tests.problem()
    if why:
        pytest.fail(why, pytrace=False)
    return postgres_for_tests.configured_url()


@contextmanager
def _store_url(backend: str, where: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{where / 'county.db'}"
        return
    base = _pg_url()
    schema = f"county_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
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
