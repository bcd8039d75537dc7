"""Opening a file: an empty one becomes a station database, a newer or foreign one is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station_tui.storage import Actor, DatabaseError, Store
from station_tui.storage.capture import SYNCED_TABLES
from station_tui.storage.migrations import LATEST
from tests import station_cli

EXPECTED_TABLES = {"meta", "current_actor", "outbox", "audit", *SYNCED_TABLES}


def schema(path: Path) -> tuple[int, set[str], set[str]]:
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    return version, tables, triggers


def test_latest_is_a_positive_version() -> None:
    assert LATEST >= 1


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_empty_file_is_migrated_to_latest(tmp_path: Path, how: str) -> None:
    path = tmp_path / "new.db"
    if how == "empty":
        path.write_bytes(b"")
    Store(path, actor=Actor("tester")).close()

    version, tables, triggers = schema(path)
    assert version == LATEST
    assert tables >= EXPECTED_TABLES
    for table in SYNCED_TABLES:
        for suffix in ("ai", "au", "ad", "bu"):
            assert f"{table}_capture_{suffix}" in triggers


def test_new_database_has_wal_epoch_and_nothing_acknowledged(db_path: Path) -> None:
    with Store(db_path) as store:
        assert store.query_value("PRAGMA journal_mode") == "wal"
        assert store.query_value("PRAGMA foreign_keys") == 1
        assert store.query_value("PRAGMA synchronous") == 2  # FULL
        assert store.query_value("PRAGMA busy_timeout") >= 5000
        epoch = store.meta("epoch")
        assert epoch and len(epoch) == 36
        assert store.meta("acked_seq") == "0"
        assert store.pending_changes() == 0
        assert store.last_sync() is None


def test_each_new_database_gets_its_own_epoch(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        assert a.meta("epoch") != b.meta("epoch")


def test_reopening_is_a_no_op(db_path: Path) -> None:
    with Store(db_path) as store:
        epoch = store.meta("epoch")
    before = schema(db_path)
    conn = sqlite3.connect(db_path)
    sql_before = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    conn.close()

    for _ in range(3):
        with Store(db_path) as store:
            assert store.meta("epoch") == epoch
            assert store.pending_changes() == 0

    assert schema(db_path) == before
    conn = sqlite3.connect(db_path)
    assert sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()) == sql_before
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'epoch'").fetchone()[0] == 1
    conn.close()


def test_every_older_version_is_brought_up_to_latest_with_its_data(tmp_path: Path) -> None:
    from station_tui.storage.db import connect, write_transaction
    from station_tui.storage.migrations import MIGRATIONS

    for start in range(1, LATEST):
        path = tmp_path / f"v{start}.db"
        conn = connect(path)
        for version in range(start):
            with write_transaction(conn):
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
        with write_transaction(conn):
            conn.execute("INSERT INTO people (id, name) VALUES ('p1', '老党员')")
        conn.close()

        with Store(path) as store:
            assert store.query_value("PRAGMA user_version") == LATEST
            assert store.people.require("p1").name == "老党员"
            assert store.pending_changes() == 1
            person = store.people.require("p1")
            store.people.update(person.model_copy(update={"note": "升级后修改"}))
            assert store.pending_changes() == 2


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_new (x)")
    conn.execute("INSERT INTO something_new VALUES (42)")
    conn.execute(f"PRAGMA user_version = {LATEST + 7}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    files_before = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(DatabaseError) as info:
        Store(path)

    assert str(info.value) == (
        f"这个数据库由更新版本的程序创建（结构版本 {LATEST + 7}，本程序只认识到 {LATEST}），请升级程序后再打开。"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_newer_schema_via_the_cli_exits_1_with_the_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    out = station_cli.run("status", db=path)
    assert out.returncode == 1
    assert "请升级程序后再打开" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "content",
    [b"this is a spreadsheet, not a database\n" * 200, b"PK\x03\x04" + bytes(range(256)) * 20],
    ids=["text", "zip"],
)
def test_a_file_that_is_not_sqlite_gives_a_clear_database_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)

    with pytest.raises(DatabaseError) as info:
        Store(path)

    assert str(info.value) == f"{path} 不是可用的台账数据库（file is not a database）"
    assert path.read_bytes() == content


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        Store(tmp_path)
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("folder", ["台账 #2", "what?", "100%", "a b"])
def test_read_only_connections_work_in_any_folder(tmp_path: Path, folder: str) -> None:
    from station_tui.storage.db import connect

    path = tmp_path / folder / "station.db"
    with Store(path) as store:
        store.set_meta("probe", "是")
    conn = connect(path, readonly=True)
    assert conn.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone()[0] == "是"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    conn.close()
    assert not (tmp_path / folder / "station.db?mode=ro").exists()


_OPEN_AT = """
import sys, time
from station_tui.storage import Actor, Store
path, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
with Store(path, actor=Actor(sys.argv[3])) as store:
    print(store.query_one("PRAGMA user_version")[0], store.meta("epoch"))
"""


def test_two_processes_opening_a_new_file_at_once(tmp_path: Path) -> None:
    """Both migrate-or-wait; the file ends up migrated exactly once."""
    for attempt in range(3):
        path = tmp_path / f"race{attempt}.db"
        start = time.time() + 1.0
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN_AT, str(path), str(start), f"p{i}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        results = [p.communicate(timeout=60) for p in procs]
        for proc, (_out, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, err
        lines = [out.split() for out, _ in results]
        assert [int(v) for v, _ in lines] == [LATEST, LATEST]
        assert lines[0][1] == lines[1][1], "both processes must see the same epoch"
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM meta WHERE key = 'epoch'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM current_actor").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
