"""Monthly plans travel to a real county (SQLite and PostgreSQL stores): plans and their items
with their matches, edits, a deleted plan with its items as tombstones, and the county's
report counting planned and done as the station does."""

from __future__ import annotations

from datetime import date

from station_tui.commands import status
from station_tui.domain import Activity, Lecture
from station_tui.domain.models import Plan, PlanItem
from tests.county_server import County
from tests.reference_figures import reference_figures
from tests.sync.support import StationPC


def test_plans_and_their_matches_reach_the_county(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        lecture = s.lectures.add(Lecture(date=date(2026, 3, 5), topic="雷锋精神代代传", audience=40))
        haircut = s.activities.add(Activity(date=date(2026, 3, 6), title="学雷锋义务理发", platform="文化服务"))
        march = s.plans.add(Plan(month="2026-03", theme="学雷锋志愿服务月"))
        talk = s.plan_items.add(
            PlanItem(plan_id=march.id, date=date(2026, 3, 5), title="学雷锋宣讲", platform="理论宣讲")
        )
        s.plan_items.add(
            PlanItem(plan_id=march.id, week=1, title="义务理发", platform="文化服务", activity_id=haircut.id)
        )
        s.plan_items.add(PlanItem(plan_id=march.id, week=4, title="读书分享会", platform="文化服务"))
        april = s.plans.add(Plan(month="2026-04", theme="全民国家安全教育月"))
        s.plan_items.add(PlanItem(plan_id=april.id, week=2, title="国家安全宣讲", platform="理论宣讲"))
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert county.records(station_pc.code) == station_pc.expected_records()
    held = county.records(station_pc.code)
    assert held[("plans", str(march.id))][2]["theme"] == "学雷锋志愿服务月"

    # Matched after the first upload, and April's plan dropped: the county follows.
    with station_pc.store() as s:
        s.plan_items.match(s.plan_items.require(str(talk.id)), ("lecture", str(lecture.id)))
        s.plans.delete(str(april.id))
    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    held = county.records(station_pc.code)
    assert held == station_pc.expected_records()
    assert held[("plan_items", str(talk.id))][2]["lecture_id"] == lecture.id
    assert held[("plans", str(april.id))][1] == 1  # tombstones, the plan and its item
    assert sum(1 for (tbl, _), (_, deleted, _) in held.items() if tbl == "plan_items" and deleted) == 1

    report = county.report(2026)
    (row,) = report["stations"]
    with station_pc.store() as s:
        own = status.collect(s, 2026, None)["figures"]
    assert (own["plan_items"], own["plan_items_done"]) == (3, 2)
    assert own == reference_figures(station_pc.db, 2026)
    assert (row["plan_items"], row["plan_items_done"]) == (3, 2)
    assert {k: row[k] for k in own} == own
    assert county.report(2026, 3)["total"]["plan_items_done"] == 2
    assert county.report(2026, 4)["total"]["plan_items"] == 0
