"""The points ledger and the 爱心超市 reach a real county (SQLite and PostgreSQL stores) as the
station holds them: every entry, each redemption's state, and the county's sums per person and
per item equal the station's own balances and stock."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

from station_tui.domain import Attendance, Lecture, Person
from station_tui.domain.models import Goods
from station_tui.domain.points import PointsRules
from tests.county_server import County
from tests.sync.support import StationPC

RULES = PointsRules(per_hour=10, organizer_bonus=5)


def test_points_and_redemptions_sync_and_the_countys_sums_match(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        people = [s.people.add(Person(name=n, is_volunteer=True)) for n in ("张三", "李四", "王五")]
        lecture = s.lectures.add(
            Lecture(date=date(2026, 11, 3), start_time=time(9), end_time=time(11), topic="乡村振兴政策")
        )
        lines = s.attendance.save_roster(
            added=[
                Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=p.id,
                           role="宣讲员" if i == 0 else "志愿者", credited_tenths=20)
                for i, p in enumerate(people)
            ],
            points_rules=RULES,
        )
        # A correction: voided and re-added.
        s.attendance.save_roster(updated=[lines[1].model_copy(update={"credited_tenths": 10})], points_rules=RULES)
        ledger, goods, redemptions = s.repository("points_entries"), s.repository("goods"), s.repository("redemptions")
        ledger.adjust(str(people[2].id), 5, item="好人好事")  # type: ignore[attr-defined]
        soap = goods.add(Goods(name="香皂", price_points=8))
        goods.restock(str(soap.id), 10)  # type: ignore[attr-defined]
        picked = redemptions.redeem(str(people[0].id), str(soap.id), 2)  # type: ignore[attr-defined]
        redemptions.pick_up(picked.pickup_code)  # type: ignore[attr-defined]
        cancelled = redemptions.redeem(str(people[2].id), str(soap.id))  # type: ignore[attr-defined]
        redemptions.cancel(str(cancelled.id), "不要了")  # type: ignore[attr-defined]
        redemptions.redeem(str(people[1].id), str(soap.id))  # type: ignore[attr-defined]  # pending
        balances = {str(p.id): ledger.balance(str(p.id)) for p in people}  # type: ignore[attr-defined]
        stock = goods.stock(str(soap.id))  # type: ignore[attr-defined]
    assert balances == {str(people[0].id): 25 - 16, str(people[1].id): 10 - 8, str(people[2].id): 25}
    assert stock == 7

    out = station_pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert station_pc.pending() == 0
    held = county.records(station_pc.code)
    assert held == station_pc.expected_records()

    county_balances: Counter[str] = Counter()
    county_stock: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for (table, _), (_, deleted, row) in held.items():
        assert not deleted
        if table == "points_entries":
            county_balances[row["person_id"]] += row["points"]
        elif table == "stock_entries":
            county_stock[row["goods_id"]] += row["quantity"]
        elif table == "redemptions":
            states[row["state"]] += 1
    assert dict(county_balances) == balances
    assert dict(county_stock) == {str(soap.id): stock}
    assert states == {"已领取": 1, "已取消": 1, "待领取": 1}
    kinds = Counter(row["kind"] for (t, _), (_, _, row) in held.items() if t == "points_entries")
    assert kinds == {"获得": 4, "作废": 1, "奖励": 1, "兑换": 3, "退还": 1}
