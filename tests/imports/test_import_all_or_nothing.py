"""A file imports all or nothing, and importing it again adds nothing."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from station_tui.cli import main
from station_tui.storage import Store

from .import_samples import ACTIVITIES, PEOPLE, write_csv, write_file, write_xlsx


def run_import(db: Path, kind: str, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", kind, str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(store: Store) -> dict[str, int]:
    counts = {
        t: store.query(f"SELECT count(*) FROM {t}")[0][0]
        for t in ("lectures", "activities", "people", "teams", "team_members")
    }
    counts["outbox"] = store.query("SELECT count(*) FROM outbox")[0][0]
    counts["audit"] = store.query("SELECT count(*) FROM audit")[0][0]
    return counts


GOOD = [
    [date(2024, 5, 1), time(9, 0), time(10, 0), f"好活动{i}", "教育服务", "村委会", 10 + i, 1, 1, None]
    for i in range(6)
]


@pytest.mark.parametrize("fmt", ["utf-8", "xlsx"])
def test_two_bad_rows_stop_the_whole_file(
    fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    # Something is already stored: it must stay exactly as it is.
    code, _, err = run_import(
        db_path, "activities", write_file(tmp_path, "activities", ACTIVITIES, fmt, "before"), capsys
    )
    assert code == 0, err
    before = snapshot(store)

    rows = list(GOOD)
    # Spreadsheet row 4 (header is row 1): a date in the future and an end before its start.
    rows[2] = [date(2099, 1, 1), time(10, 0), time(9, 0), "未来的活动", "教育服务", "村委会", 10, 0, None, None]
    # Spreadsheet row 6: not one of the five platforms, and a negative number served.
    rows[4] = [date(2024, 5, 2), None, None, "乱填的平台", "卫生服务", "村委会", -5, 0, None, None]
    code, out, err = run_import(db_path, "activities", write_file(tmp_path, "activities", rows, fmt, "mixed"), capsys)

    assert code == 1
    assert out == ""
    assert "有 2 行不对，没有导入任何记录" in err
    assert "第 4 行，日期：日期 2099-01-01 晚于今天" in err
    assert (
        "第 6 行，平台：平台“卫生服务”不对，"
        "只能是五大平台之一：理论宣讲、教育服务、文化服务、科技与科普服务、健身体育服务" in err
    )
    assert "第 6 行，服务人次：服务人次不能为负数" in err
    assert "Import failed: 2 row(s) have problems; nothing was imported." in err
    # Only the bad rows are listed.
    assert "第 2 行" not in err and "第 5 行" not in err
    assert snapshot(store) == before


def test_every_problem_of_a_row_is_named_by_its_column(
    station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "日期,开始时间,结束时间,名称,平台,地点,服务人次,志愿者人数,志愿服务时长,品牌项目,备注\n"
        "2024-02-30,25:00,10:00,,文化服务,村委会,很多,2,1.25,\n"
        "\n"
        "2024-03-01,09:00,10:00,义诊,健身体育服务,卫生室,30,2,5,\n"
        "2024-03-02,09:00,10:00,义诊,健身体育服务,卫生室,30,0,2,,,多余\n",
        encoding="utf-8",
    )
    code, _, err = run_import(db_path, "activities", path, capsys)
    assert code == 1
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith("第")]
    assert lines == [
        "第 2 行，日期：日期“2024-02-30”不存在：2月没有30日",
        "第 2 行，开始时间：时间“25:00”不存在：小时应在 0–23",
        "第 2 行，名称：必须填写",
        "第 2 行，服务人次：“很多”不是数字，请填写整数",
        "第 2 行，志愿服务时长：时长“1.25”最多保留一位小数",
        # Row 3 is empty and skipped; row 4 claims more hours than 2 people × 1 hour.
        "第 4 行，志愿服务时长：志愿服务时长 5.0 小时超过了活动本身的时长（2 人 × 1.0 小时）",
        "第 5 行，志愿服务时长：填写了志愿服务时长，但志愿者人数为 0",
        "第 5 行，第 12 列：这一列没有表头，内容“多余”不知道该放到哪里；请删掉或移到正确的列",
    ]
    assert "有 3 行不对" in err
    assert store.activities.count() == 0


def test_people_problems(station: object, store: Store, db_path: Path, tmp_path: Path, capsys) -> None:
    rows = [
        ["赵六", "未知", 1890, 12345678901, "可能", None, None, None],
        ["钱七", "女", 1980, None, "否", "V001", None, None],
        ["孙八", "男", 1980, None, "是", None, "很长的队伍名字" * 10, None],
    ]
    code, _, err = run_import(db_path, "people", write_xlsx(tmp_path / "people.xlsx", "people", rows), capsys)
    assert code == 1
    assert "第 2 行，性别：只能是 男、女" in err
    assert "第 2 行，出生年份：出生年份 1890 不对" in err
    assert "第 2 行，手机号：手机号“12345678901”不是有效的手机号" in err
    assert "第 2 行，是否志愿者：“可能”应填“是”或“否”" in err
    assert "第 3 行，志愿者编号：填写了志愿者编号，但“是否志愿者”为否" in err
    assert "第 4 行，所属队伍：太长了：最多 40 个字（现在 70 个）" in err
    assert store.people.count() == 0 and store.teams.count() == 0


@pytest.mark.parametrize("fmt", ["gbk", "xlsx"])
def test_reimport_adds_nothing(fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys) -> None:
    path = write_file(tmp_path, "people", PEOPLE, fmt)
    assert run_import(db_path, "people", path, capsys)[0] == 0
    before = snapshot(store)

    code, out, err = run_import(db_path, "people", path, capsys)
    assert code == 0, err
    assert "导入 0 条，已存在 3 条（未重复导入）" in out
    assert "Imported 0 people; 3 already present (not imported again)." in out
    assert snapshot(store) == before


def test_reimport_of_a_grown_file_adds_only_the_new_rows(
    station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    path = write_csv(tmp_path / "a.csv", "activities", ACTIVITIES[:2])
    assert run_import(db_path, "activities", path, capsys)[0] == 0
    write_csv(path, "activities", ACTIVITIES)
    code, out, _ = run_import(db_path, "activities", path, capsys)
    assert code == 0
    assert "导入 1 条，已存在 2 条（未重复导入）" in out
    assert store.activities.count() == 3


def test_repeated_rows_within_a_file_are_imported_once(
    station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    rows = [ACTIVITIES[0], ACTIVITIES[1], ACTIVITIES[0]]
    code, out, _ = run_import(db_path, "activities", write_csv(tmp_path / "dup.csv", "activities", rows), capsys)
    assert code == 0
    assert "导入 2 条，已存在 1 条（未重复导入）" in out
    assert "其中文件内重复 1 行" in out
    assert store.activities.count() == 2


def test_known_person_gets_the_team_named_on_a_later_import(
    station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    first = [["张三", "男", 1965, "13812345678", "是", None, None, None]]
    assert run_import(db_path, "people", write_csv(tmp_path / "p1.csv", "people", first), capsys)[0] == 0
    second = [["张三", "男", 1965, "13812345678", "是", None, "巾帼志愿服务队", None]]
    code, out, _ = run_import(db_path, "people", write_csv(tmp_path / "p2.csv", "people", second), capsys)
    assert code == 0
    assert "导入 0 条，已存在 1 条（未重复导入）" in out
    assert "新建队伍 1 个" in out and "加入队伍 1 人次" in out
    person = store.people.search("张三")[0]
    assert [t.name for t in store.team_members.teams_of(str(person.id))] == ["巾帼志愿服务队"]
    assert store.people.count() == 1


@pytest.mark.parametrize("fmt", ["utf-8", "xlsx"])
def test_cells_past_the_header_are_fine_empty_and_refused_filled(
    fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    # Excel often saves a few empty cells right of the last column: they mean nothing.
    trailing = [[*row, "", " ", None] for row in GOOD]
    code, out, err = run_import(db_path, "activities", write_file(tmp_path, "activities", trailing, fmt), capsys)
    assert code == 0, err
    assert "导入 6 条" in out
    # A filled cell there is something the header does not place: the row is named, nothing written.
    before = snapshot(store)
    filled = [[*row[:3], f"又一活动{i}", *row[4:]] for i, row in enumerate(trailing)]
    filled[2] = [*filled[2][:-1], "备注写错了列"]
    code, _, err = run_import(db_path, "activities", write_file(tmp_path, "activities", filled, fmt, "filled"), capsys)
    assert code == 1
    assert "第 4 行，第 13 列：这一列没有表头，内容“备注写错了列”不知道该放到哪里" in err
    assert "有 1 行不对，没有导入任何记录" in err
    assert snapshot(store) == before
