"""Fixtures of the sync tests: a county server per module or per test, and a station PC."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres_for_tests
from tests.sync.support import County, StationPC, county_process


@pytest.fixture(params=["sqlite", "postgresql"], scope="module")
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """A county server shared by a module's tests (each test is its own station)."""
    _needs_postgres(request.param)
    yield from county_process(request.param, tmp_path_factory)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """A county server for one test alone: for tests that kill it or restore its store."""
    _needs_postgres(request.param)
    yield from county_process(request.param, tmp_path_factory)


def _needs_postgres(kind: str) -> None:
    why = postgres_for_tests.problem()
    if kind == "postgresql" and why:
        pytest.fail(why, pytrace=False)


@pytest.fixture
def station_pc(tmp_path: Path) -> StationPC:
    code = "1403111" + f"{uuid.uuid4().int % 10**5:05d}"
    pc = StationPC(tmp_path / "pc", code)
    pc.root.mkdir()
    pc.init()
    return pc


