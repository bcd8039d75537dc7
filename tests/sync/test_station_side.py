"""The station-side parts of sync that need no county: body encoding, state, lock, token file."""

from __future__ import annotations

import gzip
import json
import os
import stat
import time
from pathlib import Path

from station_tui.domain import Lecture, Person
from station_tui.storage import Store
from sync import credentials, outbox, protocol
from sync.client import encode_batch
from sync.station_state import StationState
from tests import station_cli


def _add_some(store: Store, n: int = 3) -> None:
    from datetime import date

    names = "甲乙丙丁戊己庚辛壬癸"
    for i in range(n):
        store.people.add(Person(name=f"张{names[i % 10]}{names[i // 10 % 10]}", phone="13800000000"))
    store.lectures.add(Lecture(date=date(2026, 3, 2), topic="党的二十届四中全会精神", audience=40))


def test_batch_body_is_a_valid_protocol_batch(store: Store, station) -> None:
    _add_some(store)
    rows = outbox.read_pending(store, 0, 100)
    body = encode_batch(rows, epoch="e1", after_seq=0, station=station.code, schema_version=1)
    batch = protocol.Batch.model_validate_json(gzip.decompress(body))
    assert [c.seq for c in batch.changes] == [r.seq for r in rows]
    assert batch.changes[-1].table == "lectures"
    assert json.loads(batch.changes[-1].row)["topic"] == "党的二十届四中全会精神"
    assert [c.row for c in batch.changes] == [r.row_json for r in rows]  # the trigger's own text
    # Same content as the protocol's own converter produces.
    expected = [
        protocol.change_from_outbox({"seq": r.seq, "tbl": r.table, "op": r.op, "row_json": r.row_json}) for r in rows
    ]
    assert batch.changes == expected
    # The wire carries no ids: both ends derive them from the content.
    assert b"change_id" not in gzip.decompress(body)


def test_row_text_travels_byte_for_byte_whatever_it_holds(store: Store, station) -> None:
    _add_some(store, 2)
    tricky = '{"note":"引号\\" 反斜杠\\\\ 换行\\n 制表\\t \u2028 \u0001 😀"}'
    store.conn.execute("UPDATE outbox SET row_json = ? WHERE seq = 1", (tricky,))
    rows = outbox.read_pending(store, 0, 100)
    batch = protocol.Batch.model_validate_json(
        gzip.decompress(encode_batch(rows, epoch="e1", after_seq=0, station=station.code, schema_version=1))
    )
    assert batch.changes[0].row == tricky
    assert [(c.seq, c.table, c.op, c.row) for c in batch.changes] == [(r.seq, r.table, r.op, r.row_json) for r in rows]
    empty = json.loads(
        gzip.decompress(encode_batch([], epoch="e1", after_seq=3, station=station.code, schema_version=1))
    )
    assert empty["changes"] == [] and empty["after_seq"] == 3


def test_a_damaged_outbox_row_still_travels_for_quarantine(store: Store, station) -> None:
    _add_some(store, 1)
    store.conn.execute("UPDATE outbox SET row_json = '{broken' WHERE seq = 2")
    rows = outbox.read_pending(store, 0, 100)
    batch = protocol.Batch.model_validate_json(
        gzip.decompress(encode_batch(rows, epoch="e1", after_seq=0, station=station.code, schema_version=1))
    )
    assert batch.changes[1].row == "{broken"  # as it is: the county quarantines it, the rest goes on


def test_pending_rows_come_in_seq_order_after_the_ack(store: Store, station) -> None:
    _add_some(store, 5)
    all_rows = outbox.read_pending(store, 0, 1000)
    after = outbox.read_pending(store, all_rows[2].seq, 2)
    assert [r.seq for r in after] == [all_rows[3].seq, all_rows[4].seq]


