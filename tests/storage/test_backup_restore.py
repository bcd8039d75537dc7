"""`station backup` and `station restore`, run as the user (or a scheduler) runs them: real files,
real processes, a writer that does not stop while the backup is taken."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from station_tui.storage import Actor, Store
from station_tui.storage.backup import BACKUP_NAME, backups_in
from tests import station_cli
from tests.conftest import the_station
from tests.sync.support import add_records

FIXTURES = Path(__file__).parent / "fixtures"


def _station_db(path: Path, n: int = 12, code: str | None = None) -> Path:
    station = the_station() if code is None else the_station().model_copy(update={"code": code})
    with Store(path, actor=Actor(user="tester", program="pytest")) as s:
        s.station.setup(station)
        add_records(s, n)
    return path


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _fingerprint(directory: Path) -> dict[str, str]:
    """Every file in the database's folder and its content: what "untouched" means."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


# -- backup -----------------------------------------------------------------------------------
_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from station_tui.domain import Lecture
    from station_tui.storage import Actor, Store

    store = Store(sys.argv[1], actor=Actor(user="writer", program="writer"))
    i = 0
    print("ready", flush=True)
    while True:
        # Two lectures per transaction: a consistent copy never holds an odd number of them.
        with store.write() as conn:
            for _ in range(2):
                store.lectures._insert(conn, Lecture(date=date(2026, 3, 2), topic=f"宣讲第{i}场", audience=i % 90))
                i += 1
    """
)


def test_backup_while_another_process_writes_is_whole_and_a_consistent_prefix(tmp_path: Path) -> None:
    db = _station_db(tmp_path / "station.db", n=300)
    out = tmp_path / "usb"
    out.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        counts_seen = []
        for _ in range(3):
            before = _query(db, "SELECT count(*) FROM lectures")[0][0]
            done = station_cli.run("backup", out, "--keep", "10", db=db)
            after = _query(db, "SELECT count(*) FROM lectures")[0][0]
            assert done.returncode == 0, done.stderr
            assert "完整性检查通过" in done.stdout
            counts_seen.append((before, after))
            time.sleep(0.3)
        assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
    finally:
        writer.kill()
        writer.wait(timeout=30)
    copies = backups_in(out)
    assert len(copies) == 3
    held = []
    for copy, (before, after) in zip(copies, counts_seen, strict=True):
        assert _integrity(copy) == ["ok"]
        assert not Path(f"{copy}-wal").exists()  # one self-contained file
        lectures = _query(copy, "SELECT count(*) FROM lectures")[0][0]
        seqs = [r[0] for r in _query(copy, "SELECT seq FROM outbox ORDER BY seq")]
        # A prefix of the history: every change from the first to the last, none missing...
        assert seqs == list(range(1, len(seqs) + 1))
        # ...every lecture with its captured change, whole transactions only...
        captured = _query(copy, "SELECT count(*) FROM outbox WHERE tbl = 'lectures' AND op = 'insert'")[0][0]
        assert captured == lectures
        assert (lectures - 4) % 2 == 0  # add_records(300) made 100 lectures; the writer adds pairs
        # ...and the rows as the source had them at that point.
        assert before <= lectures <= after
        held.append(lectures)
    assert held[-1] > held[0] > 100, "the writer went on during the backups"
    # The database notes its last backup (the 同步 screen shows it).
    note = json.loads(_query(db, "SELECT value FROM meta WHERE key = 'last_backup'")[0][0])
    assert Path(note["path"]) == copies[-1].resolve() and note["size"] == copies[-1].stat().st_size


def test_keeps_the_last_n_and_never_deletes_anything_else(tmp_path: Path) -> None:
    db = _station_db(tmp_path / "station.db", n=6)
    out = tmp_path / "usb"
    out.mkdir()
    old = [out / f"station-2026-0{m}-01-0930.db" for m in range(1, 6)]
    for path in old:
        shutil.copy(db, path)
    strangers = ["station.db", "station-notes.txt", "station-2026-01-01-0930.db.bak", "mine.db", "照片.jpg"]
    for name in strangers:
        (out / name).write_text("not a backup of ours")
    (out / "station-2026-02-01-0930.db.d").mkdir()  # nor a folder of that name

    done = station_cli.run("backup", out, "--keep", "3", db=db)
    assert done.returncode == 0, done.stderr
    assert "已删除较早的 3 个" in done.stdout
    ours = backups_in(out)
    assert [p.name for p in ours[:2]] == ["station-2026-04-01-0930.db", "station-2026-05-01-0930.db"]
    assert len(ours) == 3 and ours[-1].name.startswith("station-20")
    for name in strangers:
        assert (out / name).read_text() == "not a backup of ours"
    assert (out / "station-2026-02-01-0930.db.d").is_dir()

    # Twice in the same minute: a second name, not an overwrite; the setting says how many stay.
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"backup_keep": 2}))
    again = station_cli.run("backup", out, db=db, env={"STATION_CONFIG_DIR": str(config)})
    assert again.returncode == 0, again.stderr
    names = [p.name for p in backups_in(out)]
    assert len(names) == 2 and all(BACKUP_NAME.match(n) for n in names)
    assert names[0] == ours[-1].name
    assert {n for n in os.listdir(out) if not BACKUP_NAME.match(n)} >= set(strangers)


def test_default_folder_is_backups_beside_the_database(tmp_path: Path) -> None:
    db = _station_db(tmp_path / "data" / "station.db", n=3)
    done = station_cli.run("backup", db=db)
    assert done.returncode == 0, done.stderr
    (made,) = backups_in(tmp_path / "data" / "backups")
    assert str(made) in done.stdout
    # Nothing left beside the database by the backup's reading of it.
    assert sorted(p.name for p in db.parent.iterdir()) == ["backups", "station.db"]
    assert _query(made, "SELECT code FROM station") == [("140311101201",)]


def test_a_usb_stick_that_is_not_there_fails_with_a_message_and_leaves_nothing(tmp_path: Path) -> None:
    db = _station_db(tmp_path / "station.db", n=3)
    missing = tmp_path / "media" / "usb" / "备份"
    done = station_cli.run("backup", missing, db=db)
    assert done.returncode == 1
    assert "U 盘是否插好" in done.stderr and "Cannot use the backup folder" in done.stderr
    assert not (tmp_path / "media").exists()
    nothing = station_cli.run("backup", tmp_path / "x", db=tmp_path / "nope.db")
    assert nothing.returncode == 1 and "找不到数据库" in nothing.stderr
    assert not (tmp_path / "nope.db").exists()


def test_photos_are_copied_once(tmp_path: Path) -> None:
    db = _station_db(tmp_path / "station.db", n=3)
    photos = tmp_path / "station-photos" / "ab"
    photos.mkdir(parents=True)
    (photos / "ab12.jpg").write_bytes(b"\xff\xd8 one")
    out = tmp_path / "usb"
    out.mkdir()
    first = station_cli.run("backup", out, db=db)
    assert first.returncode == 0 and "本次新复制 1 张" in first.stdout
    (photos / "ab34.jpg").write_bytes(b"\xff\xd8 two")
    second = station_cli.run("backup", out, db=db)
    assert second.returncode == 0 and "照片 2 张，本次新复制 1 张" in second.stdout
    assert (out / "photos" / "ab" / "ab34.jpg").read_bytes() == b"\xff\xd8 two"
    # A new PC gets them back with the records.
    fresh = tmp_path / "newpc" / "station.db"
    done = station_cli.run("restore", backups_in(out)[-1], db=fresh)
    assert done.returncode == 0, done.stderr
    assert "已从备份复制照片 2 张" in done.stdout
    assert (tmp_path / "newpc" / "station-photos" / "ab" / "ab12.jpg").read_bytes() == b"\xff\xd8 one"


# -- restore ----------------------------------------------------------------------------------
@pytest.fixture
def current(tmp_path: Path) -> Path:
    """The station's current database, with records of its own, closed (as when the app is not open)."""
    return _station_db(tmp_path / "pc" / "station.db", n=9)


