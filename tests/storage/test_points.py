"""积分 and the 爱心超市 on a real SQLite file: service points follow the roster, items add and
deduct, a balance and a stock never go below zero, redemptions are taken, picked up and
cancelled as ledger entries, and the ledgers refuse any edit or deletion."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, time

import pytest

from station_tui.domain import Attendance, Lecture, Person
from station_tui.domain.models import Activity, Goods
from station_tui.domain.points import CODE_ALPHABET, PointsItem, PointsRules, normalize_code, spoken_code
from station_tui.storage import Store
from station_tui.storage.repositories.points import (
    GoodsRepository,
    OutOfStock,
    PointsRefused,
    PointsRepository,
    PointsShort,
    RedemptionRepository,
)

RULES = PointsRules(per_hour=10, cap_per_event=25, organizer_bonus=5, items=[
    PointsItem(name="好人好事", points=5), PointsItem(name="移风易俗", points=-5)])


def ledger(store: Store) -> PointsRepository:
    return store.repository("points_entries")  # type: ignore[return-value]


def goods_of(store: Store) -> GoodsRepository:
    return store.repository("goods")  # type: ignore[return-value]


def redemptions(store: Store) -> RedemptionRepository:
    return store.repository("redemptions")  # type: ignore[return-value]


@pytest.fixture
def lecture(store: Store) -> Lecture:
    return store.lectures.add(
        Lecture(date=date(2026, 11, 3), start_time=time(9, 0), end_time=time(12, 0), topic="宣讲二十届四中全会精神")
    )


@pytest.fixture
def zhang(store: Store) -> Person:
    return store.people.add(Person(name="张三", is_volunteer=True))


def _line(event: Lecture | Activity, person: Person, role: str = "志愿者", tenths: int = 20) -> Attendance:
    return Attendance(
        event_kind=event.kind, event_id=str(event.id), person_id=person.id, role=role, credited_tenths=tenths
    )


def _kinds(store: Store, person: Person) -> list[tuple[str, int]]:
    rows = store.query(
        "SELECT kind, points FROM points_entries WHERE person_id = ? ORDER BY rowid", (str(person.id),)
    )
    return [(r[0], r[1]) for r in rows]


# -- the rule -------------------------------------------------------------------------------


def test_the_rule_rounds_down_caps_the_hours_and_adds_the_organizers_bonus() -> None:
    assert PointsRules(per_hour=1).earned(15, "志愿者") == 1  # 1.5 h at 1 a hour
    assert PointsRules(per_hour=2).earned(15, "志愿者") == 3  # 1 point a half hour
    assert RULES.earned(20, "志愿者") == 20
    assert RULES.earned(30, "志愿者") == 25  # capped
    assert RULES.earned(30, "宣讲员") == 30  # the cap, plus the bonus on top
    assert RULES.earned(0, "群众") == 0


def test_pickup_codes_are_read_aloud_and_typed_back_any_way() -> None:
    assert normalize_code("ｋ７ｍ－２qx") == "K7M2QX"
    assert spoken_code("K7M2QX") == "K7M 2QX"
    assert not set("01IOL2Z5S8B") & set(CODE_ALPHABET)


# -- service points follow the roster -------------------------------------------------------


def test_earned_points_follow_the_roster_save(store: Store, lecture: Lecture, zhang: Person) -> None:
    li = store.people.add(Person(name="李四"))
    [line, speaker] = store.attendance.save_roster(
        added=[_line(lecture, zhang), _line(lecture, li, role="宣讲员", tenths=30)], points_rules=RULES
    )
    assert ledger(store).balance(str(zhang.id)) == 20
    assert ledger(store).balance(str(li.id)) == 30  # 3 h capped at 25, plus 5 as 宣讲员
    # Hours corrected: the old entry is voided and a new one added, in the same save.
    store.attendance.save_roster(updated=[line.model_copy(update={"credited_tenths": 10})], points_rules=RULES)
    assert _kinds(store, zhang) == [("获得", 20), ("获得", 10), ("作废", -20)]
    assert ledger(store).balance(str(zhang.id)) == 10
    # Saved again unchanged: nothing new in the ledger.
    again = store.attendance.roster("lecture", str(lecture.id))
    store.attendance.save_roster(updated=[again[1].attendance], points_rules=RULES)
    assert len(_kinds(store, zhang)) == 3
    # Removed from the roster: the points go with the line.
    roster = store.attendance.roster("lecture", str(lecture.id))
    current = next(ln.attendance for ln in roster if ln.person and ln.person.id == zhang.id)
    store.attendance.save_roster(removed=[current], points_rules=RULES)
    assert ledger(store).balance(str(zhang.id)) == 0
    voids = store.query("SELECT count(*) FROM points_entries WHERE kind = '作废' AND reason = '签到更正'")
    assert voids[0][0] == 2
    assert speaker.person_id == li.id


def test_a_roster_save_without_rules_reads_the_stations_settings(
    store: Store, lecture: Lecture, zhang: Person, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"points": {"per_hour": 3}}', encoding="utf-8")
    monkeypatch.setenv("STATION_CONFIG_DIR", str(config))
    store.attendance.save_roster(added=[_line(lecture, zhang, tenths=20)])
    assert ledger(store).balance(str(zhang.id)) == 6


def test_a_correction_that_takes_back_spent_points_refuses_the_whole_save(
    store: Store, lecture: Lecture, zhang: Person
) -> None:
    [line] = store.attendance.save_roster(added=[_line(lecture, zhang)], points_rules=RULES)
    soap = goods_of(store).add(Goods(name="香皂", price_points=15))
    goods_of(store).restock(str(soap.id), 3)
    redemptions(store).redeem(str(zhang.id), str(soap.id))
    taking_back = "张三：积分不足：现有 5 分，需要 20 分。这次更正要收回这些服务积分"
    with pytest.raises(PointsShort, match=taking_back) as refused:
        store.attendance.save_roster(removed=[line], points_rules=RULES)
    assert "请先取消他的兑换，再更正" in str(refused.value)
    # Nothing written: the line is still on the roster, the points still there.
    assert len(store.attendance.roster("lecture", str(lecture.id))) == 1
    assert ledger(store).balance(str(zhang.id)) == 5


def test_a_deleted_event_takes_its_points_along_unless_they_are_spent(
    store: Store, lecture: Lecture, zhang: Person
) -> None:
    other = store.lectures.add(Lecture(date=date(2026, 11, 4), topic="反诈骗知识进万家"))
    store.attendance.save_roster(added=[_line(lecture, zhang)], points_rules=RULES)
    store.attendance.save_roster(added=[_line(other, zhang, tenths=0, role="宣讲员")], points_rules=RULES)
    assert ledger(store).balance(str(zhang.id)) == 20 + 5
    store.lectures.delete(str(other.id))
    assert ledger(store).balance(str(zhang.id)) == 20
    soap = goods_of(store).add(Goods(name="香皂", price_points=15))
    goods_of(store).restock(str(soap.id), 1)
    redemptions(store).redeem(str(zhang.id), str(soap.id))
    with pytest.raises(PointsShort, match="现有 5 分，需要 20 分"):
        store.lectures.delete(str(lecture.id))
    assert store.lectures.get(str(lecture.id)) is not None


def test_an_activity_roster_earns_too_and_headcounts_earn_nothing(store: Store, zhang: Person) -> None:
    activity = store.activities.add(
        Activity(date=date(2026, 11, 5), start_time=time(14, 0), end_time=time(16, 0), title="清扫村道",
                 platform="文化服务")
    )
    crowd = Attendance(event_kind="activity", event_id=str(activity.id), headcount=30)
    store.attendance.save_roster(added=[_line(activity, zhang, tenths=15), crowd], points_rules=RULES)
    [entry] = ledger(store).entries(str(zhang.id))
    assert (entry.kind, entry.points, entry.activity_id, entry.date) == ("获得", 15, activity.id, date(2026, 11, 5))


# -- add and deduct items ---------------------------------------------------------------------


def test_items_add_and_deduct_and_a_deduction_never_goes_below_zero(store: Store, zhang: Person) -> None:
    points = ledger(store)
    points.add_item(str(zhang.id), "好人好事", RULES, reason="帮邻居修屋顶")
    points.adjust(str(zhang.id), 7, reason="表彰")
    assert points.balance(str(zhang.id)) == 12
    with pytest.raises(PointsShort, match="积分不足：现有 12 分，需要 30 分"):
        points.adjust(str(zhang.id), -30, reason="罚")
    points.add_item(str(zhang.id), "移风易俗", RULES, reason="大操大办")
    assert points.balance(str(zhang.id)) == 7
    with pytest.raises(PointsRefused, match="不在设置的项目列表里"):
        points.add_item(str(zhang.id), "不存在的项目", RULES)
    entries = points.entries(str(zhang.id))
    assert (entries[0].kind, entries[0].points, entries[0].item) == ("扣减", -5, "移风易俗")
    assert entries[0].operator == "tester"


def test_a_mistaken_item_is_voided_once_with_a_reason(store: Store, zhang: Person) -> None:
    points = ledger(store)
    bonus = points.add_item(str(zhang.id), "好人好事", RULES)
    with pytest.raises(PointsRefused, match="原因"):
        points.void(str(bonus.id), " ")
    points.void(str(bonus.id), "记错了人")
    assert points.balance(str(zhang.id)) == 0
    with pytest.raises(PointsRefused, match="已经作废过了"):
        points.void(str(bonus.id), "再来一次")


def test_the_ledgers_refuse_edits_and_deletions_from_any_writer(store: Store, zhang: Person, db_path) -> None:
    entry = ledger(store).add_item(str(zhang.id), "好人好事", RULES)
    soap = goods_of(store).add(Goods(name="香皂", price_points=5))
    goods_of(store).restock(str(soap.id), 2)
    shell = sqlite3.connect(db_path)
    try:
        for sql in (
            "UPDATE points_entries SET points = 500",
            "DELETE FROM points_entries",
            "UPDATE stock_entries SET quantity = 99",
            "DELETE FROM stock_entries",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="只能新增"):
                shell.execute(sql)
        # Past the program's own check, the database still refuses a negative balance.
        with pytest.raises(sqlite3.IntegrityError, match="积分不足"):
            shell.execute(
                "INSERT INTO points_entries (person_id, date, kind, points) VALUES (?, '2026-11-05', '扣减', -6)",
                (str(zhang.id),),
            )
    finally:
        shell.close()
    assert ledger(store).balance(str(zhang.id)) == 5 and str(entry.id)


# -- the 爱心超市 --------------------------------------------------------------------------------


def test_a_redemption_takes_points_and_stock_together_and_gives_a_code(store: Store, zhang: Person) -> None:
    ledger(store).adjust(str(zhang.id), 40)
    oil = goods_of(store).add(Goods(name="食用油", price_points=12, unit="桶"))
    goods_of(store).restock(str(oil.id), 2, reason="乡镇配送")
    taken = redemptions(store).redeem(str(zhang.id), str(oil.id), 2)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", taken.pickup_code)
    assert (taken.state, taken.points) == ("待领取", 24)
    assert ledger(store).balance(str(zhang.id)) == 16
    assert goods_of(store).stock(str(oil.id)) == 0
    with pytest.raises(OutOfStock, match="库存不足：“食用油”现有 0 件，需要 1 件"):
        redemptions(store).redeem(str(zhang.id), str(oil.id))
    goods_of(store).restock(str(oil.id), 5)
    with pytest.raises(PointsShort, match="张三：积分不足：现有 16 分，需要 36 分"):
        redemptions(store).redeem(str(zhang.id), str(oil.id), 3)
    assert goods_of(store).stock(str(oil.id)) == 5  # the refused one took nothing

    # 核销 by the code as read aloud and typed in lower case with a space.
    picked = redemptions(store).pick_up(spoken_code(taken.pickup_code).lower())
    assert picked.state == "已领取" and picked.picked_up_at
    with pytest.raises(PointsRefused, match=r"已于 .* 领取过了"):
        redemptions(store).pick_up(taken.pickup_code)
    with pytest.raises(PointsRefused, match="不能取消"):
        redemptions(store).cancel(str(taken.id))
    with pytest.raises(PointsRefused, match="没有领取码为 XXX XXX 的兑换"):
        redemptions(store).pick_up("xxx-xxx")


def test_a_cancelled_redemption_gives_points_and_stock_back_once(store: Store, zhang: Person) -> None:
    ledger(store).adjust(str(zhang.id), 10)
    towel = goods_of(store).add(Goods(name="毛巾", price_points=10))
    goods_of(store).restock(str(towel.id), 1)
    taken = redemptions(store).redeem(str(zhang.id), str(towel.id))
    cancelled = redemptions(store).cancel(str(taken.id), "不要了")
    assert cancelled.state == "已取消" and cancelled.cancel_reason == "不要了"
    assert ledger(store).balance(str(zhang.id)) == 10
    assert goods_of(store).stock(str(towel.id)) == 1
    assert _kinds(store, zhang) == [("奖励", 10), ("兑换", -10), ("退还", 10)]
    stock = [(e.kind, e.quantity) for e in goods_of(store).stock_entries(str(towel.id))]
    assert sorted(stock) == sorted([("入库", 1), ("兑换", -1), ("退还", 1)])
    with pytest.raises(PointsRefused, match="已经取消过了"):
        redemptions(store).cancel(str(taken.id))
    with pytest.raises(PointsRefused, match="已取消，不能领取"):
        redemptions(store).pick_up(taken.pickup_code)
    assert ledger(store).balance(str(zhang.id)) == 10


def test_stock_written_off_never_below_zero(store: Store) -> None:
    rice = goods_of(store).add(Goods(name="大米", price_points=30, unit="袋"))
    goods_of(store).restock(str(rice.id), 3)
    goods_of(store).restock(str(rice.id), -1, reason="受潮")
    with pytest.raises(OutOfStock, match="现有 2 件，需要 5 件"):
        goods_of(store).restock(str(rice.id), -5)
    assert goods_of(store).stock(str(rice.id)) == 2


def test_the_months_public_list(store: Store, lecture: Lecture, zhang: Person) -> None:
    li = store.people.add(Person(name="李四"))
    store.attendance.save_roster(added=[_line(lecture, zhang, tenths=20)], points_rules=RULES)  # 2026-11-03
    points = ledger(store)
    points.adjust(str(li.id), 8, on=date(2026, 10, 20))  # October: in the balance, not the month
    points.adjust(str(zhang.id), 5, item="好人好事", on=date(2026, 11, 10))
    points.adjust(str(zhang.id), -3, item="乱扔垃圾", on=date(2026, 11, 11))
    cup = goods_of(store).add(Goods(name="水杯", price_points=6))
    goods_of(store).restock(str(cup.id), 4)
    redemptions(store).redeem(str(zhang.id), str(cup.id), on=date(2026, 11, 12))
    back = redemptions(store).redeem(str(zhang.id), str(cup.id), on=date(2026, 11, 12))
    points.adjust(str(zhang.id), 4, on=date(2026, 12, 1))  # December: not in November's list
    lines = points.month_public(2026, 11)
    assert [(ln.name, ln.earned, ln.bonus, ln.deducted, ln.redeemed, ln.balance) for ln in lines] == [
        ("张三", 20, 5, -3, -12, 10),
    ]
    assert lines[0].net == 10
    assert [ln.name for ln in points.month_public(2026, 10)] == ["李四"]
    # Cancelled in December: the points come back in December's list, under 兑换 (net).
    redemptions(store).cancel(str(back.id))
    [december] = [ln for ln in points.month_public(date.today().year, date.today().month) if ln.name == "张三"]
    assert december.redeemed == 6
