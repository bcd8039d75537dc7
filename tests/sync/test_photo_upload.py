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


def _records_first(pc: StationPC) -> None:
    """The records go up, no photo byte yet (``--max-photo-mb 0``)."""
    out = _sync(pc, "--max-photo-mb", "0")
    assert "还有" in out and "待下次上传" in out


def test_kill_9_of_station_sync_mid_photo_resumes_from_the_county(tmp_path: Path, kill_county: PhotoCounty) -> None:
    county = kill_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    [photo] = add_photos(pc, [7], size=(200, 150))
    _records_first(pc)
    with ShapingProxy(county.server.port, rate=SLOW, latency=0.3) as proxy:
        point_at(pc, proxy.url)
        proc = pc.spawn("sync", "--photo-chunk-kb", "8")
        # Killed once the county holds more than a chunk and less than the whole.
        _wait("a partial photo at the county", lambda: county.partial(photo.sha256) > 8192)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        time.sleep(1.0)  # the cut chunk's last bytes reach the county, which keeps them
        held = county.partial(photo.sha256)
        assert 8192 < held < photo.size
        assert county.held(photo.sha256) is None
        proxy.reset()
        out = _sync(pc, "--photo-chunk-kb", "8")
        wire = proxy.counters
    assert "照片：已上传 1 张" in out
    # Only the remainder went: the chunk bodies of this run are what the county lacked ...
    assert f"uploaded 1 ({photo.size - held} bytes)" in out
    # ... and on the wire, with every request's headers, little more than that.
    assert photo.size - held <= wire.up < photo.size - held + 6000
    assert county.held(photo.sha256) == local_bytes(pc, photo.sha256)
    assert county.partial(photo.sha256) == 0


def test_county_killed_mid_photo_keeps_what_it_had(tmp_path: Path, kill_county: PhotoCounty) -> None:
    county = kill_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    [photo] = add_photos(pc, [8], size=(200, 150))
    _records_first(pc)
    with ShapingProxy(county.server.port, rate=SLOW, latency=0.3) as proxy:
        point_at(pc, proxy.url)
        proc = pc.spawn("sync", "--photo-chunk-kb", "8")
        _wait("a partial photo at the county", lambda: county.partial(photo.sha256) > 8192)
        county.server.kill9()
        committed = county.partial(photo.sha256)  # what the county had committed when it died
        stdout, stderr = proc.communicate(timeout=60)
        # The records were done; the photo could not finish: said, and 75 for the scheduler.
        assert proc.returncode == 75, stdout + stderr
        assert "照片上传中断" in stdout and "还有 1 张待下次上传" in stdout
        county.server.start()
        held = county.partial(photo.sha256)
        assert committed <= held < photo.size  # nothing committed was lost with the process
        proxy.reset()
        out = _sync(pc, "--photo-chunk-kb", "8")
        wire = proxy.counters
    assert "照片：已上传 1 张" in out
    assert f"uploaded 1 ({photo.size - held} bytes)" in out
    assert wire.up < photo.size - held + 6000
    assert county.held(photo.sha256) == local_bytes(pc, photo.sha256)


def test_recheck_photos_sends_again_what_a_restored_county_lost(tmp_path: Path, sqlite_county: PhotoCounty) -> None:
    county = sqlite_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    kept = add_photos(pc, [16, 17])
    assert "照片：已上传 2 张" in _sync(pc)
    # The county's photos are lost (restored from a backup taken before they came).
    county.forget_photos()
    assert all(county.held(p.sha256) is None for p in kept)
    # The station knows it sent them: it does not ask again by itself ...
    assert "照片" not in _sync(pc)
    # ... until asked to check every photo again.
    out = _sync(pc, "--recheck-photos")
    assert "照片：已上传 2 张" in out
    for p in kept:
        assert county.held(p.sha256) == local_bytes(pc, p.sha256)


def test_a_link_cut_mid_chunk_loses_nothing_already_received(tmp_path: Path, sqlite_county: PhotoCounty) -> None:
    county = sqlite_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    [photo] = add_photos(pc, [9])
    _records_first(pc)
    with ShapingProxy(county.server.port, rate=4 * SLOW, latency=0.3) as proxy:
        point_at(pc, proxy.url)
        # Into the second chunk's body: ~2 KB of requests before, then 16 KB, then half of the next.
        proxy.cut_after(2000 + 16384 + 8000)
        out = _sync(pc, "--photo-chunk-kb", "16")
        wire = proxy.counters
    assert wire.cuts == 1
    assert "照片：已上传 1 张" in out
    assert county.held(photo.sha256) == local_bytes(pc, photo.sha256)
    # The part of the cut chunk that got through was kept: it was not sent again.
    assert wire.up < photo.size + 5000


