"""Photo files from the station to the county: after the records, in resumable chunks, checked
by hash and kept once, on disk or in the county's database, on SQLite and PostgreSQL.

Real files (JPEGs made by Pillow, kept by `station photo add`'s own code), `station sync` as a
process, `county-center serve` as a process, and, for the village link, the shaping proxy of
tests/sync/shaping_proxy.py (64 kbit/s, 300 ms each way, cut or corrupted on demand)."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync import protocol
from tests.sync.photo_support import PhotoCounty, add_photos, local_bytes, photo_county, point_at
from tests.sync.shaping_proxy import ShapingProxy
from tests.sync.support import StationPC

#: 64 kbit/s, each way.
SLOW = 8000
STORES = [("sqlite", "disk"), ("sqlite", "database"), ("postgresql", "disk"), ("postgresql", "database")]
#: The kill tests run each backend once, each with the other way of keeping photos.
KILL_STORES = [("sqlite", "disk"), ("postgresql", "database")]


def _pc(root: Path, name: str) -> StationPC:
    pc = StationPC(root / name, "1403111" + f"{uuid.uuid4().int % 10**5:05d}")
    pc.root.mkdir(parents=True)
    pc.init()
    return pc


@pytest.fixture(params=STORES, ids=lambda p: f"{p[0]}-{p[1]}")
def any_county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhotoCounty]:
    backend, keep = request.param
    with photo_county(backend, keep, tmp_path_factory.mktemp("county")) as county:
        yield county


@pytest.fixture(params=KILL_STORES, ids=lambda p: f"{p[0]}-{p[1]}")
def kill_county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhotoCounty]:
    backend, keep = request.param
    with photo_county(backend, keep, tmp_path_factory.mktemp("county")) as county:
        yield county


@pytest.fixture
def sqlite_county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhotoCounty]:
    with photo_county("sqlite", "disk", tmp_path_factory.mktemp("county")) as county:
        yield county


def _sync(pc: StationPC, *args: str) -> str:
    out = pc.station("sync", *args)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _wait(what: str, ok: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ok():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds}s for {what}")


def test_photos_reach_the_county_checked_and_kept_once(tmp_path: Path, any_county: PhotoCounty) -> None:
    county = any_county
    first = _pc(tmp_path, "first")
    first.enroll(county.server)
    kept = add_photos(first, [1, 2, 3])
    with first.store() as s:  # a removed photo is a tombstone: its file need not go
        from station_tui.storage import photos

        photos.remove(s, photos.find(s, kept[2].photo_id))

    out = _sync(first)
    assert "照片：已上传 2 张" in out
    assert f"uploaded 2 ({kept[0].size + kept[1].size} bytes)" in out
    for photo in kept[:2]:
        assert county.held(photo.sha256) == local_bytes(first, photo.sha256)
    assert county.held(kept[2].sha256) is None
    assert sorted(county.files()) == sorted((p.sha256, county.keep) for p in kept[:2])
    assert county.blobs() == (2 if county.keep == "database" else 0)

    # Nothing more to send: the next run does not even ask about these again.
    again = _sync(first)
    assert "照片" not in again and "photos:" not in again

    # A second station with one of the same pictures: the county already has it, kept once.
    second = _pc(tmp_path, "second")
    second.enroll(county.server)
    shared = add_photos(second, [1, 4])
    assert shared[0].sha256 == kept[0].sha256
    out = _sync(second)
    assert "照片：已上传 1 张" in out and "1 张县中心已有" in out
    assert f"uploaded 1 ({shared[1].size} bytes)" in out
    assert len(county.files()) == 3
    if county.keep == "disk":
        on_disk = sorted(p.name for p in county.photos_dir.rglob("*.jpg"))
        assert on_disk == sorted(f"{p.sha256}.jpg" for p in (kept[0], kept[1], shared[1]))

    # County staff: the listing, a file, the route with the admin token; a station may not read.
    listing = county.cli("photos", "--station", first.code).stdout
    lines = {line.split()[-1]: line for line in listing.splitlines()[1:-1]}
    assert set(lines) == {kept[0].sha256, kept[1].sha256}  # the removed one is not listed
    assert all("宣讲 宣讲党的创新理论" in line and "已收到" in line for line in lines.values())
    assert "共 2 张照片记录，文件已收到 2 张" in listing
    target = tmp_path / "out" / "one.jpg"
    county.cli("photo", "get", kept[1].sha256, "--output", str(target))
    assert target.read_bytes() == local_bytes(first, kept[1].sha256)
    url = f"{county.server.base}{protocol.PHOTOS_PATH}/{kept[0].sha256}"
    staff = httpx.get(url, headers=protocol.auth_header(county.server.admin_token()), timeout=30)
    assert staff.status_code == 200 and staff.headers["content-type"] == "image/jpeg"
    assert staff.content == local_bytes(first, kept[0].sha256)
    from sync import credentials

    token = credentials.load(first.config / "county.json").token
    refused = httpx.get(url, headers=protocol.auth_header(token), timeout=30)
    assert refused.status_code == 403


def test_a_photo_whose_file_is_gone_is_a_warning_and_the_rest_goes(tmp_path: Path, sqlite_county: PhotoCounty) -> None:
    pc = _pc(tmp_path, "pc")
    pc.enroll(sqlite_county.server)
    kept = add_photos(pc, [5, 6])
    from station_tui.storage.photos import file_of

    file_of(pc.db, kept[0].sha256).unlink()
    out = _sync(pc)
    assert "照片：已上传 1 张" in out
    assert f"警告：照片 {kept[0].photo_id[-8:]} 的文件不在本机" in out
    assert sqlite_county.held(kept[1].sha256) == local_bytes(pc, kept[1].sha256)
    assert sqlite_county.held(kept[0].sha256) is None
    # It is said again next run, not forgotten.
    assert "不在本机" in _sync(pc)
