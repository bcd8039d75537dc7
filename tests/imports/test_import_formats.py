"""Each kind of file imports the same records whatever program saved it: UTF-8 with or
without BOM, GBK as Excel saves CSV on a Chinese Windows, and .xlsx with typed cells."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from station_tui.cli import main
from station_tui.storage import Actor, Store

from .import_samples import SAMPLES, write_file

FORMATS = ("utf-8", "utf-8-sig", "gbk", "xlsx")


def run_import(db: Path, kind: str, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", kind, str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def open_store(db: Path) -> Store:
    return Store(db, actor=Actor(user="tester", program="pytest"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_lectures(fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys) -> None:
    path = write_file(tmp_path, "lectures", SAMPLES["lectures"], fmt)
    code, out, err = run_import(db_path, "lectures", path, capsys)
    assert code == 0, err
    assert "导入 3 条，已存在 0 条（未重复导入）" in out
    assert "Imported 3 lectures; 0 already present" in out
    got = sorted(store.lectures.page(limit=10), key=lambda r: r.date)
    assert [
        (r.date, r.start_time, r.end_time, r.topic, r.speaker, r.form, r.place, r.audience, r.note) for r in got
    ] == [
        (
            date(2024, 3, 15),
            time(8, 30),
            time(10, 0),
            "学习贯彻党的二十大精神",
            "李明",
            "集中宣讲",
            "村委会会议室",
            120,
            None,
        ),
        (date(2024, 3, 20), None, None, "乡村振兴政策解读", "王芳", "屋场会", "张家院子", 35, "雨天改在室内"),
        (date(2024, 4, 2), time(9, 0), time(9, 45), "防范电信诈骗", None, "大喇叭广播", None, 300, None),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_activities(fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys) -> None:
    path = write_file(tmp_path, "activities", SAMPLES["activities"], fmt)
    code, out, err = run_import(db_path, "activities", path, capsys)
    assert code == 0, err
    assert "导入 3 条，已存在 0 条（未重复导入）" in out
    got = sorted(store.activities.page(limit=10), key=lambda r: r.date)
    assert [
        (
            r.date,
            r.start_time,
            r.end_time,
            r.title,
            r.platform,
            r.place,
            r.served,
            r.volunteer_count,
            r.volunteer_tenths,
            r.brand_project,
            r.note,
        )
        for r in got
    ] == [
        (
            date(2024, 3, 5), time(8, 30), time(11, 0), "学雷锋义务理发", "文化服务", "村委会门前", 45, 5, 125,
            "学雷锋在身边", None,
        ),
        (date(2024, 3, 12), time(19, 0), time(20, 30), "广场舞展演", "健身体育服务", "文化广场", 120, 0, 0, None, None),
        (
            date(2024, 3, 20),
            time(14, 0),
            time(16, 0),
            "防治非洲猪瘟科普讲座",
            "科技与科普服务",
            "农家书屋",
            60,
            2,
            40,
            "田间课堂",
            "发放宣传册",
        ),
    ]
    # The hours add up exactly in the station's figures.
    from station_tui.storage import figures

    assert figures.compute(store).as_json()["volunteer_hours"] == 16.5


@pytest.mark.parametrize("fmt", FORMATS)
def test_people(fmt: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys) -> None:
    path = write_file(tmp_path, "people", SAMPLES["people"], fmt)
    code, out, err = run_import(db_path, "people", path, capsys)
    assert code == 0, err
    assert "导入 3 条，已存在 0 条（未重复导入）" in out
    assert "新建队伍 1 个" in out and "加入队伍 2 人次" in out
    got = {p.name: p for p in store.people.search(limit=10)}
    assert sorted(got) == ["张三", "李秀兰", "王建国"]
    zhang = got["张三"]
    assert (zhang.gender, zhang.birth_year, zhang.phone, zhang.is_volunteer, zhang.volunteer_no) == (
        "男",
        1965,
        "13812345678",
        True,
        "14031100001",
    )
    li = got["李秀兰"]
    assert (li.gender, li.birth_year, li.phone, li.is_volunteer, li.volunteer_no, li.note) == (
        "女",
        1972,
        None,
        False,
        None,
        "腿脚不便",
    )
    assert got["王建国"].phone == "0353-2021234"
    team = store.teams.by_name("百姓宣讲队")
    assert team is not None and team.category is None
    assert [t.name for t in store.team_members.teams_of(str(zhang.id))] == ["百姓宣讲队"]
    assert [t.name for t in store.team_members.teams_of(str(got["王建国"].id))] == ["百姓宣讲队"]
    assert store.team_members.teams_of(str(li.id)) == []
    # The pinyin search keys are written for imported people too.
    assert [p.name for p in store.people.search("zs")] == ["张三"]
