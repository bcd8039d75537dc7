"""``station import`` as a user runs it: a real process, messages in both languages, exit codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from station_tui.storage import Store
from tests import station_cli

from .import_samples import LECTURES, write_file


def station(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return station_cli.run(*args, db=db)


@pytest.fixture
def ready_db(station: object, store: Store, db_path: Path) -> Path:
    store.close()
    return db_path


def test_import_then_status(ready_db: Path, tmp_path: Path) -> None:
    path = write_file(tmp_path, "lectures", LECTURES, "gbk")
    done = station(ready_db, "import", "lectures", str(path))
    assert done.returncode == 0, done.stderr
    assert "导入 3 条，已存在 0 条（未重复导入）" in done.stdout
    assert "GBK" in done.stdout
    status = station(ready_db, "status", "--json")
    assert '"lectures": 3' in status.stdout and '"lecture_audience": 455' in status.stdout

    again = station(ready_db, "import", "lectures", str(path))
    assert again.returncode == 0
    assert "导入 0 条，已存在 3 条（未重复导入）" in again.stdout
    assert "Imported 0 lectures; 3 already present (not imported again)." in again.stdout


@pytest.mark.parametrize(
    ("name", "content", "messages"),
    [
        ("missing.csv", None, ["找不到文件", "File not found"]),
        ("notes.txt", b"x", ["只能导入 .csv 或 .xlsx 文件，notes.txt 不是", "Only .csv and .xlsx"]),
        ("old.xls", b"\xd0\xcf\x11\xe0", ["旧版 Excel 文件（.xls）", "old .xls workbook"]),
        ("empty.csv", b"", ["文件 empty.csv 是空的", "is empty"]),
        ("bom-only.csv", b"\xef\xbb\xbf\r\n", ["文件 bom-only.csv 是空的", "is empty"]),
        (
            "fake.xlsx",
            b"this is not a workbook",
            ["无法打开 fake.xlsx：它不是有效的 .xlsx 工作簿", "not a valid .xlsx"],
        ),
        ("binary.csv", bytes(range(128, 256)) * 4, ["无法识别 binary.csv 的文字编码", "neither UTF-8 nor GBK"]),
    ],
)
def test_unusable_files(ready_db: Path, tmp_path: Path, name: str, content: bytes | None, messages: list[str]) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = station(ready_db, "import", "lectures", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    for message in messages:
        assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_directory_is_not_a_file(ready_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    done = station(ready_db, "import", "people", str(folder))
    assert done.returncode == 1
    assert "是文件夹，不是文件" in done.stderr


def test_unreadable_file(ready_db: Path, tmp_path: Path) -> None:
    # A file that exists but fails when read (permissions do not stop root, so use a file
    # whose read fails for everyone: the process's own memory at address 0).
    path = tmp_path / "broken.csv"
    path.symlink_to("/proc/self/mem")
    done = station(ready_db, "import", "lectures", str(path))
    assert done.returncode == 1
    assert "无法读取文件" in done.stderr and "Cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_station_the_import_asks_for_init(tmp_path: Path) -> None:
    path = write_file(tmp_path, "lectures", LECTURES, "utf-8")
    done = station(tmp_path / "fresh.db", "import", "lectures", str(path))
    assert done.returncode == 1
    assert "还没有站点信息，请先运行 station init" in done.stderr
    assert "run `station init` first" in done.stderr


def test_unknown_kind_is_a_usage_error(ready_db: Path, tmp_path: Path) -> None:
    done = station(ready_db, "import", "venues", str(tmp_path / "x.csv"))
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_import_waits_for_another_writer_then_succeeds(ready_db: Path, tmp_path: Path) -> None:
    """The township's SSH session is saving something: the import waits its turn, loses nothing."""
    import sqlite3
    import time

    path = write_file(tmp_path, "lectures", LECTURES, "utf-8-sig")
    other = sqlite3.connect(ready_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO lectures (id, date, topic, audience)"
        " VALUES ('other-writer', '2024-01-05', '另一个会话录入的宣讲', 20)"
    )
    proc = station_cli.spawn("import", "lectures", path, db=ready_db)
    assert proc.stderr is not None
    try:
        assert "正在写入 3 行" in proc.stderr.readline()
        time.sleep(1.0)
        assert proc.poll() is None, "the import did not wait for the other writer"
        other.execute("COMMIT")
        out, err = proc.communicate(timeout=60)
    finally:
        other.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "导入 3 条，已存在 0 条" in out
    with Store(ready_db) as store:
        assert store.lectures.count() == 4
        assert store.lectures.get("other-writer") is not None
