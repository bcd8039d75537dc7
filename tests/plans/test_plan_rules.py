"""The rules of monthly plans: what a planned item is, and which lecture or activity is
proposed as having carried it out."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from station_tui.domain import explain
from station_tui.domain.models import Plan, PlanItem, Record
from station_tui.domain.plans import Done, Planned, carries, propose, week_of

TODAY = date(2026, 3, 10)


def problems(model: type[Record], data: dict, **context: object) -> list[str]:
    try:
        model.model_validate(data, context={"today": TODAY, **context})
    except ValidationError as exc:
        return [p.message for p in explain(exc)]
    return []


def test_a_planned_item_may_lie_in_the_future_where_an_activity_may_not() -> None:
    later = {"plan_id": "p", "date": "2026-03-28", "title": "学雷锋义务理发", "platform": "文化服务"}
    assert problems(PlanItem, later, plan_month="2026-03") == []
    from station_tui.domain.models import Activity

    refused = problems(Activity, {"date": "2026-03-28", "title": "学雷锋义务理发", "platform": "文化服务"})
    assert any("晚于今天" in p for p in refused)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "宣讲", "platform": "理论宣讲"}, "请填写日期或第几周"),
        ({"week": 6, "title": "宣讲", "platform": "理论宣讲"}, "第几周应在 1–5 之间"),
        ({"date": "2026-03-02", "week": 1, "title": "宣讲", "platform": "理论宣讲"}, "日期和第几周只填一个"),
        ({"date": "2026-04-02", "title": "宣讲", "platform": "理论宣讲"}, "不在计划的月份 2026-03 里"),
        ({"week": 1, "title": "宣讲", "platform": "广场舞"}, "只能是五大平台之一"),
        ({"week": 1, "title": "义诊", "platform": "教育服务", "lecture_id": "l1"}, "宣讲只能完成“理论宣讲”平台的计划"),
        (
            {"week": 1, "title": "宣讲", "platform": "理论宣讲", "lecture_id": "l", "activity_id": "a"},
            "一项计划只能对应一场宣讲或一场活动",
        ),
    ],
)
def test_a_planned_item_is_refused_in_plain_words(data: dict, message: str) -> None:
    found = problems(PlanItem, {"plan_id": "p", **data}, plan_month="2026-03")
    assert any(message in p for p in found), found


@pytest.mark.parametrize(("typed", "month"), [("2026-03", "2026-03"), ("2026/3", "2026-03"), ("2026年3月", "2026-03")])
def test_a_plans_month_is_read_as_typed(typed: str, month: str) -> None:
    assert Plan(month=typed, theme="学雷锋志愿服务月").month == month


@pytest.mark.parametrize("typed", ["2026-13", "26-03", "三月", "1999-03"])
def test_a_wrong_month_is_refused(typed: str) -> None:
    assert problems(Plan, {"month": typed})


def test_weeks_of_the_month() -> None:
    assert [week_of(date(2026, 3, d)) for d in (1, 7, 8, 14, 15, 22, 28, 29, 31)] == [1, 1, 2, 2, 3, 4, 4, 5, 5]


def lecture(i: str, day: int, month: int = 3) -> Done:
    return Done("lecture", i, date(2026, month, day), "理论宣讲", f"宣讲{i}")


def activity(i: str, day: int, platform: str) -> Done:
    return Done("activity", i, date(2026, 3, day), platform, f"活动{i}")


def test_what_carries_an_item_out() -> None:
    theory = Planned("t", "2026-03", "理论宣讲", date(2026, 3, 5))
    culture = Planned("c", "2026-03", "文化服务", date(2026, 3, 5))
    assert carries(theory, lecture("l", 5))
    assert not carries(theory, activity("a", 5, "理论宣讲"))  # 理论宣讲 is carried by lectures
    assert carries(culture, activity("a", 5, "文化服务"))
    assert not carries(culture, activity("a", 5, "教育服务"))
    assert not carries(culture, lecture("l", 5))
    assert not carries(theory, lecture("l", 5, month=4))  # another month


def test_the_nearest_event_of_its_platform_is_proposed() -> None:
    items = [Planned("t", "2026-03", "理论宣讲", date(2026, 3, 10)), Planned("c", "2026-03", "文化服务", week=3)]
    events = [
        lecture("far", 2),
        lecture("near", 12),
        activity("x", 9, "文化服务"),
        activity("y", 16, "文化服务"),
        activity("z", 10, "教育服务"),
    ]
    got = propose(items, events)
    assert {k: v.id for k, v in got.items()} == {"t": "near", "c": "y"}


def test_one_event_carries_at_most_one_item() -> None:
    items = [
        Planned("a", "2026-03", "理论宣讲", date(2026, 3, 5)),
        Planned("b", "2026-03", "理论宣讲", date(2026, 3, 6)),
        Planned("c", "2026-03", "理论宣讲", date(2026, 3, 20)),
    ]
    events = [lecture("only", 6)]
    got = propose(items, events)
    assert {k: v.id for k, v in got.items()} == {"a": "only"}  # the earlier plan chooses first; the others wait
    # An event already matched to an item of the plan is not proposed again.
    matched = [Planned("a", "2026-03", "理论宣讲", date(2026, 3, 5), matched=("lecture", "only")), items[1]]
    assert propose(matched, events) == {}


def test_nothing_fitting_means_no_proposal() -> None:
    assert propose([Planned("c", "2026-03", "健身体育服务", date(2026, 3, 5))], [lecture("l", 5)]) == {}
