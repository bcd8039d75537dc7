"""A year of monthly plans (活动计划, 一月一主题) for the demo village, written after its events.

Each month of the demo's history gets a plan with the month's customary theme (3月 学雷锋志愿服务月…)
and a handful of planned items taken from what the village did that month: most matched to the
lecture or activity that carried them out, a few planned on a nearby day or for a week, left for
the 活动计划 screen to propose, and now and then one that was never done. The current month and the
next one are planned ahead: their items lie in the future and are not matched yet.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from station_tui.domain.models import Plan, PlanItem
from station_tui.domain.plans import week_of
from station_tui.domain.vocab import PLATFORMS

if TYPE_CHECKING:
    from station_tui.storage import Store

#: The customary theme of each month (一月一主题).
THEMES: dict[int, str] = {
    1: "迎新春 文明过大年",
    2: "移风易俗 树文明新风",
    3: "学雷锋志愿服务月",
    4: "全民国家安全教育月",
    5: "劳动最光荣 奋斗正当时",
    6: "生态环境保护月",
    7: "永远跟党走 党的理论宣讲月",
    8: "全民健身月",
    9: "尊师重教 助学圆梦",
    10: "爱国主义教育月",
    11: "消防安全宣传月",
    12: "宪法宣传月",
}

#: What a station plans but does not always get to.
_UNDONE = (
    ("防范电信诈骗宣讲", "理论宣讲"),
    ("老年人智能手机培训", "教育服务"),
    ("农家书屋读书分享会", "文化服务"),
    ("果树冬季修剪技术指导", "科技与科普服务"),
    ("村民篮球友谊赛", "健身体育服务"),
)

#: Planned ahead for the months to come.
_AHEAD = (
    ("“{theme}”主题宣讲", "理论宣讲"),
    ("新思想进万家 屋场会", "理论宣讲"),
    ("青少年课后辅导", "教育服务"),
    ("文艺演出进村", "文化服务"),
    ("安全用电科普", "科技与科普服务"),
    ("广场舞展演", "健身体育服务"),
)


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def write_plans(store: Store, rng: random.Random, first: date, today: date) -> tuple[int, int]:
    """Plans for the months from ``first``'s to the one after ``today``'s; returns (plans, items)."""
    ahead = today.replace(day=1) + timedelta(days=32)
    plans = items = 0
    with store.write() as conn:
        for year, month in _months(first, ahead):
            key = f"{year:04d}-{month:02d}"
            if store.plans.by_month_in(conn, key) is not None:  # demo data added to a ledger that has one
                continue
            plan = store.plans.add_in(conn, Plan(month=key, theme=THEMES[month]))
            plans += 1
            done = [e for e in store.plan_items.events_of_month(key) if e.date < today]
            chosen = _spread(rng, done, rng.randint(4, 7))
            for event in chosen:
                day, week = event.date, None
                matched = rng.random() < 0.8
                if rng.random() < 0.25:  # planned for the week, not a day
                    day, week = None, week_of(event.date)
                elif not matched:  # planned a day or two off: the screen proposes it
                    shifted = event.date + timedelta(days=rng.choice((-2, -1, 1, 2)))
                    day = shifted if shifted.month == month else event.date
                store.plan_items.add_in(
                    conn,
                    PlanItem(
                        plan_id=str(plan.id),
                        date=day,
                        week=week,
                        title=event.heading[:200],
                        platform=event.platform,
                        lecture_id=event.id if matched and event.kind == "lecture" else None,
                        activity_id=event.id if matched and event.kind == "activity" else None,
                    ),
                )
                items += 1
            planned_ahead = (year, month) >= (today.year, today.month)
            if planned_ahead:
                for title, platform in rng.sample(_AHEAD, 4):
                    start = (
                        max(today + timedelta(days=1), date(year, month, 1))
                        if (year, month) == (today.year, today.month)
                        else date(year, month, 1)
                    )
                    span = (_month_end(year, month) - start).days
                    if span < 0:
                        continue
                    day = start + timedelta(days=rng.randint(0, span))
                    store.plan_items.add_in(
                        conn,
                        PlanItem(
                            plan_id=str(plan.id), date=day, title=title.format(theme=THEMES[month]), platform=platform
                        ),
                    )
                    items += 1
            elif rng.random() < 0.5:
                title, platform = rng.choice(_UNDONE)
                store.plan_items.add_in(
                    conn,
                    PlanItem(
                        plan_id=str(plan.id),
                        week=rng.randint(1, 4),
                        title=title,
                        platform=platform,
                        note="因天气推迟" if rng.random() < 0.5 else None,
                    ),
                )
                items += 1
    return plans, items


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def _spread(rng: random.Random, events: list, n: int) -> list:
    """Up to ``n`` events, one of each platform first (the plan covers all five), in date order."""
    by_platform = {p: [e for e in events if e.platform == p] for p in PLATFORMS}
    chosen = [rng.choice(found) for found in by_platform.values() if found]
    rest = [e for e in events if e not in chosen]
    rng.shuffle(rest)
    chosen += rest[: max(0, n - len(chosen))]
    return sorted(chosen[:n], key=lambda e: (e.date, e.id))