@pytest.fixture
def a_backup(tmp_path: Path, current: Path) -> Path:
    out = tmp_path / "usb"
    out.mkdir()
    done = station_cli.run("backup", out, db=current)
    assert done.returncode == 0, done.stderr
    (made,) = backups_in(out)
    return made


def _corrupt(path: Path) -> None:
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'people'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[(root - 1) * size : root * size] = b"\x0d" + b"\xff" * (size - 1)
    path.write_bytes(bytes(data))


def _foreign_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.execute("INSERT INTO notes VALUES ('别的程序的数据库')")
    conn.commit()
    conn.close()


def _too_new(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _no_station(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS station_capture_delete")
    conn.execute("DELETE FROM station")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("text", "不是 SQLite 数据库文件"),
        ("truncated", "不完整"),
        ("corrupt", "没有通过完整性检查"),
        ("foreign", "不是本程序的台账数据库"),
        ("too_new", "更新版本的程序"),
        ("no_station", "没有站点信息"),
        ("other_station", "属于另一个站"),
        ("missing", "找不到文件"),
    ],
)
def test_restore_refuses_a_broken_or_foreign_file_and_changes_nothing(
    tmp_path: Path, current: Path, a_backup: Path, damage: str, said: str
) -> None:
    bad = tmp_path / "bad.db"
    if damage == "text":
        bad.write_text("姓名,电话\n王建国,13812345678\n", encoding="utf-8")
    elif damage == "truncated":
        bad.write_bytes(a_backup.read_bytes()[: a_backup.stat().st_size // 2 + 100])
    elif damage == "other_station":
        _station_db(bad, n=3, code="140311101299")
        shutil.copy(bad, tmp_path / "other.db")
    elif damage != "missing":
        shutil.copy(a_backup, bad)
        {"corrupt": _corrupt, "foreign": _foreign_schema, "too_new": _too_new, "no_station": _no_station}[damage](bad)
        if damage == "foreign":
            conn = sqlite3.connect(bad)
            conn.execute("DROP TABLE station")
            conn.commit()
            conn.close()
    given = bad.read_bytes() if bad.exists() else None
    before = _fingerprint(current.parent)

    done = station_cli.run("restore", bad, db=current)

    assert done.returncode == 1, done.stdout + done.stderr
    assert said in done.stderr, done.stderr
    assert "不能恢复" in done.stderr and "当前数据库没有任何改动" in done.stderr
    assert "Not restored" in done.stderr  # and the English line for a log
    assert _fingerprint(current.parent) == before
    assert (bad.read_bytes() if bad.exists() else None) == given  # the backup is never written to
    assert _query(current, "SELECT count(*) FROM lectures") == [(3,)]


def test_restore_puts_the_backup_in_place_keeps_the_old_one_and_starts_a_new_epoch(
    tmp_path: Path, current: Path, a_backup: Path
) -> None:
    old_epoch = _query(current, "SELECT value FROM meta WHERE key = 'epoch'")[0][0]
    # Life goes on after the backup: records the restore takes back (they remain in the old file).
    with Store(current, actor=Actor(user="tester", program="pytest")) as s:
        add_records(s, 6, start=50)
        s.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('acked_seq', '40') ON CONFLICT (key) DO UPDATE SET value = '40'"
        )
    grown = _dump(current)
    given = a_backup.read_bytes()

    done = station_cli.run("restore", a_backup, db=current)

    assert done.returncode == 0, done.stderr
    assert str(a_backup) in done.stdout
    assert "宣讲 3、活动 3、人员 3" in done.stdout
    assert "原来的数据库已改名保存为" in done.stdout and "新的同步批次" in done.stdout
    assert a_backup.read_bytes() == given
    (kept,) = [p for p in current.parent.iterdir() if ".before-restore-" in p.name]
    assert str(kept) in done.stdout
    assert _dump(kept) == grown  # the old database, whole, not deleted (only its journal mode changed)
    assert _query(kept, "SELECT count(*) FROM lectures") == [(5,)]
    assert _query(current, "SELECT count(*) FROM lectures") == [(3,)]
    assert _integrity(current) == ["ok"]
    meta = dict(_query(current, "SELECT key, value FROM meta"))
    backup_epoch = _query(a_backup, "SELECT value FROM meta WHERE key = 'epoch'")[0][0]
    assert meta["epoch"] not in (old_epoch, backup_epoch)
    assert meta["acked_seq"] == "0"
    assert json.loads(meta["epoch_history"])[-1]["ended"] == backup_epoch
    assert json.loads(meta["restored_from"])["file"] == str(a_backup)
    # The app opens it as usual.
    status = station_cli.run("status", "--json", db=current)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["figures"]["lectures"] == 3


def test_restore_of_another_station_needs_the_flag(tmp_path: Path, current: Path) -> None:
    other = _station_db(tmp_path / "other.db", n=3, code="140311101299")
    refused = station_cli.run("restore", other, db=current)
    assert refused.returncode == 1 and "--force-other-station" in refused.stderr
    done = station_cli.run("restore", other, "--force-other-station", db=current)
    assert done.returncode == 0, done.stderr
    assert "原来的数据库属于 140311101201 站" in done.stdout
    assert _query(current, "SELECT code FROM station") == [("140311101299",)]


def test_restore_migrates_an_older_backup(tmp_path: Path, current: Path) -> None:
    old = tmp_path / "schema_v1.db"
    shutil.copy(FIXTURES / "schema_v1.db", old)
    done = station_cli.run("restore", old, db=current)
    assert done.returncode == 0, done.stderr
    assert "从版本 1 升级到" in done.stdout
    from station_tui.storage.migrations import LATEST

    assert _query(current, "PRAGMA user_version") == [(LATEST,)]
    assert _integrity(current) == ["ok"]


def test_restore_refuses_while_the_app_has_the_database_open(tmp_path: Path, current: Path, a_backup: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from station_tui.storage import Store; s = Store(sys.argv[1]);"
            " s.query('SELECT 1'); print('open', flush=True); time.sleep(60)",
            str(current),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = {p.name for p in current.parent.iterdir()}
        done = station_cli.run("restore", a_backup, db=current)
        assert done.returncode == 75, done.stdout + done.stderr
        assert "请先退出程序" in done.stderr
        after = {p.name for p in current.parent.iterdir()}
        assert after - before <= {"station.db.sync.lock"}
        assert not [n for n in after if "before-restore" in n or "restoring" in n]
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert _query(current, "SELECT count(*) FROM lectures") == [(3,)]


def test_restore_onto_a_new_pc_with_no_database(tmp_path: Path, a_backup: Path) -> None:
    fresh = tmp_path / "newpc" / "station.db"
    done = station_cli.run("restore", a_backup, db=fresh)
    assert done.returncode == 0, done.stderr
    assert "原来没有数据库" in done.stdout
    assert _query(fresh, "SELECT code FROM station") == [("140311101201",)]


def test_restore_onto_a_new_pc_keeps_the_ledgers(tmp_path: Path) -> None:
    """The disk died: every record is stamped again for the county, except ledger entries
    (points, stock, hours, a request's moves, certificates), which never change and whose
    tables refuse a change; their sums come back as they were."""
    from datetime import date

    from station_tui.domain import Person
    from station_tui.domain.models import Goods, Request
    from station_tui.domain.request_flow import Move

    db = _station_db(tmp_path / "old" / "station.db")
    with Store(db, actor=Actor(user="tester", program="pytest")) as s:
        person = s.people.add(Person(name="曾小红", is_volunteer=True))
        s.repository("points_entries").adjust(str(person.id), 10, item="好人好事")  # type: ignore[attr-defined]
        soap = s.repository("goods").add(Goods(name="香皂", price_points=8))
        s.repository("goods").restock(str(soap.id), 3)  # type: ignore[attr-defined]
        s.repository("redemptions").redeem(str(person.id), str(soap.id))  # type: ignore[attr-defined]
        wish = s.requests.add(Request(received_on=date(2026, 11, 2), wish="修补漏雨的屋顶", requester="王大妈"))
        s.requests.move(str(wish.id), Move("reject", note="不属于本站服务范围"))
    out = tmp_path / "usb"
    assert station_cli.run("backup", out, db=db).returncode == 0
    fresh = tmp_path / "newpc" / "station.db"
    done = station_cli.run("restore", backups_in(out)[-1], db=fresh)
    assert done.returncode == 0, done.stderr
    assert _query(fresh, "SELECT sum(points) FROM points_entries") == [(2,)]
    assert _query(fresh, "SELECT sum(quantity) FROM stock_entries") == [(2,)]
    moves = "SELECT id, to_state FROM request_moves ORDER BY id"
    assert _query(fresh, moves) == _query(db, moves) and ("已拒绝",) in [(m[1],) for m in _query(fresh, moves)]
    # The records that can change are each in the outbox once more, the ledgers' entries not.
    before = _query(backups_in(out)[-1], "SELECT max(seq) FROM outbox")[0][0]
    stamped = dict(_query(fresh, f"SELECT tbl, count(*) FROM outbox WHERE seq > {before} GROUP BY tbl"))
    assert stamped["people"] == _query(fresh, "SELECT count(*) FROM people")[0][0]
    assert stamped["redemptions"] == 1 and stamped["requests"] == 1
    assert not {"points_entries", "stock_entries", "request_moves", "hours_entries"} & set(stamped)


def test_restore_over_a_damaged_database_keeps_it_aside_with_its_wal(
    tmp_path: Path, current: Path, a_backup: Path
) -> None:
    # The disk went bad: the database no longer opens, and a WAL was left beside it.
    data = bytearray(current.read_bytes())
    data[0:100] = b"\0" * 100
    current.write_bytes(bytes(data))
    Path(f"{current}-wal").write_bytes(b"last commits nobody can read any more")
    done = station_cli.run("restore", a_backup, db=current)
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in current.parent.iterdir() if ".before-restore-" in p.name)
    assert len(kept) == 2 and kept[1] == kept[0] + "-wal"
    assert (current.parent / kept[0]).read_bytes() == bytes(data)  # kept as it was, not repaired, not deleted
    assert not Path(f"{current}-wal").exists()
    assert _integrity(current) == ["ok"]
    assert _query(current, "SELECT count(*) FROM lectures") == [(3,)]
    # With nothing to compare against, every record gets a change that outranks the county's copy.
    assert "条记录与原来的数据库不同（或无法比较）" in done.stdout


def test_restore_waits_for_a_running_sync(tmp_path: Path, current: Path, a_backup: Path) -> None:
    # A sync holds the runner lock (sync/runner_lock.py) for as long as it runs.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); time.sleep(60)",
            f"{current}.sync.lock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _fingerprint(current.parent)
        done = station_cli.run("restore", a_backup, db=current)
        assert done.returncode == 75, done.stdout + done.stderr
        assert "正在同步" in done.stderr and "当前数据库没有任何改动" in done.stderr
        assert _fingerprint(current.parent) == before
    finally:
        holder.kill()
        holder.wait(timeout=30)
