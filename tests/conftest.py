from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from station_tui.domain import Station
from station_tui.storage import Actor, Store


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data or settings, whatever a test forgets to pass."""
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
def store(db_path: Path) -> Store:
    s = Store(db_path, actor=Actor(user="tester", program="pytest"))
    yield s
    s.close()


@pytest.fixture
def station(store: Store) -> Station:
    return store.station.setup(
        Station(
            code="140311101201",
            name="甄家庄社区新时代文明实践站",
            township="府西街道",
            county="杏花岭区",
            manager="王秀英",
        )
    )


TODAY = date(2026, 11, 22)

__all__ = ["TODAY", "os"]
