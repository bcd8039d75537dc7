"""A new station database for the benchmarks, with the station set up as `station init` would."""

from __future__ import annotations

from pathlib import Path

from station_tui.domain import Station
from station_tui.storage import Actor, Store


def new_station(path: Path) -> Store:
    store = Store(path, actor=Actor(user="bench", program="bench"))
    store.station.setup(
        Station(code="140311101201", name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区")
    )
    return store
