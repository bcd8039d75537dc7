"""A database made by each released schema version migrates to the latest, whole.

The files in fixtures/ were made by the released code of their version (see make_fixture.py):
its migrations made them and its triggers captured their changes. Each one opened by today's
code must keep its records and its outbox, end with the same schema and triggers as a new
database, and go on capturing.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from station_tui.storage import Actor, Store
from station_tui.storage.migrations import LATEST

FIXTURES = Path(__file__).parent / "fixtures"
RELEASED = range(1, LATEST)


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())
    finally:
        conn.close()


def _outbox(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.query(
        "SELECT seq, change_id, tbl, record_id, op, row_version, row_json FROM outbox ORDER BY seq")]


def test_every_version_before_the_latest_has_a_fixture() -> None:
    missing = [v for v in RELEASED if not (FIXTURES / f"schema_v{v}.db").exists()]
    assert not missing, (f"no fixture for schema version(s) {missing}: make one with the code of that "
                         "version (tests/storage/fixtures/make_fixture.py says how)")


@pytest.fixture(params=list(RELEASED), ids=lambda v: f"v{v}")
def released(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[int, Path]:
    version = request.param
    path = tmp_path / f"schema_v{version}.db"
    shutil.copyfile(FIXTURES / f"schema_v{version}.db", path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()
    return version, path


def test_migrates_to_the_schema_and_triggers_of_a_new_database(released: tuple[int, Path], tmp_path: Path) -> None:
    _, path = released
    Store(path, actor=Actor("tester")).close()
    Store(tmp_path / "new.db", actor=Actor("tester")).close()

    assert _schema(path) == _schema(tmp_path / "new.db")


def test_records_and_outbox_survive_and_capture_goes_on(released: tuple[int, Path]) -> None:
    _, path = released
    conn = sqlite3.connect(path)
    before = [tuple(r) for r in conn.execute(
        "SELECT seq, change_id, tbl, record_id, op, row_version, row_json FROM outbox ORDER BY seq")]
    conn.close()

    with Store(path, actor=Actor("tester")) as store:
        assert store.query_value("PRAGMA user_version") == LATEST
        assert _outbox(store) == before, "migrating must not touch a captured change"
        assert store.meta("acked_seq") == "6" and store.pending_changes() == 3
        wang = store.query("SELECT name, phone, id_number, skills, row_version FROM people WHERE id = 'p1'")[0]
        assert tuple(wang) == ("王建国", "13812345678", "11010519491231002X", '["宣讲"]', 1)
        assert store.query("SELECT audience, row_version FROM lectures WHERE id = 'l1'")[0][:] == (40, 2)
        assert store.query_value("SELECT deleted FROM people WHERE id = 'p3'") == 1
        assert store.query_value("SELECT count(*) FROM attendance") == 0
        assert [(r[2], r[3], r[4]) for r in before[6:]] == [
            ("lectures", "l1", "update"), ("people", "p3", "delete"), ("attendance", "a1", "delete")]

        # Capture goes on, through the repositories and by hand.
        lecture = store.lectures.require("l1")
        store.lectures.update(lecture.model_copy(update={"audience": 41}))
        with store.write() as conn:
            conn.execute("UPDATE people SET note = '升级后修改' WHERE id = 'p2'")
            conn.execute("INSERT INTO venues (id, name) VALUES ('v1', '村委会议室')")
        after = _outbox(store)[len(before):]
        assert [(r[2], r[3], r[4], r[5]) for r in after] == [
            ("lectures", "l1", "update", 3), ("people", "p2", "update", 2), ("venues", "v1", "insert", 1)]
        assert store.pending_changes() == 6
        audit = store.query("SELECT user, tbl, record_id FROM audit ORDER BY seq")
        assert tuple(audit[-1]) == ("tester", "venues", "v1")


def test_a_table_added_to_todays_list_does_not_change_history(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    """Old migrations name their own tables: the table a new kind of record brings is made by
    the migration appended for it, so until then a new database is made as before."""
    from station_tui.domain import kinds, models
    from station_tui.storage import capture

    new_kind = kinds.RecordKind("villager_requests", models.Venue)
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, new_kind))
    monkeypatch.setitem(kinds.BY_TABLE, new_kind.table, new_kind)
    monkeypatch.setattr(kinds, "SYNCED_TABLES", (*kinds.SYNCED_TABLES, new_kind.table))
    monkeypatch.setattr(capture, "SYNCED_TABLES", kinds.SYNCED_TABLES)
    with Store(tmp_path / "new.db", actor=Actor("tester")) as store:
        assert store.query_value("PRAGMA user_version") == LATEST
        assert store.query_value("SELECT count(*) FROM sqlite_master WHERE name LIKE 'villager_requests%'") == 0
