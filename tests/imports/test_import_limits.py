"""Files made to exhaust the station's memory are refused with a message, in a process whose
address space is capped at 1 GiB (the old reader needed more than 6 GB for a 5.7 KB file), and
nothing is written. The figures for the full-size files are in docs/import-formats.md, measured
by bench/hostile_imports.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from station_tui.domain.quoting import quoted
from station_tui.imports.limits import MAX_FILE_BYTES, MAX_LISTED_PROBLEMS
from station_tui.storage import Store
from tests import station_cli

from .hostile_files import (
    declared_whole_sheet_xlsx,
    empty_cells_csv,
    huge_cell_csv,
    inflating_cell_xlsx,
    many_bad_rows_csv,
    many_rows_xlsx,
    stray_cells_csv,
)

MEMORY_CAP = 1024 * 1024 * 1024


def station_import(db: Path, path: Path, kind: str = "lectures") -> tuple[int, str]:
    done = station_cli.run("import", kind, path, db=db, memory_limit=MEMORY_CAP)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def ready_db(station: object, store: Store, db_path: Path) -> Path:
    store.close()
    return db_path


def lectures_in(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM lectures").fetchone()[0]


def refused(db: Path, path: Path, *expected: str) -> str:
    code, out = station_import(db, path)
    assert code == 1, out
    assert "Traceback" not in out and "MemoryError" not in out, out
    for text in expected:
        assert text in out, out
    assert lectures_in(db) == 0
    return out


def test_a_sheet_declaring_every_cell_is_read_row_by_row(ready_db: Path, tmp_path: Path) -> None:
    path = declared_whole_sheet_xlsx(tmp_path / "dim.xlsx")
    assert path.stat().st_size < 6 * 1024
    refused(ready_db, path, "第 1048576 行", "第 16384 列（XFD 列）起还有 1 个单元格有内容", "主题：必须填写")


def test_a_cell_that_inflates_past_the_limit_is_refused_before_reading(ready_db: Path, tmp_path: Path) -> None:
    path = inflating_cell_xlsx(tmp_path / "bomb.xlsx", megabytes=100)
    assert path.stat().st_size < 200 * 1024
    out = refused(ready_db, path, "解压后太大", "xl/sharedStrings.xml 有 100 MB", "unpacks to too much")
    assert "AAAAAAAAAA" not in out


def test_more_records_than_a_file_may_hold(ready_db: Path, tmp_path: Path) -> None:
    path = many_rows_xlsx(tmp_path / "rows.xlsx", rows=20_050)
    refused(ready_db, path, "记录超过 20,000 条（第 20,002 行起）", "more than 20,000 records")


def test_a_line_of_empty_cells_is_an_empty_row(ready_db: Path, tmp_path: Path) -> None:
    path = empty_cells_csv(tmp_path / "commas.csv", cells=200_000)
    out = refused(ready_db, path, "只有表头，没有要导入的记录")
    assert len(out.splitlines()) <= 3


def test_a_file_over_the_size_limit(ready_db: Path, tmp_path: Path) -> None:
    path = empty_cells_csv(tmp_path / "big.csv", cells=MAX_FILE_BYTES + 10)
    refused(ready_db, path, "big.csv 太大（超过 32 MB）", "larger than 32 MB")


def test_a_few_stray_cells_are_named_and_many_are_counted(ready_db: Path, tmp_path: Path) -> None:
    few = stray_cells_csv(tmp_path / "few.csv", cells=2)
    out = refused(ready_db, few, "第 2 行，第 10 列：这一列没有表头，内容“x”", "第 2 行，第 11 列")
    assert "整行" not in out
    many = stray_cells_csv(tmp_path / "many.csv", cells=5_000)
    out = refused(ready_db, many, "第 2 行，整行：表头只有 9 列，这一行第 10 列（J 列）起还有 5000 个单元格有内容")
    assert len(out.splitlines()) <= 4


def test_problems_past_the_first_few_hundred_are_counted(ready_db: Path, tmp_path: Path) -> None:
    path = many_bad_rows_csv(tmp_path / "bad.csv", rows=5_000)
    out = refused(
        ready_db,
        path,
        "有 5000 行不对",
        "……还有 4,800 个问题没有列出（共 5,000 个）",
        "(200 of 5,000 problems listed.)",
    )
    listed = [line for line in out.splitlines() if "日期“2024-02-30”不存在" in line]
    assert len(listed) == MAX_LISTED_PROBLEMS
    assert listed[-1].strip().startswith("第 201 行")


def test_a_record_longer_than_any_row_is_refused(ready_db: Path, tmp_path: Path) -> None:
    path = huge_cell_csv(tmp_path / "huge.csv", chars=3_000_000)
    out = refused(ready_db, path, "huge.csv 第 2 行太长（超过 262,144 个字）")
    assert len(out) < 1_000


def test_a_long_cell_is_quoted_by_its_first_characters(ready_db: Path, tmp_path: Path) -> None:
    path = huge_cell_csv(tmp_path / "long.csv", chars=10_000)
    out = refused(
        ready_db,
        path,
        "第 2 行，主题：内容太长：共 10,000 个字，一个单元格最多 5,000 个字（开头是“" + "讲" * 30 + "…”）",
    )
    assert len(out) < 1_000


def test_a_long_bad_value_is_quoted_by_its_first_characters(ready_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "date.csv"
    path.write_text(
        "日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注\n" + "9" * 4_000 + ",,,宣讲,,,,30,\n", "utf-8"
    )
    out = refused(ready_db, path, "第 2 行，日期：“" + "9" * 30 + "…”（共 4000 个字）不是日期")
    assert len(out) < 1_000


def test_a_damaged_sheet_inside_a_good_zip(ready_db: Path, tmp_path: Path) -> None:
    path = many_rows_xlsx(tmp_path / "broken.xlsx", rows=3)
    fixed = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    refused(ready_db, fixed, "无法打开 damaged.xlsx：它不是有效的 .xlsx 工作簿", "not a valid .xlsx workbook")


def test_a_clean_xlsx_still_imports(ready_db: Path, tmp_path: Path) -> None:
    path = many_rows_xlsx(tmp_path / "good.xlsx", rows=300)
    code, out = station_import(ready_db, path)
    assert code == 0, out
    assert "导入 300 条，已存在 0 条" in out
    assert lectures_in(ready_db) == 300


def test_quoted_keeps_short_values_whole() -> None:
    assert quoted("九点半") == "“九点半”"
    assert quoted("x" * 31) == "“" + "x" * 30 + "…”（共 31 个字）"


def test_lines_ended_by_cr_only_still_read(ready_db: Path, tmp_path: Path) -> None:
    # Old Excel for Mac; the reader splits the text itself now, so this is pinned.
    path = tmp_path / "mac.csv"
    path.write_bytes(
        "日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注\r2024-03-15,,,宣讲,,,,30,\r2024-03-16,,,宣讲二,,,,40,\r".encode()
    )
    code, out = station_import(ready_db, path)
    assert code == 0, out
    assert lectures_in(ready_db) == 2