def test_state_file_survives_a_reload(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    st = StationState.load(db)
    st.note_sent("e1", 10, "c10")
    st.note_acked("e1", 8)
    again = StationState.load(db)
    rec = again.get("e1")
    assert rec is not None
    assert (rec.acked, rec.sent, rec.sent_change_id) == (8, 10, "c10")
    # A damaged state file costs a re-send, never a crash.
    again.path.write_text("{not json")
    assert StationState.load(db).get("e1") is None


def test_token_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "county.json"
    credentials.save(credentials.Credentials(server="http://x", token="st_secret", station_code="140311101201"), path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600
    assert credentials.load(path).token == "st_secret"


def test_sync_without_enrollment_says_what_to_do(db_path: Path, station, tmp_path: Path) -> None:
    out = station_cli.run("sync", "--db", str(db_path), config_dir=tmp_path / "cfg")
    assert out.returncode == 1
    assert "station enroll" in out.stderr


def test_enrolling_while_the_county_is_unreachable_says_to_try_again(db_path: Path, station, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = station_cli.run(
        "enroll",
        "--db",
        str(db_path),
        "--server",
        f"http://127.0.0.1:{port}",
        "--code",
        "K7QM-3XHD",
        config_dir=tmp_path / "cfg",
    )
    assert out.returncode == 75
    first = out.stderr.splitlines()[0]
    assert f"连不上县中心 http://127.0.0.1:{port}" in first and "再运行一次 station enroll" in first
    assert "下次同步" not in out.stderr  # that is the sync's wording; an enrollment is not a sync
    assert not (tmp_path / "cfg" / "county.json").exists()


def test_offline_exits_75_quickly_and_keeps_everything(db_path: Path, store: Store, station, tmp_path: Path) -> None:
    import socket

    _add_some(store)
    pending = store.pending_changes()
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = tmp_path / "cfg"
    credentials.save(
        credentials.Credentials(server=f"http://127.0.0.1:{port}", token="st_x", station_code=station.code),
        cfg / "county.json",
    )
    t0 = time.monotonic()
    out = station_cli.run("sync", "--db", str(db_path), config_dir=cfg)
    took = time.monotonic() - t0
    assert out.returncode == 75, out.stderr
    # The sentence in both languages and nothing else: no library chatter in a cron mail.
    assert out.stderr.splitlines() == [
        "连不上县中心（网络不通或县中心没有开机），修改都还保存在本机，下次同步时会接着上传。",
        out.stderr.splitlines()[1],
    ] and out.stderr.splitlines()[1].startswith(f"Cannot reach the county center at http://127.0.0.1:{port}")
    assert took < 15, f"offline sync took {took:.1f}s"
    verbose = station_cli.run("sync", "--db", str(db_path), "--verbose", config_dir=cfg)
    assert verbose.returncode == 75
    assert "[sync] GET /api/v1/ack: attempt 2 of" in verbose.stderr  # retries are told when asked
    assert store.pending_changes() == pending
    failure = outbox.last_failure(store)
    assert failure is not None and "连不上县中心" in failure["message"]


def test_a_token_for_another_station_is_refused_before_upload(
    db_path: Path, store: Store, station, tmp_path: Path
) -> None:
    _add_some(store)
    cfg = tmp_path / "cfg"
    credentials.save(
        credentials.Credentials(server="http://127.0.0.1:9", token="st_x", station_code="140311101999"),
        cfg / "county.json",
    )
    out = station_cli.run("sync", "--db", str(db_path), config_dir=cfg)
    assert out.returncode == 77
    assert "140311101999" in out.stderr


def test_a_database_with_demo_records_is_never_uploaded(tmp_path: Path) -> None:
    """Made-up villagers must not reach the county: `station sync` refuses a demo database
    before it touches the network, and leaves every change pending."""
    db = tmp_path / "demo.db"
    made = station_cli.run("demo", "--size", "small", db=db, timeout=300)
    assert made.returncode == 0, made.stderr
    with Store(db) as store:
        station = store.station.current()
        assert station is not None
        code = station.code
        pending = store.pending_changes()
    assert pending > 0
    # A port nothing listens on: if the client tried the network it would say "offline" (75).
    credentials.save(credentials.Credentials(server="http://127.0.0.1:9", token="t" * 32, station_code=code))
    run = station_cli.run("sync", db=db)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "演示数据" in run.stderr + run.stdout
    assert "never uploaded" in run.stderr + run.stdout
    with Store(db) as store:
        assert store.pending_changes() == pending
