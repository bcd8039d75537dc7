"""Plans in a real station database: one plan a month, matches stored on the item, one event
carrying at most one item of a plan, the figures, and the import of plan files."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from station_tui.cli import main
from station_tui.domain import Activity, Lecture, Station
from station_tui.domain.models import Plan, PlanItem
from station_tui.domain.plans import propose
from station_tui.storage import Store, figures
from station_tui.storage.plan_figures import months
from station_tui.storage.repositories.plans import PlanProblem, planned
from tests.reference_figures import reference_figures


@pytest.fixture
def march(store: Store, station: Station) -> Plan:
    return store.plans.add(Plan(month="2026-03", theme="学雷锋志愿服务月"))


def test_one_plan_a_month(store: Store, march: Plan) -> None:
    with pytest.raises(PlanProblem, match="2026-03 已经有计划了"):
        store.plans.add(Plan(month="2026/3", theme="另一个主题"))
    # The unique index holds even for a writer that skips the repository.
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("INSERT INTO plans (month, theme) VALUES ('2026-03', 'x')")
    # Once deleted, the month is free again; its items went with it.
    item = store.plan_items.add(PlanItem(plan_id=march.id, week=1, title="宣讲", platform="理论宣讲"))
    store.plans.delete(str(march.id))
    assert store.plan_items.get(str(item.id)) is None
    assert store.plans.add(Plan(month="2026-03", theme="新的")).theme == "新的"


def test_a_planned_item_in_the_future_is_stored(store: Store, station: Station) -> None:
    ahead = date.today().replace(day=28)
    plan = store.plans.add(Plan(month=ahead.isoformat()[:7]))
    item = store.plan_items.add(PlanItem(plan_id=plan.id, date=ahead, title="文艺演出进村", platform="文化服务"))
    assert store.plan_items.require(str(item.id)).date == ahead


def test_a_plan_with_dated_items_keeps_its_month(store: Store, march: Plan) -> None:
    store.plan_items.add(PlanItem(plan_id=march.id, week=2, title="宣讲", platform="理论宣讲"))
    moved = store.plans.update(march.model_copy(update={"month": "2026-05"}))  # weeks only: it may move
    assert moved.month == "2026-05"
    store.plan_items.add(PlanItem(plan_id=march.id, date=date(2026, 5, 4), title="青年节", platform="文化服务"))
    with pytest.raises(PlanProblem, match="不能改到别的月份"):
        store.plans.update(moved.model_copy(update={"month": "2026-06"}))
    assert store.plans.require(str(march.id)).month == "2026-05"


def test_an_item_outside_its_month_is_refused(store: Store, march: Plan) -> None:
    with pytest.raises(PlanProblem, match="不在计划的月份 2026-03 里"):
        store.plan_items.add(PlanItem(plan_id=march.id, date=date(2026, 4, 1), title="宣讲", platform="理论宣讲"))


def test_matching_is_stored_and_one_event_carries_one_item(store: Store, march: Plan) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 3, 5), topic="雷锋精神代代传"))
    haircut = store.activities.add(Activity(date=date(2026, 3, 6), title="义务理发", platform="教育服务"))
    talk = store.plan_items.add(
        PlanItem(plan_id=march.id, date=date(2026, 3, 4), title="学雷锋宣讲", platform="理论宣讲")
    )
    other = store.plan_items.add(PlanItem(plan_id=march.id, week=2, title="再讲一次", platform="理论宣讲"))
    service = store.plan_items.add(PlanItem(plan_id=march.id, week=1, title="义务理发", platform="教育服务"))

    proposals = propose(
        [planned(i, "2026-03") for i in (talk, other, service)], store.plan_items.events_of_month("2026-03")
    )
    assert {k: v.id for k, v in proposals.items()} == {str(talk.id): lecture.id, str(service.id): haircut.id}

    talk = store.plan_items.match(talk, ("lecture", str(lecture.id)))
    assert store.plan_items.require(str(talk.id)).lecture_id == lecture.id
    with pytest.raises(PlanProblem, match="已经对应了本月计划中的“学雷锋宣讲”"):
        store.plan_items.match(other, ("lecture", str(lecture.id)))
    with pytest.raises(PlanProblem, match="宣讲只能完成“理论宣讲”平台的计划"):
        store.plan_items.match(service, ("lecture", str(lecture.id)))
    store.plan_items.match(service, ("activity", str(haircut.id)))
    # Undoing a match frees the event.
    talk = store.plan_items.match(talk, None)
    assert store.plan_items.require(str(talk.id)).matched is None
    store.plan_items.match(other, ("lecture", str(lecture.id)))


def test_done_means_matched_to_an_event_not_deleted(store: Store, march: Plan, db_path: Path) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 3, 5), topic="雷锋精神代代传"))
    act = store.activities.add(Activity(date=date(2026, 3, 6), title="义务理发", platform="教育服务"))
    store.plan_items.add(
        PlanItem(plan_id=march.id, date=date(2026, 3, 5), title="宣讲", platform="理论宣讲", lecture_id=lecture.id)
    )
    store.plan_items.add(PlanItem(plan_id=march.id, week=1, title="理发", platform="教育服务", activity_id=act.id))
    store.plan_items.add(PlanItem(plan_id=march.id, week=4, title="读书会", platform="文化服务"))
    april = store.plans.add(Plan(month="2026-04"))
    store.plan_items.add(PlanItem(plan_id=april.id, week=1, title="国家安全教育", platform="理论宣讲"))

    got = figures.compute(store, 2026, 3).as_json()
    assert (got["plan_items"], got["plan_items_done"]) == (3, 2)
    store.activities.delete(str(act.id))
    got = figures.compute(store, 2026, 3).as_json()
    assert (got["plan_items"], got["plan_items_done"]) == (3, 1)
    year = figures.compute(store, 2026).as_json()
    assert (year["plan_items"], year["plan_items_done"]) == (4, 1)
    assert figures.compute(store, 2025).as_json()["plan_items"] == 0
    for period in ((None, None), (2026, None), (2026, 3), (2026, 4)):
        assert figures.compute(store, *period).as_json() == reference_figures(db_path, *period)

    (row,) = [m for m in months(store.conn, 2026) if m.month == "2026-03"]
    assert (row.theme, row.planned, row.done) == ("学雷锋志愿服务月", 3, 1)
    assert row.actual["理论宣讲"] == 1 and row.actual["教育服务"] == 0


PLAN_FILE = """月份,主题,日期,第几周,名称,平台,备注
2026-03,学雷锋志愿服务月,2026-03-05,,学雷锋义务理发,文化服务,
2026/3,学雷锋志愿服务月,,2,学雷锋精神宣讲,理论宣讲,
2026年4月,,2026-04-15,,全民国家安全教育日宣讲,理论宣讲,提前准备材料
"""


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_plans_from_csv_and_again(
    store: Store, station: Station, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "计划.csv"
    path.write_text(PLAN_FILE, encoding="gb18030")
    code, out, err = run(db_path, "import", "plan_items", str(path), capsys=capsys)
    assert code == 0, err
    assert "导入 3 条，已存在 0 条" in out and "新建月计划 2 份" in out
    march = store.plans.by_month("2026-03")
    april = store.plans.by_month("2026-04")
    assert march is not None and march.theme == "学雷锋志愿服务月"
    assert april is not None and april.theme is None
    assert [(i.title, i.date, i.week) for i in store.plan_items.items_of(str(march.id))] == [
        ("学雷锋义务理发", date(2026, 3, 5), None),
        ("学雷锋精神宣讲", None, 2),
    ]
    code, out, _ = run(db_path, "import", "plan_items", str(path), capsys=capsys)
    assert code == 0 and "导入 0 条，已存在 3 条" in out
    assert store.plans.count() == 2


def test_a_bad_plan_file_imports_nothing(
    store: Store, station: Station, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "计划.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["月份", "主题", "日期", "第几周", "名称", "平台", "备注"])
    ws.append(["2026-03", "学雷锋志愿服务月", date(2026, 3, 5), None, "义务理发", "文化服务", None])
    ws.append(["2026-13", None, None, 1, "宣讲", "理论宣讲", None])
    ws.append(["2026-03", "另一个主题", date(2026, 3, 9), None, "读书会", "文化服务", None])
    ws.append(["2026-03", None, date(2026, 4, 2), None, "读书会", "文化服务", None])
    ws.append(["2026-05", None, None, 2, "广场舞", "广场舞", None])
    ws.append(["2026-05", None, None, None, "广场舞", "健身体育服务", None])
    wb.save(path)
    code, out, err = run(db_path, "import", "plan_items", str(path), capsys=capsys)
    assert code == 1 and out == ""
    assert "第 3 行，月份：月份“2026-13”不对" in err
    assert "第 4 行，主题：2026-03 的主题在第 2 行是“学雷锋志愿服务月”，这里是“另一个主题”" in err
    assert "第 5 行，日期：日期 2026-04-02 不在计划的月份 2026-03 里" in err
    assert "第 6 行，平台：平台“广场舞”不对" in err
    assert "第 7 行，日期：请填写日期或第几周" in err
    assert store.plans.count() == 0 and store.plan_items.count() == 0


def test_template_prints_the_plan_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "plan_items"]) == 0
    assert capsys.readouterr().out.strip() == "月份,主题,日期,第几周,名称,平台,备注"
