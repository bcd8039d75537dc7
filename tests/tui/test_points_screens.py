"""积分 and 爱心超市 as a user drives them from the 更多 menu at 80×24, keyboard only: a person's
points with an add item and a refused deduction, the month's 公示 exported as .xlsx, goods
restocked, a redemption whose code is shown and then picked up, and a cancellation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Static

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.domain.models import Goods
from station_tui.domain.points import PointsItem, PointsRules, spoken_code
from station_tui.storage import Store
from tests.conftest import TODAY
from tests.tui.conftest import current_screen, open_roster, settle, table_rows, text_of, type_text, until

RULES = PointsRules(items=[PointsItem(name="好人好事", points=5), PointsItem(name="大操大办", points=-30)])


@pytest.fixture
def app_with_points(seeded: Store) -> StationApp:
    zhang = seeded.people.search("张三", limit=1)[0]
    seeded.repository("points_entries").adjust(str(zhang.id), 12, reason="表彰", on=date(2026, 11, 5))  # type: ignore[attr-defined]
    return StationApp(seeded, settings=Settings(points=RULES), language="zh_CN", today=TODAY)


async def _open(pilot, letter: str) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    await pilot.press(letter)
    await settle(pilot)


async def test_a_persons_points_an_item_added_and_a_deduction_refused(app_with_points: StationApp) -> None:
    app = app_with_points
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "j")
        rows = table_rows(app.screen.query_one(DataTable))
        assert [r[:2] for r in rows] == [
            ["曾小红", "0"], ["李四", "0"], ["王秀英", "0"], ["张三", "12"], ["赵红梅", "0"]
        ]  # by pinyin, as the 人员 list
        await pilot.press("slash", *"zs")  # by initials, as the 人员 list
        await until(pilot, lambda: len(table_rows(current_screen(app).query_one(DataTable))) == 1)
        await pilot.press("enter")  # from the box to the list
        await pilot.press("enter")
        await settle(pilot)
        assert "张三　积分余额 12 分" in text_of(app.screen.query_one("#points-head", Static))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "帮邻居修屋顶")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "积分余额 17 分" in text_of(current_screen(app).query_one("#points-head")))
        first = table_rows(app.screen.query_one(DataTable))[0]
        assert first[1:4] == ["奖励", "+5", "好人好事　帮邻居修屋顶"]

        # 大操大办 −30 with 17 points: refused in the dialog, with the balance; nothing written.
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # the list box: its second item
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "积分不足" in text_of(current_screen(app).query_one("#dialog-error")))
        assert text_of(app.screen.query_one("#dialog-error")) == "张三：积分不足：现有 17 分，需要 30 分"
        await pilot.press("escape")
        await settle(pilot)
        zhang = app.store.people.search("张三", limit=1)[0]
        assert app.store.repository("points_entries").balance(str(zhang.id)) == 17  # type: ignore[attr-defined]


async def test_the_months_public_list_is_exported_as_xlsx(
    app_with_points: StationApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_EXPORT_DIR", str(tmp_path / "exports"))
    app = app_with_points
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "j")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("f")  # the month box, then November
        await pilot.press(*(["backspace"] * 7))
        await type_text(pilot, "2026-11")
        await pilot.press("enter")
        await until(pilot, lambda: table_rows(current_screen(app).query_one(DataTable)) == [
            ["张三", "0", "12", "0", "0", "12", "12"]])
        await pilot.press("x")
        path = tmp_path / "exports" / "积分公示-2026-11.xlsx"
        await until(pilot, path.exists)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == "甄家庄社区新时代文明实践站2026年11月积分公示"
    assert [c.value for c in sheet[3]] == [1, "张三", 0, 12, 0, 0, 12, 12]


async def test_goods_restocked_redeemed_picked_up_and_cancelled(app_with_points: StationApp) -> None:
    app = app_with_points
    store = app.store
    soap = store.repository("goods").add(Goods(name="香皂", price_points=3, unit="块"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "s")
        assert table_rows(app.screen.query_one(DataTable)) == [["香皂", "3", "块", "0", ""]]
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "10")
        await pilot.press("tab")
        await type_text(pilot, "乡镇配送")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: table_rows(current_screen(app).query_one(DataTable))[0][3] == "10")

        # 兑换: pick 张三 by initials, two bars of soap, the code is shown.
        await pilot.press("b")
        await settle(pilot)
        await type_text(pilot, "zs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab")  # from the goods list box to the quantity
        await pilot.press("backspace")
        await type_text(pilot, "2")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: current_screen(app).query("#notice-text"))
        shown = text_of(app.screen.query_one("#notice-text"))
        [taken] = store.repository("redemptions").search_page(None)
        assert f"领取码：{spoken_code(taken.pickup_code)}" in shown and "扣除 6 分" in shown
        assert (taken.quantity, taken.state) == (2, "待领取")
        await pilot.press("enter")
        await until(pilot, lambda: table_rows(current_screen(app).query_one(DataTable))[0][3] == "8")

        # 核销 by the code as read out, in lower case; a second time is refused.
        for _ in range(2):
            await pilot.press("k")
            await settle(pilot)
            await type_text(pilot, spoken_code(taken.pickup_code).lower())
            await pilot.press("enter")
            await settle(pilot)
        assert "领取过了" in text_of(app.screen.query_one("#dialog-error"))
        await pilot.press("escape")
        await settle(pilot)
        assert store.repository("redemptions").require(str(taken.id)).state == "已领取"

        # A second redemption, cancelled from the redemptions list: points and stock come back.
        again = store.repository("redemptions").redeem(str(taken.person_id), str(soap.id))  # type: ignore[attr-defined]
        await pilot.press("o")
        await settle(pilot)
        rows = table_rows(app.screen.query_one(DataTable))
        assert [r[1] for r in rows] == [spoken_code(again.pickup_code), spoken_code(taken.pickup_code)]
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "不要了")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: table_rows(current_screen(app).query_one(DataTable))[0][6] == "已取消")
        assert store.repository("goods").stock(str(soap.id)) == 8  # type: ignore[attr-defined]
        assert store.repository("points_entries").balance(str(taken.person_id)) == 6  # type: ignore[attr-defined]


async def test_a_roster_saved_in_the_app_earns_points_by_the_stations_rules(seeded: Store) -> None:
    from station_tui.screens.attendance import RosterTable

    rules = PointsRules(per_hour=10, organizer_bonus=3)
    app = StationApp(seeded, settings=Settings(points=rules), language="zh_CN", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(app, pilot)
        await pilot.press(*"wxy")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "r", "r")  # 群众 → 志愿者 → 宣讲员: 1.5 h, and the bonus
        assert table_rows(screen.query_one(RosterTable))[0][4] == "宣讲员"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "已保存" in text_of(screen.query_one("#status")))
    wang = seeded.people.search("王秀英", limit=1)[0]
    [entry] = seeded.points_entries.entries(str(wang.id))
    assert (entry.kind, entry.points, entry.reason) == ("获得", 15 + 3, "志愿服务")


async def test_another_sessions_points_show_up_on_the_persons_page(app_with_points: StationApp, db_path: Path) -> None:
    app = app_with_points
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "j")
        await pilot.press("slash", *"zs")
        await until(pilot, lambda: len(table_rows(current_screen(app).query_one(DataTable))) == 1)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "积分余额 12 分" in text_of(app.screen.query_one("#points-head", Static))
        with Store(db_path) as township:  # the township cadre, over SSH, in another session
            zhang = township.people.search("张三", limit=1)[0]
            township.points_entries.add_item(str(zhang.id), "好人好事", RULES, reason="township")
        await until(pilot, lambda: "积分余额 17 分" in text_of(current_screen(app).query_one("#points-head")), 5)
