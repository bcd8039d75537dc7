"""``station sync`` against a real ``county-center serve`` (SQLite and PostgreSQL stores)."""

from __future__ import annotations

import json
import time
from datetime import date

from station_tui.domain import Lecture
from tests.county_server import County
from tests.sync.support import StationPC, add_records, add_venue


def _synced(pc: StationPC, county: County) -> None:
    out = pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert pc.pending() == 0
    assert county.records(pc.code) == pc.expected_records()


def test_enroll_and_sync_everything(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county, in_process=False)
    token_file = station_pc.config / "county.json"
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    with station_pc.store() as s:
        add_records(s, 40)
    before = station_pc.pending()
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert f"已上传 {before} 条修改" in out.stdout
    assert station_pc.pending() == 0
    assert county.records(station_pc.code) == station_pc.expected_records()
    with station_pc.store() as s:
        assert s.last_sync() is not None
    # Nothing left: exit 0, nothing sent again.
    again = station_pc.station("sync")
    assert again.returncode == 0 and "没有待上传的修改" in again.stdout
    assert len(county.change_log(station_pc.code)) == before


def test_edits_deletes_and_a_row_changed_again_before_upload(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        venue = add_venue(s)
        lecture = s.lectures.add(Lecture(date=date(2026, 3, 5), topic="乡村振兴政策", audience=10))
        # Edited twice before its first upload: both changes travel, the newest wins.
        lecture = s.lectures.update(lecture.model_copy(update={"audience": 25}))
        lecture = s.lectures.update(lecture.model_copy(update={"topic": "乡村振兴政策解读"}))
        s.venues.delete(str(venue.id))
        # A hard delete in the sqlite3 shell is captured as a tombstone too.
        person_ids = add_records(s, 3)
        s.conn.execute("DELETE FROM people WHERE id = ?", (person_ids[0],))
    _synced(station_pc, county)
    held = county.records(station_pc.code)
    assert held[("lectures", str(lecture.id))][2]["topic"] == "乡村振兴政策解读"
    assert held[("lectures", str(lecture.id))][2]["audience"] == 25
    assert held[("lectures", str(lecture.id))][0] == 3
    assert held[("venues", str(venue.id))][1] == 1  # tombstone kept
    assert held[("people", person_ids[0])][1] == 1
    # Edited after its upload: the county follows.
    with station_pc.store() as s:
        s.lectures.update(lecture.model_copy(update={"audience": 40}))
    _synced(station_pc, county)
    assert county.records(station_pc.code)[("lectures", str(lecture.id))][2]["audience"] == 40


def test_a_station_clock_a_year_off_changes_nothing(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 6)
        # The PC's clock was a year ahead when these were typed, then a year behind.
        s.conn.execute("UPDATE people SET updated_at = '2027-11-22T10:00:00', created_at = '2027-11-22T10:00:00'")
        s.conn.execute("UPDATE lectures SET updated_at = '2025-11-22T10:00:00', created_at = '2025-11-22T10:00:00'")
    _synced(station_pc, county)
    with station_pc.store() as s:
        s.conn.execute("UPDATE people SET note = '补录', updated_at = '2024-01-01T00:00:00'")
    _synced(station_pc, county)
    notes = [r[2]["note"] for k, r in county.records(station_pc.code).items() if k[0] == "people"]
    assert notes and all(n == "补录" for n in notes)


def test_wrong_revoked_and_other_stations_tokens_exit_77(station_pc: StationPC, county: County, tmp_path) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 3)
    pending = station_pc.pending()
    token_file = station_pc.config / "county.json"
    good = json.loads(token_file.read_text())

    token_file.write_text(json.dumps({**good, "token": "st_not-a-real-token"}))
    out = station_pc.station("sync")
    assert out.returncode == 77, out.stderr
    assert "登记码" in out.stderr and "station enroll" in out.stderr

    # Another station's genuine token, copied onto this PC.
    other = StationPC(tmp_path / "other", "140311109999")
    other.root.mkdir()
    other.init()
    other.enroll(county)
    other_token = json.loads((other.config / "county.json").read_text())
    token_file.write_text(json.dumps({**other_token}))
    out = station_pc.station("sync")
    assert out.returncode == 77, out.stderr
    token_file.write_text(json.dumps({**other_token, "station_code": station_pc.code}))  # a doctored file
    out = station_pc.station("sync")
    assert out.returncode == 77, out.stderr
    assert county.records(other.code) == {}

    token_file.write_text(json.dumps(good))
    assert station_pc.station("sync").returncode == 0  # the genuine token works...
    with station_pc.store() as s:
        add_records(s, 2, start=10)
    pending = station_pc.pending()
    county.cli("station", "revoke", station_pc.code)  # ...until the county revokes it
    out = station_pc.station("sync")
    assert out.returncode == 77, out.stderr
    assert station_pc.pending() == pending
    assert len(county.records(station_pc.code)) == len(station_pc.expected_records()) - pending


def test_a_second_concurrent_sync_exits_at_once(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    from filelock import FileLock

    from sync.runner_lock import lock_path

    with station_pc.store() as s:
        add_records(s, 3)
    # Hold the runner lock as a first `station sync` (or the app) would.
    with FileLock(str(lock_path(station_pc.db))):
        t0 = time.monotonic()
        out = station_pc.station("sync")
        took = time.monotonic() - t0
    assert out.returncode == 75
    assert "另一个同步正在进行" in out.stderr
    assert took < 20
    _synced(station_pc, county)


def test_two_syncs_started_together_upload_once(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 300)
    procs = [station_pc.spawn("sync") for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in procs)
    assert codes[0] == 0 and codes[1] in (0, 75)
    assert station_pc.pending() == 0
    log = county.change_log(station_pc.code)
    with station_pc.store() as s:
        changes = s.query("SELECT count(*) FROM outbox")[0][0]
    assert len(log) == changes  # each change stored once, none applied twice
    assert county.records(station_pc.code) == station_pc.expected_records()
    assert all(status == "applied" for _, status in log)


def test_https_with_the_countys_own_certificate(station_pc: StationPC, own_county: County, tmp_path) -> None:
    import subprocess

    cert, key = tmp_path / "county.pem", tmp_path / "county.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    county = own_county
    county.stop()
    county.serve_args = ("--tls-cert", str(cert), "--tls-key", str(key))
    county.verify = str(cert)
    county.start()
    https = county.base.replace("http://", "https://")
    code = county.add_station(station_pc.code)
    # Without the county's CA the station refuses to talk (and says how to fix it).
    out = station_pc.station("enroll", "--server", https, "--code", code)
    assert out.returncode == 1
    assert "--ca-bundle" in out.stderr
    out = station_pc.station("enroll", "--server", https, "--code", code, "--ca-bundle", str(cert))
    assert out.returncode == 0, out.stderr
    assert json.loads((station_pc.config / "county.json").read_text())["ca_bundle"] == str(cert)
    with station_pc.store() as s:
        add_records(s, 12)
    _synced(station_pc, county)
