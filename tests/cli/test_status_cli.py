"""``station status --json`` as scripts and the county read it, on a database built record by record.

Every figure below is worked out by hand from the records the fixture writes; the
comments show the sums.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from station_tui import cli
from station_tui.domain import Activity, Attendance, Lecture, Person, Station, Team
from station_tui.domain.models import Plan, PlanItem
from station_tui.domain.vocab import PLATFORMS
from station_tui.storage import Actor, Store
from tests import station_cli

STATION = Station(
    code="140311101201", name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区", manager="王秀英"
)


def station_cmd(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return station_cli.run(*args, env=env)


def status_json(db: Path, *extra: str) -> tuple[dict[str, Any], str]:
    done = station_cmd("--db", str(db), "status", "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stdout


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The same ``main()`` without a new interpreter: for the many period variants, to keep
    the suite quick on a shared machine (the subprocess tests cover the real entry point)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def status_json_here(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[dict[str, Any], str]:
    code, out, err = in_process(capsys, "--db", str(db), "status", "--json", *extra)
    assert code == 0, err
    return json.loads(out), out


def _build(store: Store) -> None:
    store.station.setup(STATION)
    zhang = store.people.add(Person(name="张三", is_volunteer=True, volunteer_no="SX001"))
    li = store.people.add(Person(name="李四", is_volunteer=True))
    wang = store.people.add(Person(name="王五"))
    zhao = store.people.add(Person(name="赵六"))
    qian = store.people.add(Person(name="钱七", is_volunteer=True))
    store.people.delete(str(qian.id))  # deleted: not in people nor volunteers

    def named(kind: str, event: Any, person: Person, role: str, tenths: int = 0) -> Attendance:
        return store.attendance.add(
            Attendance(event_kind=kind, event_id=event.id, person_id=person.id, role=role, credited_tenths=tenths)
        )

    def crowd(kind: str, event: Any, n: int) -> Attendance:
        return store.attendance.add(Attendance(event_kind=kind, event_id=event.id, headcount=n))

    # Lectures ------------------------------------------------------------------------------
    l1 = store.lectures.add(
        Lecture(date=date(2026, 3, 5), start_time=time(9), end_time=time(10, 30), topic="学习全会精神", audience=50)
    )
    named("lecture", l1, zhang, "宣讲员", 12)  # 1.2 h
    named("lecture", l1, wang, "群众")
    named("lecture", l1, zhao, "群众")  # 2 named listeners < 50: audience stays 50
    l2 = store.lectures.add(Lecture(date=date(2026, 3, 20), topic="医保政策解读", audience=1))
    named("lecture", l2, zhang, "宣讲员")  # a speaker is no listener
    named("lecture", l2, wang, "群众")
    named("lecture", l2, zhao, "群众")
    crowd("lecture", l2, 10)  # 2 + 10 = 12 > 1: audience counts 12
    gone = named("lecture", l2, li, "群众")
    store.attendance.delete(str(gone.id))  # a deleted line counts nowhere
    store.lectures.add(Lecture(date=date(2025, 12, 10), topic="冬季防火", audience=30))
    l4 = store.lectures.add(
        Lecture(date=date(2026, 3, 25), start_time=time(14), end_time=time(16), topic="已删除", audience=100)
    )
    named("lecture", l4, li, "志愿者", 10)
    march = store.plans.add(Plan(month="2026-03", theme="学雷锋志愿服务月"))
    store.plan_items.add(PlanItem(plan_id=march.id, week=1, title="全会宣讲", platform="理论宣讲", lecture_id=l1.id))
    store.plan_items.add(PlanItem(plan_id=march.id, week=4, title="宣讲", platform="理论宣讲", lecture_id=l4.id))
    store.lectures.delete(str(l4.id))  # deleted with its roster: nowhere; its plan item is not done
    december = store.plans.add(Plan(month="2025-12"))
    store.plan_items.add(PlanItem(plan_id=december.id, week=2, title="冬季防火宣讲", platform="理论宣讲"))

    # Activities ----------------------------------------------------------------------------
    store.activities.add(
        Activity(
            date=date(2026, 3, 8),
            start_time=time(19),
            end_time=time(21),
            title="广场舞晚会",
            platform="文化服务",
            served=80,
            volunteer_count=3,
            volunteer_tenths=45,
            brand_project="文化惠民",
        )
    )
    store.activities.add(
        Activity(date=date(2026, 4, 2), title="四点半课堂", platform="教育服务", served=20, brand_project="四点半课堂")
    )
    a3 = store.activities.add(
        Activity(
            date=date(2026, 4, 15),
            start_time=time(8),
            end_time=time(10),
            title="健步走",
            platform="健身体育服务",
            served=5,
        )
    )
    named("activity", a3, wang, "群众")
    crowd("activity", a3, 10)  # 1 + 10 = 11 > 5
    named("activity", a3, zhang, "志愿者", 15)  # 1.5 h
    store.hours.late_entry(str(zhang.id), date(2026, 4, 20), 20, "纸质签到表漏录", "王秀英", content="防汛值守")
    store.teams.add(Team(name="百姓宣讲队"))
    store.activities.add(
        Activity(
            date=date(2025, 11, 30),
            title="猪瘟防治科普",
            platform="科技与科普服务",
            served=40,
            volunteer_count=2,
            volunteer_tenths=33,
        )
    )
    store.activities.add(Activity(date=date(2026, 4, 20), title="政策进万家", platform="理论宣讲", served=60))
    a6 = store.activities.add(
        Activity(
            date=date(2026, 5, 1),
            title="已删除",
            platform="文化服务",
            served=999,
            volunteer_count=1,
            volunteer_tenths=20,
        )
    )
    store.activities.delete(str(a6.id))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("status") / "station.db"
    with Store(path, actor=Actor("tester", program="pytest")) as store:
        _build(store)
    return path


def test_the_whole_json_shape(built: Path) -> None:
    data, raw = status_json(built)

    assert {"station", "figures", "outbox", "last_sync"} <= data.keys()
    assert data["station"]["code"] == "140311101201"
    assert data["station"]["name"] == "甄家庄社区新时代文明实践站"
    assert data["station"]["township"] == "府西街道"
    assert data["station"]["county"] == "杏花岭区"
    assert data["figures"] == {
        "lectures": 3,
        "lecture_audience": 50 + 12 + 30,
        "activities": 5,
        "activity_served": 80 + 20 + 11 + 40 + 60,
        "activities_by_platform": {"理论宣讲": 1, "教育服务": 1, "文化服务": 1, "科技与科普服务": 1, "健身体育服务": 1},
        "volunteer_hours": 10.5,  # imported 4.5 + 3.3, credited 1.2 + 1.5
        "people": 4,
        "volunteers": 2,
        "attendance": 3 + 13 + 12,  # L1: 3 named; L2: 3 named + 10; A3: 2 named + 10
        "plan_items": 3,  # March's two (one matched to a lecture deleted since) and December's one
        "plan_items_done": 1,
        "teams": 1,
        "brand_projects": 2,
        "hours_credited": 4.7,  # the ledger: credited 1.2 + 1.5 (the deleted lecture's 1.0 voided), 补录 2.0
        "requests_received": 0,
        "requests_completed": 0,
        "requests_escalated": 0,
        "requests_rating": None,
    }
    assert list(data["figures"]["activities_by_platform"]) == list(PLATFORMS)
    assert isinstance(data["figures"]["volunteer_hours"], float)
    assert re.search(r'"volunteer_hours": 10\.5\b', raw)
    assert data["last_sync"] is None

    conn = sqlite3.connect(built)
    outbox_rows = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    conn.close()
    assert data["outbox"] == {"pending": outbox_rows}
    assert outbox_rows > 30


def test_a_year_limits_the_figures_but_not_the_roster(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = status_json_here(capsys, built, "--year", "2026")
    f = data["figures"]
    assert (f["lectures"], f["lecture_audience"]) == (2, 62)
    assert (f["activities"], f["activity_served"]) == (4, 80 + 20 + 11 + 60)
    assert f["activities_by_platform"] == {
        "理论宣讲": 1,
        "教育服务": 1,
        "文化服务": 1,
        "科技与科普服务": 0,
        "健身体育服务": 1,
    }
    assert f["volunteer_hours"] == 7.2  # 4.5 + 1.2 + 1.5
    assert f["attendance"] == 28
    assert (f["people"], f["volunteers"]) == (4, 2)

    data, _ = status_json_here(capsys, built, "--year", "2025")
    f = data["figures"]
    assert (f["lectures"], f["lecture_audience"], f["activities"], f["activity_served"]) == (1, 30, 1, 40)
    assert f["volunteer_hours"] == 3.3
    assert f["attendance"] == 0


def test_a_month_limits_the_figures(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = status_json_here(capsys, built, "--year", "2026", "--month", "3")
    f = data["figures"]
    assert (f["lectures"], f["lecture_audience"]) == (2, 62)
    assert (f["activities"], f["activity_served"]) == (1, 80)
    assert f["activities_by_platform"]["文化服务"] == 1 and sum(f["activities_by_platform"].values()) == 1
    assert f["volunteer_hours"] == 5.7  # 4.5 imported + 1.2 credited on L1
    assert f["attendance"] == 16


def test_an_empty_period_prints_zero_with_one_decimal(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, raw = status_json_here(capsys, built, "--year", "2024")
    assert data["figures"]["lectures"] == 0 and data["figures"]["activities"] == 0
    assert set(data["figures"]["activities_by_platform"].values()) == {0}
    assert re.search(r'"volunteer_hours": 0\.0\b', raw)


def test_pending_and_last_sync_follow_the_meta_table(
    tmp_path: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(built)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    total = dst.execute("SELECT count(*) FROM outbox").fetchone()[0]
    acked = dst.execute("SELECT seq FROM outbox ORDER BY seq LIMIT 1 OFFSET 9").fetchone()[0]
    dst.execute("UPDATE meta SET value = ? WHERE key = 'acked_seq'", (str(acked),))
    dst.execute("INSERT INTO meta (key, value) VALUES ('last_sync', '2026-11-20T08:15:00')")
    dst.commit()
    dst.close()

    data, _ = status_json_here(capsys, copy)
    assert data["outbox"]["pending"] == total - 10
    assert data["last_sync"] == "2026-11-20T08:15:00"  # ISO for scripts
    shown = station_cmd("--db", str(copy), "status")
    assert shown.returncode == 0, shown.stderr
    assert f"待上传的修改：{total - 10} 条\n上次同步：2026-11-20 08:15:00\n" in shown.stdout  # as people read it


def test_the_human_readable_status(built: Path) -> None:
    done = station_cmd("--db", str(built), "status")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "甄家庄社区新时代文明实践站  140311101201" in out
    assert "理论宣讲   3 场，覆盖 92 人次" in out
    assert "活动计划   计划 3 项，已完成 1 项" in out
    assert "志愿服务时长 10.5 小时" in out
    assert "志愿服务队伍 1 个，志愿服务项目（品牌项目）2 个" in out
    assert "时长台账记入 4.7 小时" in out
    assert "上次同步：从未同步" in out


def test_station_db_env_is_honoured(built: Path) -> None:
    done = station_cmd("status", "--json", env={"STATION_DB": str(built)})
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["station"]["code"] == "140311101201"
    assert data["figures"]["lectures"] == 3


def test_db_option_beats_the_env(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_DB", str(built))
    code, _, err = in_process(capsys, "--db", str(tmp_path / "other.db"), "status", "--json")
    assert code == 1
    assert f"找不到数据库 {tmp_path / 'other.db'}" in err
    code, out, _ = in_process(capsys, "status", "--json")
    assert code == 0 and json.loads(out)["figures"]["lectures"] == 3


def test_month_without_year_is_a_clear_error(built: Path) -> None:
    done = station_cmd("--db", str(built), "status", "--json", "--month", "3")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "指定月份时必须同时指定年份" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2026", "--month", "13"), "月份 13 不对，应为 1–12"),
        (("--year", "2026", "--month", "0"), "月份 0 不对，应为 1–12"),
        (("--month", "12"), "指定月份时必须同时指定年份"),
    ],
)
def test_a_bad_period_is_a_clear_error(
    built: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = in_process(capsys, "--db", str(built), "status", *args)
    assert code == 2
    assert out == ""
    assert message in err


def test_status_without_a_station_says_run_init(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    Store(db).close()
    done = station_cmd("--db", str(db), "status", "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "还没有站点信息，请先运行 station init" in done.stderr
    assert "Traceback" not in done.stderr


def test_status_of_a_missing_file_says_so_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "statoin.db"
    done = station_cmd("--db", str(db), "status")
    assert done.returncode == 1
    assert f"找不到数据库 {db}，请先运行 station init" in done.stderr
    assert not db.exists() and not db.parent.exists()


def test_init_with_a_bad_code_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    done = station_cmd(
        "--db",
        str(db),
        "init",
        "--code",
        "14031110120",
        "--name",
        "甄家庄",
        "--township",
        "府西街道",
        "--county",
        "杏花岭区",
    )
    assert done.returncode == 1
    assert "区划代码应为 12 位数字（统计用区划代码），“14031110120”不是" in done.stderr
    assert "Traceback" not in done.stderr
    assert not db.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("--name", "", "站点名称：不能为空"),
        ("--township", " ", "乡镇（街道）：不能为空"),
        ("--code", "1403 1110 1201x", "区划代码应为 12 位数字"),
    ],
)
def test_init_explains_each_bad_detail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, message: str
) -> None:
    details = {"--code": "140311101201", "--name": "甄家庄", "--township": "府西街道", "--county": "杏花岭区"}
    details[field] = value
    args = [x for pair in details.items() for x in pair]
    code, out, err = in_process(capsys, "--db", str(tmp_path / "s.db"), "init", *args)
    assert code == 1
    assert out == ""
    assert "站点信息有误 / invalid station details:" in err
    assert message in err
    assert not (tmp_path / "s.db").exists()


def test_init_then_status_through_the_env(tmp_path: Path) -> None:
    db = tmp_path / "via-env.db"
    env = {"STATION_DB": str(db)}
    done = station_cmd(
        "init",
        "--code",
        "１４０３１１１０１２０２",
        "--name",
        "北村新时代文明实践站",
        "--township",
        "府西街道",
        "--county",
        "杏花岭区",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "已创建站点：北村新时代文明实践站（140311101202）" in done.stdout
    again = station_cmd(
        "init",
        "--code",
        "140311101202",
        "--name",
        "北村新时代文明实践站",
        "--township",
        "府西街道",
        "--county",
        "杏花岭区",
        "--manager",
        "李丽",
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert "已更新站点" in again.stdout

    data = json.loads(station_cmd("status", "--json", env=env).stdout)
    assert data["station"] == {
        "code": "140311101202",
        "name": "北村新时代文明实践站",
        "township": "府西街道",
        "county": "杏花岭区",
        "manager": "李丽",
    }
    assert data["outbox"]["pending"] == 2  # the station's insert and its update
    assert data["figures"]["people"] == 0