def test_bytes_damaged_on_the_way_are_refused_then_sent_again(tmp_path: Path, sqlite_county: PhotoCounty) -> None:
    county = sqlite_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    [photo] = add_photos(pc, [10])
    _records_first(pc)
    with ShapingProxy(county.server.port) as proxy:
        point_at(pc, proxy.url)
        proxy.corrupt_after(20_000)  # one byte flipped inside a chunk body
        done = pc.station("sync", "--photo-chunk-kb", "16", "--verbose")
        wire = proxy.counters
    assert done.returncode == 0, done.stderr
    assert wire.corrupted == 1
    assert "照片：已上传 1 张" in done.stdout
    assert "the county found the whole file damaged; sending it again" in done.stderr
    assert county.held(photo.sha256) == local_bytes(pc, photo.sha256)
    assert "SHA-256 differs" in county.server.log()
    # Sent twice: the damaged whole, then the good one.
    assert wire.up > 2 * photo.size


def test_max_photo_mb_stops_at_the_limit_and_the_next_run_finishes(tmp_path: Path, sqlite_county: PhotoCounty) -> None:
    county = sqlite_county
    pc = _pc(tmp_path, "pc")
    pc.enroll(county.server)
    kept = add_photos(pc, [11, 12, 13])
    limit = int(0.05 * 1024 * 1024)
    assert kept[0].size < limit < kept[0].size + kept[1].size
    out = _sync(pc, "--max-photo-mb", "0.05", "--photo-chunk-kb", "16")
    assert "照片：已上传 1 张" in out and "还有 2 张待下次上传" in out and "已达到本次上传流量上限" in out
    assert f"uploaded 1 ({limit} bytes)" in out
    stored = [p for p in kept if county.held(p.sha256) is not None]
    assert len(stored) == 1
    partial = sum(county.partial(p.sha256) for p in kept)
    assert partial == limit - stored[0].size  # the rest of the budget began the next photo
    out = _sync(pc)
    assert "照片：已上传 2 张" in out and "待下次上传" not in out
    assert f"uploaded 2 ({sum(p.size for p in kept) - limit} bytes)" in out
    for p in kept:
        assert county.held(p.sha256) == local_bytes(pc, p.sha256)


def test_the_county_takes_only_whole_matching_photos_a_station_reported(
    tmp_path: Path, sqlite_county: PhotoCounty
) -> None:
    import hashlib

    from sync import credentials

    county = sqlite_county
    one, other = _pc(tmp_path, "one"), _pc(tmp_path, "other")
    for pc in (one, other):
        pc.enroll(county.server)
    [mine] = add_photos(one, [14])
    [theirs] = add_photos(other, [15])
    for pc in (one, other):
        _records_first(pc)
    token = credentials.load(one.config / "county.json").token
    data = local_bytes(one, mine.sha256)

    def send(sha: str, offset: int, body: bytes, **headers: str) -> httpx.Response:
        return httpx.post(f"{county.server.base}{protocol.PHOTOS_PATH}/{sha}", params={"offset": offset},
                          content=body, timeout=30, headers={**protocol.auth_header(token),
                                                             "Content-Type": "application/octet-stream", **headers})

    # A hash no record of this station names: neither a made-up one nor another station's.
    made_up = hashlib.sha256(b"not a photo of ours").hexdigest()
    for sha in (made_up, theirs.sha256):
        refused = send(sha, 0, data[:1000])
        assert refused.status_code == 403 and refused.json()["error"] == "photo_unknown"
    status = httpx.post(f"{county.server.base}{protocol.PHOTOS_STATUS_PATH}", json={"sha256": [mine.sha256, made_up]},
                        headers=protocol.auth_header(token), timeout=30).json()
    assert [(p["state"], p["size"]) for p in status["photos"]] == [("missing", mine.size), ("unknown", 0)]

    # Chunks: over the cap 413, compressed 400, at the wrong offset 409 with where to go on.
    big = send(mine.sha256, 0, bytes(protocol.MAX_PHOTO_CHUNK_BYTES + 1))
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    assert send(mine.sha256, 0, data[:100], **{"Content-Encoding": "gzip"}).status_code == 400
    assert send(mine.sha256, 0, data[:10_000]).json() == {
        "sha256": mine.sha256, "size": mine.size, "received": 10_000, "stored": False}
    wrong = send(mine.sha256, 0, data[:10_000])
    assert wrong.status_code == 409 and wrong.json()["error"] == "photo_offset" and wrong.json()["received"] == 10_000
    assert county.partial(mine.sha256) == 10_000

    # The rest, one byte changed: the whole does not match its name; nothing is kept.
    rest = bytearray(data[10_000:])
    rest[100] ^= 0x01
    damaged = send(mine.sha256, 10_000, bytes(rest))
    assert damaged.status_code == 422 and damaged.json()["error"] == "photo_mismatch"
    assert county.held(mine.sha256) is None and county.files() == [] and county.partial(mine.sha256) == 0
    assert not list(county.photos_dir.rglob("*.jpg")) and not list(county.photos_dir.rglob("*.part"))

    # Staff asking for a photo the county does not hold: 404.
    admin = protocol.auth_header(county.server.admin_token())
    missing = httpx.get(f"{county.server.base}{protocol.PHOTOS_PATH}/{mine.sha256}", headers=admin, timeout=30)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    got = county.cli("photo", "get", mine.sha256, check=False)
    assert got.returncode == 1 and "县中心没有这张照片" in got.stderr
    listing = county.cli("photos", "--station", one.code).stdout
    assert "未收到" in listing and "文件已收到 0 张" in listing
