"""Fixtures of the sync tests: a county server per module or per test, and a station PC."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.county_server import BACKENDS, County, running_county
from tests.sync.support import StationPC

#: The stations under test sync far more often than a village would.
_SERVE_ARGS = ("--rate", "1000", "--burst", "1000")


@pytest.fixture(params=BACKENDS, scope="module")
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """A county server shared by a module's tests (each test is its own station)."""
    with running_county(request.param, tmp_path_factory.mktemp("county"), _SERVE_ARGS) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def own_county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """A county server for one test alone: for tests that kill it or restore its store."""
    with running_county(request.param, tmp_path_factory.mktemp("county"), _SERVE_ARGS) as server:
        yield server


@pytest.fixture
def station_pc(tmp_path: Path) -> StationPC:
    code = "1403111" + f"{uuid.uuid4().int % 10**5:05d}"
    pc = StationPC(tmp_path / "pc", code)
    pc.root.mkdir()
    pc.init()
    return pc
