"""The county dies (kill -9) or comes back from an old backup: nothing is lost, nothing is
applied twice, and the station's next upload puts everything right."""

from __future__ import annotations

import random
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from sync import protocol
from tests.county_server import County

from .payloads import batch, change, new_code


def _store_counts(url: str, code: str) -> tuple[int, int]:
    """(change log rows, records) the county holds for a station, read from its store."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sid = conn.execute(text("SELECT id FROM stations WHERE code = :c"), {"c": code}).scalar_one()
            logged = conn.execute(
                text("SELECT count(*) FROM change_log WHERE station_id = :s"), {"s": sid}
            ).scalar_one()
            kept = conn.execute(text("SELECT count(*) FROM records WHERE station_id = :s"), {"s": sid}).scalar_one()
            return int(logged), int(kept)
    finally:
        engine.dispose()


def _workload(n: int) -> tuple[list[dict[str, Any]], int, int]:
    """n lectures inserted, each updated, every fifth deleted: the changes, in seq order, and
    the expected (lectures, audience) the county must end with."""
    changes: list[dict[str, Any]] = []
    seq = 0
    for i in range(n):
        seq += 1
        changes.append(change(seq, "lectures", f"L{i}", 1, audience=10))
    for i in range(n):
        seq += 1
        changes.append(change(seq, "lectures", f"L{i}", 2, op="update", audience=i))
    for i in range(0, n, 5):
        seq += 1
        changes.append(change(seq, "lectures", f"L{i}", 3, op="delete", audience=i))
    alive = [i for i in range(n) if i % 5]
    return changes, len(alive), sum(alive)


def test_killed_mid_upload_then_restarted_keeps_every_change_once(own_county: County) -> None:
    county = own_county
    code = new_code()
    token = county.enroll(code)
    changes, lectures, audience = _workload(100)  # 220 changes
    stored = 0  # changes the county said it stored (not duplicates), over every answer seen
    stop = threading.Event()
    errors: list[str] = []

    def station() -> None:
        """A station's sync loop: ask the ack, send the next 10, repeat; ride out the outages."""
        nonlocal stored
        while not stop.is_set():
            try:
                ack = county.ack(token, "epoch-1")
                if ack >= len(changes):
                    return
                r = county.post(token, batch(changes[ack : ack + 10], after_seq=ack))
                if r.status_code != 200:
                    errors.append(r.text)
                    return
                counts = r.json()["counts"]
                stored += counts["applied"] + counts["stale"] + counts["quarantined"]
                time.sleep(0.02)
            except (httpx.TransportError, AssertionError):
                time.sleep(0.1)

    worker = threading.Thread(target=station)
    worker.start()
    try:
        for _ in range(3):
            time.sleep(random.uniform(0.3, 0.9))
            county.kill9()
            county.start()
    finally:
        worker.join(timeout=180)
        stop.set()
    assert not worker.is_alive(), "the station never finished uploading"
    assert errors == []
    assert county.ack(token, "epoch-1") == len(changes)
    # Answers lost to a kill hide some first stores, never add any: more would mean twice.
    assert stored <= len(changes), "a change was stored twice"
    logged, kept = _store_counts(county.store, code)
    assert logged == len(changes) and kept == 100
    mine = next(s for s in county.report()["stations"] if s["code"] == code)
    assert (mine["lectures"], mine["lecture_audience"]) == (lectures, audience)


def test_killed_while_receiving_a_body_stores_nothing_of_it(own_county: County) -> None:
    county = own_county
    code = new_code()
    token = county.enroll(code)
    assert county.post(token, batch([change(i) for i in range(1, 6)])).json()["ack_seq"] == 5

    body = protocol.encode(protocol.Batch.model_validate(batch([change(i) for i in range(6, 206)], after_seq=5)))
    sent_half, killed = threading.Event(), threading.Event()

    def slow() -> Any:
        yield body[: len(body) // 2]
        sent_half.set()
        killed.wait(30)  # the server dies meanwhile
        yield body[len(body) // 2 :]

    outcome: list[Any] = []

    def upload() -> None:
        try:
            outcome.append(
                httpx.post(
                    county.base + protocol.BATCHES_PATH,
                    content=slow(),
                    timeout=60,
                    headers={**protocol.auth_header(token), "Content-Encoding": "gzip"},
                )
            )
        except httpx.TransportError as exc:
            outcome.append(exc)

    t = threading.Thread(target=upload, daemon=True)
    t.start()
    assert sent_half.wait(30)
    time.sleep(0.3)
    county.kill9()
    killed.set()
    t.join(timeout=60)
    assert outcome and isinstance(outcome[0], httpx.TransportError)  # no answer: not acknowledged
    county.start()
    assert county.ack(token, "epoch-1") == 5
    assert _store_counts(county.store, code) == (5, 5)
    r = county.post(token, None, raw=body, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 200 and r.json()["counts"]["applied"] == 200
    assert r.json()["ack_seq"] == 205


def test_county_restored_from_an_old_backup_is_refilled(own_county: County, tmp_path: Path) -> None:
    county = own_county
    token = county.enroll(new_code())
    assert county.post(token, batch([change(i) for i in range(1, 6)])).json()["ack_seq"] == 5
    backup = county.backup()
    later = [change(i) for i in range(6, 11)]
    assert county.post(token, batch(later, after_seq=5)).json()["ack_seq"] == 10
    county.stop()
    county.restore(backup)
    county.start()

    newest = [change(i) for i in range(11, 13)]
    r = county.post(token, batch(newest, after_seq=10))
    assert r.status_code == 409 and r.json()["ack_seq"] == 5
    # The station rewinds to the county's ack and sends again what the county lacks.
    r = county.post(token, batch(later + newest, after_seq=5))
    assert r.status_code == 200 and r.json()["ack_seq"] == 12
    assert r.json()["counts"]["applied"] == len(later + newest)
    assert county.report()["total"]["lectures"] == 12


def test_killed_right_after_refusing_a_bomb_still_recovers(own_county: County) -> None:
    """A refusal leaves nothing half-done behind: kill -9 right after it, restart, carry on."""
    county = own_county
    token = county.enroll(new_code())
    z = zlib.compressobj(1, zlib.DEFLATED, 31)
    bomb = z.compress(b" " * (80 << 20)) + z.flush()  # inflates past the 64 MiB cap
    assert county.post(token, None, raw=bomb, headers={"Content-Encoding": "gzip"}).status_code == 413
    county.kill9()
    county.start()
    r = county.post(token, batch([change(1)]))
    assert r.status_code == 200 and r.json()["ack_seq"] == 1
