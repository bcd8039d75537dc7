"""Demo 积分 and 爱心超市: the points the demo rosters earn follow them (as a roster save
does), then a few add/deduct items, the supermarket's goods and restocking, and redemptions
picked up, waiting and cancelled near the end of the period."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from station_tui.domain.models import Goods
from station_tui.domain.points import CODE_ALPHABET, CODE_LENGTH, PointsRules

if TYPE_CHECKING:
    from station_tui.storage import Store

#: The demo station's rules: a point per hour, the speaker gets 2 more.
DEMO_RULES = PointsRules(per_hour=1, organizer_bonus=2)

#: (name, points, unit, first stock)
GOODS = (
    ("香皂", 3, "块", 40),
    ("洗衣粉", 5, "袋", 30),
    ("牙膏", 4, "支", 30),
    ("毛巾", 4, "条", 25),
    ("食用油", 20, "桶", 10),
    ("大米", 25, "袋", 8),
    ("保温杯", 15, "个", 6),
)


@dataclass
class MarketSummary:
    goods: int = 0
    items: int = 0
    redemptions: int = 0
    picked_up: int = 0
    pending: int = 0
    cancelled: int = 0


def write_market(store: Store, rng: random.Random, first: date, last: date) -> MarketSummary:
    """Add/deduct items, goods with restocking, and redemptions by people who have the points."""
    from station_tui.storage.repositories.points import GoodsRepository, PointsRepository, RedemptionRepository

    summary = MarketSummary()
    ledger: PointsRepository = store.repository("points_entries")  # type: ignore[assignment]
    market: GoodsRepository = store.repository("goods")  # type: ignore[assignment]
    redemptions: RedemptionRepository = store.repository("redemptions")  # type: ignore[assignment]
    people = [str(r[0]) for r in store.query("SELECT id FROM people WHERE deleted = 0 ORDER BY rowid")]
    span = max((last - first).days, 1)

    def some_day(after: date = first) -> date:
        return after + timedelta(days=rng.randrange(max((last - after).days, 1)))

    for person in rng.sample(people, min(12, len(people))):
        item = rng.choice(DEMO_RULES.items)
        if item.points < 0 and ledger.balance(person) < -item.points:
            item = DEMO_RULES.items[0]
        ledger.add_item(person, item.name, DEMO_RULES, reason="村民评议", on=some_day())
        summary.items += 1

    goods = []
    for name, price, unit, stock in GOODS:
        made = market.add(Goods(name=name, price_points=price, unit=unit))
        market.restock(str(made.id), stock, reason="首批入库", on=first)
        market.restock(str(made.id), stock // 2, reason="乡镇配送", on=first + timedelta(days=span // 2))
        goods.append(made)
    summary.goods = len(goods)

    rich = store.query(
        "SELECT person_id, sum(points) AS b FROM points_entries GROUP BY person_id HAVING b >= 5"
        " ORDER BY b DESC, person_id LIMIT 40"
    )
    recent = max(first, last - timedelta(days=90))

    def code() -> str:  # from the seed: the same seed gives the same pickup codes
        return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

    for n, row in enumerate(rich):
        person, balance = str(row[0]), int(row[1])
        affordable = [g for g in goods if g.price_points <= balance]
        if not affordable:
            continue
        chosen = rng.choice(affordable)
        if market.stock(str(chosen.id)) < 1:
            continue
        taken = redemptions.redeem(person, str(chosen.id), on=some_day(recent), operator="专管员", draw_code=code)
        summary.redemptions += 1
        if n % 7 == 3:
            redemptions.cancel(str(taken.id), "村民改换其他物品", on=taken.date, operator="专管员")
            summary.cancelled += 1
        elif n % 4 == 1:
            summary.pending += 1
        else:
            redemptions.pick_up(taken.pickup_code)
            summary.picked_up += 1
    return summary
