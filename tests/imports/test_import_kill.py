"""``kill -9`` in the middle of an import leaves the database exactly as it was before.

The import runs as a real process on a large file; it is killed at several moments of its
one write transaction (as the write starts, and while the WAL fills with its pages). After
each kill the database must hold exactly what it held before, and a rerun imports it all.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from station_tui.imports.headers import HEADERS
from station_tui.storage import Store
from tests import station_cli

from .import_samples import ACTIVITIES, write_csv

ROWS = 20_000
PLATFORMS = ("理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务")


def big_activity_file(path: Path) -> Path:
    lines = [",".join(HEADERS["activities"])]
    first = date(2019, 1, 1)
    for i in range(ROWS):
        day = first + timedelta(days=i % 1800)
        hour = 8 + i % 10
        lines.append(
            f"{day:%Y/%m/%d},{hour}:00,{hour + 1}:30,第{i}次文明实践活动,{PLATFORMS[i % 5]},"
            f"村委会广场,{i % 300 + 1},3,{i % 4}.5,"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def contents(db: Path) -> dict[str, Any]:
    """What the database holds, read with a plain connection (closing it checkpoints the WAL)."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            "activities": conn.execute(
                "SELECT count(*), COALESCE(sum(volunteer_tenths), 0) FROM activities"
            ).fetchone(),
            "outbox": conn.execute("SELECT count(*), COALESCE(max(seq), 0) FROM outbox").fetchone(),
            "audit": conn.execute("SELECT count(*) FROM audit").fetchone()[0],
            "ids": conn.execute("SELECT group_concat(id) FROM (SELECT id FROM activities ORDER BY id)").fetchone()[0],
        }
    finally:
        conn.close()


def start_import(db: Path, path: Path) -> subprocess.Popen[str]:
    return station_cli.spawn("import", "activities", path, db=db)


def test_kill_9_during_the_write_changes_nothing(station: object, store: Store, db_path: Path, tmp_path: Path) -> None:
    write_csv(tmp_path / "small.csv", "activities", ACTIVITIES)
    store.close()
    first = station_cli.run("import", "activities", tmp_path / "small.csv", db=db_path)
    assert first.returncode == 0, first.stderr
    before = contents(db_path)
    assert before["activities"] == (3, 165)

    big = big_activity_file(tmp_path / "big.csv")
    wal = Path(f"{db_path}-wal")
    # Kill as soon as the write begins, then once 1 MB and once 6 MB of the transaction's
    # pages have spilled into the WAL (the whole import writes far more than that).
    for grown in (0, 1 << 20, 6 << 20):
        proc = start_import(db_path, big)
        assert proc.stdout is not None and proc.stderr is not None
        try:
            notice = proc.stderr.readline()
            assert "正在写入 20000 行" in notice, notice + proc.stderr.read()
            base = wal.stat().st_size if wal.exists() else 0
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                size = wal.stat().st_size if wal.exists() else 0
                if size >= base + grown:
                    break
                time.sleep(0.002)
            assert proc.poll() is None, f"the import finished before it was killed (WAL grew to {size})"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        assert contents(db_path) == before, f"killed after the WAL grew by {grown} bytes"

    rerun = station_cli.run("import", "activities", big, db=db_path, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"导入 {ROWS} 条，已存在 0 条（未重复导入）" in rerun.stdout
    after = contents(db_path)
    expected_tenths = 165 + sum(10 * (i % 4) + 5 for i in range(ROWS))
    assert after["activities"] == (3 + ROWS, expected_tenths)
    # One insert change per new activity, numbered right after the earlier ones.
    assert after["outbox"] == (before["outbox"][0] + ROWS, before["outbox"][1] + ROWS)
