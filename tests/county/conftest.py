"""The county center under test (tests/county_server.py) runs over a SQLite file or a
PostgreSQL schema of its own; every county test runs on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.county_server import BACKENDS, County, running_county, store_url


@pytest.fixture(scope="session", params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """One server per store for the whole run; tests keep apart by using their own stations."""
    with running_county(request.param, tmp_path_factory.mktemp(f"county-{request.param}")) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def county_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store of its own, for tests that kill, restore or count everything."""
    with store_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def own_county(county_url: str, tmp_path: Path) -> Iterator[County]:
    server = County(county_url, tmp_path).start()
    yield server
    server.stop()
