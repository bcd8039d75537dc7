"""Power cuts, crashes and restores: nothing typed at a station may be lost or applied twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import time

from sync import protocol
from sync.station_state import state_path
from tests.county_server import County
from tests.sync.support import StationPC, add_records


def _edit_some(pc: StationPC, rng: random.Random, n: int = 5) -> None:
    """Edits like the station's own: updates, a delete, new records (every one captured)."""
    with pc.store() as s:
        ids = [r[0] for r in s.query("SELECT id FROM lectures WHERE deleted = 0")]
        for rid in rng.sample(ids, min(n, len(ids))):
            s.conn.execute("UPDATE lectures SET audience = audience + 1 WHERE id = ?", (rid,))
        acts = [r[0] for r in s.query("SELECT id FROM activities WHERE deleted = 0")]
        if acts:
            s.activities.delete(rng.choice(acts))
        add_records(s, 3, start=rng.randrange(10_000))


def _assert_county_equals_station(pc: StationPC, county: County) -> None:
    assert pc.pending() == 0
    assert county.records(pc.code) == pc.expected_records()
    log = county.change_log(pc.code)
    with pc.store() as s:
        outbox_ids = {protocol.change_id(*r) for r in s.query("SELECT tbl, op, row_json FROM outbox")}
    # Every change reached the county exactly once (the change log is keyed by change id).
    assert len(log) == len(outbox_ids)
    assert {c for c, _ in log} == outbox_ids


def _highest_sent(pc: StationPC) -> int:
    """The last seq ``station sync`` put on the wire (it writes this just before sending)."""
    from sync.station_state import StationState

    return max((rec.sent for rec in StationState.load(pc.db).epochs.values()), default=0)


