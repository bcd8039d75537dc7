"""Helpers of the photo upload tests: real JPEG files, a station holding them, a county keeping
its photos on disk or in its database, and a station sent through the shaping proxy."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.county_server import County, running_county
from tests.sync.support import StationPC, add_records

#: The stations under test sync far more often than a village would.
SERVE_ARGS = ("--rate", "1000", "--burst", "1000")


def make_jpeg(path: Path, seed: int, size: tuple[int, int] = (300, 200)) -> Path:
    """A photo as a phone would give it, of noise (so it does not shrink: ~47 KB at 300×200)."""
    from PIL import Image

    rng = random.Random(seed)
    w, h = size
    Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3)).save(path, "JPEG", quality=90)
    return path


@dataclass
class Kept:
    sha256: str
    size: int
    photo_id: str


def add_photos(pc: StationPC, seeds: list[int], size: tuple[int, int] = (300, 200)) -> list[Kept]:
    """Attach one photo per seed to a lecture of the station (``station photo add``'s own code)."""
    from station_tui.storage import photos

    files = pc.root / "camera"
    files.mkdir(exist_ok=True)
    with pc.store() as s:
        row = s.query_one("SELECT id FROM lectures WHERE deleted = 0 LIMIT 1")
        if row is None:
            add_records(s, 2)
            row = s.query_one("SELECT id FROM lectures WHERE deleted = 0 LIMIT 1")
        assert row is not None
        lecture = row[0]
        made = [make_jpeg(files / f"p{seed}.jpg", seed, size) for seed in seeds]
        added = photos.add(s, "lectures", str(lecture), made)
    assert not added.refused, added.refused
    return [Kept(p.sha256, p.size_bytes, str(p.id)) for p in added.photos]


def local_bytes(pc: StationPC, sha256: str) -> bytes:
    from station_tui.storage.photos import file_of

    return file_of(pc.db, sha256).read_bytes()


def point_at(pc: StationPC, url: str) -> None:
    """The station's county address is now ``url`` (the shaping proxy in front of the county)."""
    import dataclasses

    from sync import credentials

    path = pc.config / "county.json"
    creds = credentials.load(path)
    credentials.save(dataclasses.replace(creds, server=url), path)


@dataclass
class PhotoCounty:
    """A county server keeping photos ``keep`` (disk or database) in ``photos_dir``."""

    server: County
    keep: str
    photos_dir: Path

    def cli(self, *args: str, check: bool = True) -> Any:
        return self.server.cli(*args, "--photos-dir", str(self.photos_dir), check=check)

    def _store(self) -> Any:
        from county.photo_store import PhotoStore
        from county.store import CountyStore

        store = CountyStore(self.server.store)
        return store, PhotoStore(store, self.photos_dir, self.keep)  # type: ignore[arg-type]

    def held(self, sha256: str) -> bytes | None:
        store, photos = self._store()
        try:
            data: bytes | None = photos.open(sha256)
            return data
        finally:
            store.close()

    def files(self) -> list[tuple[str, str]]:
        """(sha256, where) of every photo the county holds whole."""
        rows = self.server._query("SELECT sha256, stored FROM photo_files ORDER BY sha256")
        return [(str(a), str(b)) for a, b in rows]

    def partial(self, sha256: str) -> int:
        rows = self.server._query("SELECT received FROM photo_uploads WHERE sha256 = :s", s=sha256)
        return int(rows[0][0]) if rows else 0

    def forget_photos(self) -> None:
        """As after a restore from a backup taken before any photo came: none is held."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server.store)
        try:
            with engine.begin() as conn:
                for table in ("photo_files", "photo_blobs", "photo_uploads", "photo_parts"):
                    conn.execute(text(f"DELETE FROM {table}"))
        finally:
            engine.dispose()
        for f in self.photos_dir.rglob("*.jpg"):
            f.unlink()

    def blobs(self) -> int:
        return int(self.server._query("SELECT count(*) FROM photo_blobs")[0][0])


@contextmanager
def photo_county(backend: str, keep: str, where: Path) -> Iterator[PhotoCounty]:
    photos_dir = where / "county-photos"
    args = (*SERVE_ARGS, "--photo-store", keep, "--photos-dir", str(photos_dir))
    with running_county(backend, where, args) as server:
        yield PhotoCounty(server, keep, photos_dir)
