"""Benchmark: the bytes on the wire for uploading N photos, against the files' own size.

Not a test. A station with N photos of 1920×1440 (made like camera pictures: gradients, shapes
and grain, then kept by ``station photo add``'s own code: upright, EXIF gone, JPEG q85) has
its records uploaded to a real ``county-center serve`` (SQLite, photos on disk); then one
``station sync`` sends the photo files through the loopback proxy of the tests
(tests/sync/shaping_proxy.py), which counts every byte it carries both ways, HTTP request and
answer headers included: the whole photo run (``ack``, the downlink, the status question and
every chunk with its answer).

Floor: the files' own total size, the least any upload of them can carry (JPEG does not
compress further). **Budget: wire bytes ≤ 1.05 × the files.** The ratio depends on the chunk
size (one request and one answer per chunk), not on the link's speed; ``--rate`` and
``--latency`` shape the link anyway, to watch a village-like upload. Run:

    uv run python bench/photo_wire.py [--photos 20] [--chunk-kb 256] [--rate BYTES_PER_S] [--latency S]

Exit status 0 when the budget holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET = 1.05


def camera_like(path: Path, seed: int) -> Path:
    """A 1920×1440 picture with what makes a photo's JPEG size: smooth light, edges and grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = 1920, 1440
    sky = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    tint = Image.new("RGB", (w, h), (rng.randrange(60, 200), rng.randrange(60, 200), rng.randrange(60, 200)))
    image = Image.blend(sky, tint, 0.5)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(20, 300)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((w, h), 18).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    image.save(path, "JPEG", quality=92)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--chunk-kb", type=int, default=256)
    parser.add_argument("--rate", type=float, default=None, help="bytes per second each way (default: loopback)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each way")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="photo-wire-") as tmp:
        work = Path(tmp)
        os.environ["STATION_CONFIG_DIR"] = str(work / "config")
        return run(work, args)


def run(work: Path, args: argparse.Namespace) -> int:
    from bench.station_db import new_station
    from station_tui.storage import photos
    from sync import credentials
    from sync.client import sync
    from tests.county_server import County
    from tests.sync.shaping_proxy import ShapingProxy

    db = work / "station.db"
    store = new_station(db)
    try:
        from datetime import date

        from station_tui.domain import Lecture

        lecture = store.lectures.add(Lecture(date=date(2026, 11, 5), topic="学习党的二十届四中全会精神",
                                             audience=40, speaker="张三", form="集中宣讲"))
        camera = work / "camera"
        camera.mkdir()
        files = [camera_like(camera / f"IMG_{i:04d}.jpg", i) for i in range(args.photos)]
        added = photos.add(store, "lectures", str(lecture.id), files)
        assert not added.refused, added.refused
        total = sum(p.size_bytes for p in added.photos)
    finally:
        store.close()

    (work / "county").mkdir()
    county = County(f"sqlite:///{work / 'county' / 'county.db'}", work / "county",
                    ("--rate", "1000", "--burst", "1000")).start()
    try:
        code = county.add_station("140311101201")
        from station_tui.cli import main as station_main

        assert station_main(["--db", str(db), "enroll", "--server", county.base, "--code", code]) == 0
        creds = credentials.load()
        # The records first, straight to the county: the proxy sees the photo run alone.
        first = sync(db, creds, max_photo_bytes=0)
        assert first.photos is not None and first.photos.left == args.photos
        with ShapingProxy(county.port, rate=args.rate, latency=args.latency) as proxy:
            started = time.monotonic()
            report = sync(db, credentials.Credentials(creds.server.replace(county.base, proxy.url), creds.token,
                                                      creds.station_code),
                          photo_chunk=args.chunk_kb * 1024)
            seconds = time.monotonic() - started
            wire = proxy.counters
    finally:
        county.stop()
    assert report.photos is not None and report.photos.uploaded == args.photos, report.summary_zh()

    both = wire.up + wire.down
    ratio_up, ratio = wire.up / total, both / total
    print(f"{args.photos} photos of 1920x1440, {total:,} bytes ({total / args.photos / 1024:.0f} KB each), "
          f"chunks of {args.chunk_kb} KiB, {wire.connections} connection(s), {seconds:.1f}s")
    print(f"  on the wire up   (station -> county): {wire.up:,} bytes  = {ratio_up:.4f} x the files")
    print(f"  on the wire down (county -> station): {wire.down:,} bytes")
    print(f"  both ways: {both:,} bytes = {ratio:.4f} x the files (budget <= {BUDGET:.2f} x)")
    ok = ratio <= BUDGET
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