def test_kill_9_of_station_sync_at_random_points(station_pc: StationPC, county: County) -> None:
    seed = int(os.environ.get("SYNC_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 600)
    progressed = 0
    for run in range(15):
        _edit_some(station_pc, rng)
        before = station_pc.pending()
        sent_before = _highest_sent(station_pc)
        proc = station_pc.spawn("sync", "--batch-size", "20")
        if run % 2:
            # Anywhere from start-up on: before, during or after the first batch.
            time.sleep(rng.uniform(0.0, 3.0))
        else:
            # Once a batch is on its way (start-up takes longer on a busy machine).
            deadline = time.monotonic() + 60
            while _highest_sent(station_pc) == sent_before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        progressed += station_pc.pending() < before
    out = station_pc.station("sync")
    assert out.returncode == 0, f"seed {seed}: {out.stderr}"
    _assert_county_equals_station(station_pc, county)
    assert progressed > 0, f"seed {seed}: no killed run got anything through"


def test_county_killed_mid_batch_and_restarted(station_pc: StationPC, own_county: County) -> None:
    county = own_county
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 3000)
    total = station_pc.pending()
    proc = station_pc.spawn("sync", "--batch-size", "25", "--verbose")
    deadline = time.monotonic() + 60
    while station_pc.pending() == total and time.monotonic() < deadline:
        time.sleep(0.05)
    county.kill9()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 75, err
    assert "连不上县中心" in err or "县中心暂时忙" in err
    left = station_pc.pending()
    assert 0 < left < total
    county.start()
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    _assert_county_equals_station(station_pc, county)


def _copy_db(pc: StationPC, target_dir) -> None:
    import sqlite3

    target_dir.mkdir()
    src = sqlite3.connect(pc.db)
    dst = sqlite3.connect(target_dir / "station.db")
    src.backup(dst)
    src.close()
    dst.close()
    if state_path(pc.db).exists():
        shutil.copy(state_path(pc.db), state_path(target_dir / "station.db"))


def _restore_db(pc: StationPC, backup_dir, *, with_state_file: bool) -> None:
    for extra in ("-wal", "-shm"):
        (pc.db.parent / (pc.db.name + extra)).unlink(missing_ok=True)
    shutil.copy(backup_dir / "station.db", pc.db)
    if with_state_file:
        shutil.copy(state_path(backup_dir / "station.db"), state_path(pc.db))


def _station_restored(pc: StationPC, county: County, tmp_path, *, with_state_file: bool) -> None:
    rng = random.Random(7)
    pc.enroll(county)
    with pc.store() as s:
        first = add_records(s, 30)
    assert pc.station("sync").returncode == 0
    _copy_db(pc, tmp_path / "backup")
    # Life goes on after the backup, and reaches the county...
    with pc.store() as s:
        lost = add_records(s, 30, start=100)
        s.conn.execute("UPDATE people SET note = '备份之后的修改' WHERE id = ?", (first[0],))
        # Edited after the backup and never touched again once it is put back: the county must
        # end with the station's (the backup's) version, not keep the lost timeline's.
        s.conn.execute("UPDATE people SET note = '只在丢失的时间线上' WHERE id = ?", (first[2],))
        s.conn.execute("UPDATE lectures SET audience = audience + 7")
    assert pc.station("sync").returncode == 0
    # ...then the disk dies and the backup is put back.
    _restore_db(pc, tmp_path / "backup", with_state_file=with_state_file)
    with pc.store() as s:
        add_records(s, 10, start=200)
        s.conn.execute("UPDATE people SET note = '恢复之后重新录入' WHERE id = ?", (first[0],))
        s.conn.execute("UPDATE people SET note = '恢复之后的修改' WHERE id = ?", (first[1],))
    _edit_some(pc, rng)
    out = pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert "备份恢复" in out.stdout
    assert pc.pending() == 0
    held = county.records(pc.code)
    expected = pc.expected_records()
    # Everything the restored station holds is at the county as the station has it now...
    assert {k: held[k] for k in expected} == expected
    assert held[("people", first[0])][2]["note"] == "恢复之后重新录入"
    assert held[("people", first[2])][2]["note"] is None
    # ...and what only the lost timeline had is still kept at the county.
    assert all(("people", pid) in held and held[("people", pid)][1] == 0 for pid in lost)
    # A later run has nothing left to do and starts no further epoch.
    again = pc.station("sync")
    assert again.returncode == 0 and "没有待上传的修改" in again.stdout


def test_station_restored_from_a_backup_resends_what_the_county_lacks(
    station_pc: StationPC, county: County, tmp_path
) -> None:
    _station_restored(station_pc, county, tmp_path, with_state_file=False)


def test_station_restored_with_its_state_file_is_detected_by_the_county_ack(
    station_pc: StationPC, county: County, tmp_path
) -> None:
    _station_restored(station_pc, county, tmp_path, with_state_file=True)


def test_county_restored_from_an_old_backup_is_refilled(station_pc: StationPC, own_county: County) -> None:
    county = own_county
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 30)
    assert station_pc.station("sync").returncode == 0
    backup = county.backup()
    with station_pc.store() as s:
        add_records(s, 30, start=100)
    assert station_pc.station("sync").returncode == 0
    assert station_pc.pending() == 0
    county.stop()
    county.restore(backup)
    county.start()
    assert len(county.records(station_pc.code)) < len(station_pc.expected_records())
    # Nothing is pending at the station, yet the next run notices and re-fills the county.
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert "县中心的数据比本站记录的少" in out.stdout
    _assert_county_equals_station(station_pc, county)


def test_batches_shrink_below_the_countys_size_cap(station_pc: StationPC, own_county: County) -> None:
    county = own_county
    county.stop()
    county.serve_args = ("--max-body", "6000", "--rate", "1000", "--burst", "1000")
    county.start()
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 400)
    out = station_pc.station("sync", "--verbose", "--batch-size", "400")
    assert out.returncode == 0, out.stderr
    assert "too large" in out.stderr  # it met the 413 and went on with smaller batches
    _assert_county_equals_station(station_pc, county)


def test_a_rate_limited_county_is_waited_for(station_pc: StationPC, own_county: County) -> None:
    county = own_county
    county.stop()
    county.serve_args = ("--rate", "2", "--burst", "2", "--access-log", "--log-level", "info")
    county.start()
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 40)
    out = station_pc.station("sync", "--batch-size", "2")
    assert out.returncode == 0, out.stderr
    assert " 429" in (county.workdir / "serve.log").read_text()  # it was told to slow down
    _assert_county_equals_station(station_pc, county)
