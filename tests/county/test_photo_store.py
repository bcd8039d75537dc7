"""The county's photo store in-process, where a process killed at the worst moment is easiest
to stage: bytes written but not committed, a file moved into place but not recorded, a
setting changed half-way through an upload. Over SQLite and PostgreSQL.

The whole way (HTTP, `station sync`, kill -9, a shaping proxy): tests/sync/test_photo_upload.py."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from county import batches
from county.errors import ApiError
from county.photo_store import PhotoStore
from county.store import CountyStore, StationRow
from station_tui.domain.kinds import SCHEMA_VERSION
from sync import protocol

CODE = "140311101201"


@pytest.fixture
def store(county_url: str) -> Iterator[CountyStore]:
    with CountyStore(county_url) as s:
        s.add_station(CODE, "甄家庄社区新时代文明实践站", "府西街道")
        yield s


def _station(store: CountyStore) -> StationRow:
    with store._reading() as conn:
        return store._station_by_code(conn, CODE)


def _photo_record(store: CountyStore, data: bytes, seq: int = 1) -> str:
    """The station's ``photos`` row naming ``data`` arrives in a batch, as a sync sends it."""
    sha = hashlib.sha256(data).hexdigest()
    row = {"id": f"photo-{seq}", "record_table": "lectures", "record_id": "lecture-1", "sha256": sha,
           "size_bytes": len(data), "width": 10, "height": 10, "caption": None, "original_name": "a.jpg",
           "row_version": 1, "created_at": "2026-03-02T10:00:00", "updated_at": "2026-03-02T10:00:00", "deleted": 0}
    parsed = batches.parse({"protocol_version": protocol.PROTOCOL_VERSION, "schema_version": SCHEMA_VERSION,
                            "app_version": "0.1.0", "epoch": "e1", "after_seq": seq - 1,
                            "changes": [{"seq": seq, "table": "photos", "op": "insert",
                                         "row": json.dumps(row, separators=(",", ":"))}]})
    store.apply(_station(store), parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items)
    return sha


def _bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def test_bytes_written_by_a_process_killed_before_its_commit_do_not_count(store: CountyStore, tmp_path: Path) -> None:
    photos = PhotoStore(store, tmp_path / "photos", "disk")
    data = _bytes(50_000, 1)
    sha = _photo_record(store, data)
    station = _station(store)
    assert photos.append(station, sha, 0, data[:20_000]).received == 20_000
    # A kill after the write and before the commit: more bytes in the file than the database says.
    with (tmp_path / "photos" / ".partial" / f"{sha}.part").open("ab") as f:
        f.write(b"\0" * 7_000)
    assert photos.status(station, [sha]).photos[0].received == 20_000
    answer = photos.append(station, sha, 20_000, data[20_000:])
    assert answer.stored and answer.received == 50_000
    assert photos.open(sha) == data
    assert photos.path(sha) == tmp_path / "photos" / sha[:2] / f"{sha}.jpg"


def test_a_file_moved_into_place_but_not_recorded_is_adopted(store: CountyStore, tmp_path: Path) -> None:
    photos = PhotoStore(store, tmp_path / "photos", "disk")
    data = _bytes(30_000, 2)
    sha = _photo_record(store, data)
    station = _station(store)
    photos.append(station, sha, 0, data[:10_000])
    # Killed between the rename and the commit: the checked file is in place, no row says so.
    target = tmp_path / "photos" / sha[:2] / f"{sha}.jpg"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    (tmp_path / "photos" / ".partial" / f"{sha}.part").unlink()
    assert photos.status(station, [sha]).photos[0].state == "stored"
    assert photos.open(sha) == data and photos.held([sha]) == {sha}


def test_a_damaged_file_on_the_county_disk_is_not_served(store: CountyStore, tmp_path: Path) -> None:
    photos = PhotoStore(store, tmp_path / "photos", "disk")
    data = _bytes(20_000, 3)
    sha = _photo_record(store, data)
    assert photos.append(_station(store), sha, 0, data).stored
    target = photos.path(sha)
    assert target is not None
    target.write_bytes(data[:-1] + b"x")
    assert photos.open(sha) is None


@pytest.mark.parametrize(("first", "then"), [("database", "disk"), ("disk", "database")])
def test_the_setting_changed_half_way_through_an_upload(store: CountyStore, tmp_path: Path, first: str,
                                                         then: str) -> None:
    data = _bytes(40_000, 4)
    sha = _photo_record(store, data)
    station = _station(store)
    PhotoStore(store, tmp_path / "photos", first).append(station, sha, 0, data[:15_000])  # type: ignore[arg-type]
    photos = PhotoStore(store, tmp_path / "photos", then)  # type: ignore[arg-type]
    assert photos.append(station, sha, 15_000, data[15_000:]).stored
    assert photos.open(sha) == data
    assert (photos.path(sha) is not None) == (then == "disk")
    assert not list((tmp_path / "photos").rglob("*.part"))


def test_an_offset_past_the_size_or_a_wrong_one_is_refused(store: CountyStore, tmp_path: Path) -> None:
    photos = PhotoStore(store, tmp_path / "photos", "database")
    data = _bytes(10_000, 5)
    sha = _photo_record(store, data)
    station = _station(store)
    with pytest.raises(ApiError) as too_much:
        photos.append(station, sha, 0, data + b"more")
    assert too_much.value.status == 400
    photos.append(station, sha, 0, data[:4_000])
    with pytest.raises(ApiError) as wrong:
        photos.append(station, sha, 5_000, data[5_000:])
    assert wrong.value.status == 409 and wrong.value.extra["received"] == 4_000
    assert photos.append(station, sha, 4_000, data[4_000:]).stored
    assert photos.open(sha) == data and photos.path(sha) is None
