"""The self-check's rubric is data, and its rules judge the facts at their exact thresholds."""

from __future__ import annotations

import json

import pytest

from station_tui.domain.rubric import Facts, Mark, RubricError, assess, check, default_rubric, parse


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {
        "lectures_by_month": (4,) * 12, "activities_by_month": (1,) * 12, "largest_venue": 60, "teams": 3,
        "volunteers": 20, "brand_projects": 1, "events": 10, "events_with_summary": 8, "events_with_roster": 5,
        "manager_named": True,
    }
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


def test_the_default_rubric_holds_the_五有_and_adds_up_to_100() -> None:
    rubric = default_rubric()
    assert rubric.total == 100
    assert {item.group for item in rubric.items} >= {"有场地", "有队伍", "有活动", "有项目", "有机制"}
    assert rubric.star_scores == [60, 70, 80, 90, 95]


def test_every_computed_item_is_met_at_its_threshold_and_missed_one_below() -> None:
    rubric = default_rubric()
    at = assess(rubric, facts(), {})
    computed = {r.item.id: r.met for r in at.results if r.how == "computed"}
    assert all(computed.values()), computed
    below = facts(
        lectures_by_month=(4,) * 9 + (3,) * 3, activities_by_month=(1,) * 9 + (0,) * 3, largest_venue=19,
        teams=2, volunteers=19, brand_projects=0, events_with_summary=7, events_with_roster=4, manager_named=False,
    )
    missed = {r.item.id: r.met for r in assess(rubric, below, {}).results if r.how == "computed"}
    assert not any(missed.values()), missed
    assert set(missed) == set(computed)


def test_the_score_stars_and_what_is_missing() -> None:
    rubric = default_rubric()
    result = assess(rubric, facts(), {})
    # Everything the records answer (85 points), none of the three ticks (15 points).
    assert (result.score, result.stars, result.next_star()) == (85, 3, 90)
    assert [r.item.id for r in result.missing] == ["signage", "local_feature", "rules_posted"]
    ticked = assess(rubric, facts(), {"signage": Mark(True, "门牌照片"), "rules_posted": Mark(True, "制度上墙")})
    assert (ticked.score, ticked.stars, ticked.next_star()) == (95, 5, None)
    assert next(r for r in ticked.results if r.item.id == "signage").detail == "门牌照片"
    untied = assess(rubric, facts(), {"signage": Mark(False, "门牌照片")})
    assert untied.score == 85


def test_a_share_of_no_events_is_missed_and_said() -> None:
    result = assess(default_rubric(), facts(events=0, events_with_summary=0, events_with_roster=0), {})
    summaries = next(r for r in result.results if r.item.id == "summaries")
    assert not summaries.met and summaries.detail == "近 12 个月没有宣讲和活动记录"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"rule": "nonsense"}, "规则 nonsense 不认识"),
        ({"params": {}}, "缺少参数：min"),
        ({"id": "teams_3"}, "条目编号重复：teams_3"),
    ],
)
def test_a_county_rubric_that_cannot_be_used_says_why(change: dict[str, object], said: str) -> None:
    data = json.loads(default_rubric().model_dump_json())
    data["items"][0].update(change)
    with pytest.raises(RubricError, match=said):
        parse(json.dumps(data, ensure_ascii=False), "rubric.json")


def test_star_scores_must_rise_and_the_file_must_be_json() -> None:
    data = json.loads(default_rubric().model_dump_json())
    data["star_scores"] = [60, 50]
    with pytest.raises(RubricError, match="从低到高"):
        parse(json.dumps(data), "rubric.json")
    with pytest.raises(RubricError, match="不是有效的 JSON"):
        parse("{", "rubric.json")


def test_a_star_no_score_can_reach_is_refused() -> None:
    data = json.loads(default_rubric().model_dump_json())
    data["items"] = data["items"][:2]  # 15 points
    with pytest.raises(RubricError, match="最高星级分数线 95 超过了各条目合计的满分 15"):
        check(data, "某县细则")
