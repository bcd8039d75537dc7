"""A full disk is said to be a full disk, and nothing is half written.

The disk is a real 2 MiB tmpfs, mounted in a private mount namespace (``unshare --mount``,
so nothing outside the test sees it) and filled with a file, as a USB stick or an old PC's
small partition fills up."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station_tui.storage import Store
from tests import station_cli

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0, reason="needs unshare and root to mount a small disk"
)


#: on_full_disk's exit code when no small disk could be mounted: nothing else was run.
NO_SMALL_DISK = 97


def on_full_disk(tmp_path: Path, database: Path, *commands: str) -> subprocess.CompletedProcess[str]:
    """Copy ``database`` onto a new small disk, fill the disk, then run each shell command there
    (``$DB`` is the copy, ``$STATION`` runs the station CLI on it). The copy is brought back as
    ``after.db`` for the test to read.

    Nothing is copied or filled unless the small disk is really mounted: were the mount to fail,
    the filler would fill the disk that holds tmp_path instead. The shell runs in tmp_path."""
    mount = tmp_path / "disk"
    mount.mkdir()
    station = shlex.join(station_cli.argv(db=f"{mount}/station.db"))
    script = "\n".join(
        [
            "set -eu",
            f'mount -t tmpfs -o size=2m tmpfs "$MOUNT" || exit {NO_SMALL_DISK}',
            f'mountpoint -q "$MOUNT" || exit {NO_SMALL_DISK}',
            'cp "$SOURCE" "$DB"',
            'dd if=/dev/zero of="$MOUNT/fill" bs=1k 2>/dev/null || true',
            "set +e",
            *commands,
            "status=$?",
            'cp "$DB" "$AFTER"',
            "exit $status",
        ]
    )
    db = mount / "station.db"
    env = station_cli.environment(
        env={"MOUNT": str(mount), "SOURCE": str(database), "DB": str(db), "AFTER": str(tmp_path / "after.db"),
             "STATION": station}
    )
    # The station command as tests/station_cli.py starts it, but inside a shell in a private
    # mount namespace, where the small disk exists: so this one process is started here.
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    if done.returncode == NO_SMALL_DISK:
        # Root and unshare are here (see pytestmark), so a mount that fails is worth seeing.
        pytest.fail(f"could not mount a small disk: {done.stderr.strip()}")
    return done


@pytest.fixture
def ready_db(station: object, store: Store, db_path: Path) -> Path:
    store.close()
    return db_path


def test_opening_on_a_full_disk_says_the_disk_is_full(ready_db: Path, tmp_path: Path) -> None:
    done = on_full_disk(tmp_path, ready_db, "$STATION status")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "磁盘已满" in done.stderr and "The disk holding" in done.stderr, done.stderr
    assert "不是可用的台账数据库" not in done.stderr
    with sqlite3.connect(tmp_path / "after.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_import_that_fills_the_disk_writes_nothing(ready_db: Path, tmp_path: Path) -> None:
    rows = "\n".join(
        f"2024-03-{day:02d},08:30,10:00,{'政策宣讲' * 40}{day},李明,集中宣讲,村委会,30," for day in range(1, 29)
    )
    source = tmp_path / "lectures.csv"
    source.write_text("日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注\n" + rows + "\n", "utf-8")
    # Opening needs room for the -wal and -shm files: make that room, then fill the rest
    # once the database is open, so the import's own writes are what find the disk full.
    done = on_full_disk(
        tmp_path,
        ready_db,
        'rm "$MOUNT/fill"; free=$(df --output=avail -k "$MOUNT" | tail -1); '
        'dd if=/dev/zero of="$MOUNT/fill" bs=1k count=$((free - 80)) 2>/dev/null',
        f"$STATION import lectures {shlex.quote(str(source))}",
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "没有导入任何记录" in output and "磁盘已满" in output, output
    assert "Traceback" not in output
    with sqlite3.connect(tmp_path / "after.db") as conn:
        assert conn.execute("SELECT count(*) FROM lectures").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_write_on_a_full_disk_rolls_back_with_the_same_words(ready_db: Path, tmp_path: Path) -> None:
    script = tmp_path / "write.py"
    script.write_text(
        "import os, sys\n"
        "from station_tui.storage import DiskFull, Store\n"
        "from station_tui.storage.db import Actor\n"
        "# Only ever on the small disk: this script fills whatever disk its database is on.\n"
        "if not os.path.isabs(sys.argv[1]) or not os.path.ismount(os.path.dirname(sys.argv[1])):\n"
        "    sys.exit(f'not on a disk of its own: {sys.argv[1]!r}')\n"
        "store = Store(sys.argv[1], actor=Actor(user='t'))\n"
        "filler = open(os.path.join(os.path.dirname(sys.argv[1]), 'fill2'), 'wb')\n"
        "try:\n"
        "    while True:\n"
        "        filler.write(b'0' * 4096); filler.flush()\n"
        "except OSError:\n"
        "    pass\n"
        "try:\n"
        "    with store.write() as conn:\n"
        "        for i in range(200):\n"
        "            conn.execute('CREATE TABLE IF NOT EXISTS bulk (x)')\n"
        "            conn.execute('INSERT INTO bulk VALUES (?)', ('x' * 4000,))\n"
        "except DiskFull as exc:\n"
        "    print('DISKFULL', exc)\n"
        "    sys.exit(3)\n"
    )
    done = on_full_disk(
        tmp_path, ready_db, 'rm "$MOUNT/fill"', f'{shlex.quote(sys.executable)} {shlex.quote(str(script))} "$DB"'
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "DISKFULL 磁盘已满" in done.stdout
    with sqlite3.connect(tmp_path / "after.db") as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bulk'").fetchone()[0] == 0
