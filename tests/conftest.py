from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from station_tui.domain import Station
from station_tui.storage import Actor, Store
from tests import postgres_for_tests

_private_postgres: postgres_for_tests.PrivateServer | None = None


def pytest_configure(config: pytest.Config) -> None:
    """A PostgreSQL for the county tests, once per run: the process that starts pytest sees to
    it, and the xdist workers inherit its environment (COUNTY_TEST_PG, PGHOST, PGPORT)."""
    global _private_postgres
    if not hasattr(config, "workerinput"):
        _private_postgres = postgres_for_tests.provide()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _private_postgres
    if _private_postgres is not None:
        _private_postgres.stop()
        _private_postgres = None


def pytest_report_header(config: pytest.Config) -> str:
    if _private_postgres is not None:
        return f"PostgreSQL: a private server for this run at {_private_postgres.url}"
    return f"PostgreSQL: {postgres_for_tests.problem() or postgres_for_tests.configured_url()}"


@pytest.fixture(autouse=True)
def _default_language():
    """The UI language is the process's (locale.set_language): a test that starts the app in
    English must not leave the next test on the same worker reading English."""
    yield
    from station_tui.locale import DEFAULT, set_language

    set_language(DEFAULT)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data or settings, whatever a test forgets to pass; and run
    each test in its own tmp_path, so that a relative path (a shell variable left unexpanded,
    say) lands there and not in the repository (a database named `$DB` once got committed)."""
    monkeypatch.chdir(tmp_path)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("STATION_DB", raising=False)
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "station.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path, actor=Actor(user="tester", program="pytest"))
    yield s
    s.close()


def the_station() -> Station:
    """The station the tests' databases belong to."""
    return Station(
        code="140311101201", name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区", manager="王秀英"
    )


@pytest.fixture
def station(store: Store) -> Station:
    return store.station.setup(the_station())


TODAY = date(2026, 11, 22)

__all__ = ["TODAY", "os"]
