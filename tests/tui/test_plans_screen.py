"""活动计划 in the real app, keyboard only at 80×24: the year against the minimums, a month's
items with what carried them out, proposals accepted, matches chosen and refused, new plans
and items ahead of today, the dashboard's line, and another session's save."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static

from station_tui.domain.models import Plan, PlanItem
from station_tui.screens.plan_form import PlanForm, PlanItemForm
from station_tui.screens.plans import EventChooser, PlanMonthScreen, PlanYearScreen
from station_tui.storage import Actor, Store
from tests.tui.conftest import current_screen, settle, table_rows, text_of, type_text, until


def november(store: Store) -> dict[str, str]:
    """November's plan over the seeded station (lectures on 11-20, 17, 14, 11, 8; 广场舞晚会
    on 11-18, 科普讲座 on 11-16, 义务理发 on 11-14)."""
    plan = store.plans.add(Plan(month="2026-11", theme="消防安全宣传月"))
    haircut = store.query_value("SELECT id FROM activities WHERE title = '义务理发'")
    ids = {"plan": str(plan.id)}
    ids["haircut"] = str(
        store.plan_items.add(
            PlanItem(
                plan_id=plan.id, date=date(2026, 11, 14), title="义务理发", platform="文化服务", activity_id=haircut
            )
        ).id
    )
    ids["dance"] = str(
        store.plan_items.add(PlanItem(plan_id=plan.id, week=3, title="广场舞", platform="健身体育服务")).id
    )
    ids["talk"] = str(
        store.plan_items.add(
            PlanItem(plan_id=plan.id, date=date(2026, 11, 19), title="学习全会精神", platform="理论宣讲")
        ).id
    )
    return ids


async def open_plans(app, pilot) -> PlanYearScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PlanYearScreen)
    return screen


async def test_the_year_against_the_minimums_and_a_months_items(seeded, make_app) -> None:
    ids = november(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_plans(app, pilot)
        assert "2026 年活动计划：计划 3 项，已完成 1 项" in text_of(screen.query_one("#plans-title", Static))
        rows = table_rows(screen.query_one(DataTable))
        assert len(rows) == 12
        # 5 lectures (minimum 4) and one activity of each of three platforms; 教育服务 none.
        assert rows[10] == ["11月", "消防安全宣传月", "3", "1", "5/4", "0/1", "1/1", "1/1", "1/1"]
        assert rows[0][:4] == ["1月", "（未制定计划）", "", ""]
        assert screen.query_one(DataTable).cursor_row == 10  # this month first

        await pilot.press("enter")
        await settle(pilot)
        month = current_screen(app)
        assert isinstance(month, PlanMonthScreen)
        assert "2026年11月 · 消防安全宣传月 · 计划 3 项，已完成 1 项" in text_of(month.query_one("#plan-month-title"))
        rows = table_rows(month.query_one(DataTable))
        assert rows == [
            ["11-14", "义务理发", "文化", "✓ 11-14 义务理发"],
            ["第3周", "广场舞", "健身", "建议：11-18 广场舞晚会（a 采纳）"],
            ["11-19", "学习全会精神", "宣讲", "建议：11-20 学习党的二十届四中全会精神（第1期）（a 采纳）"],
        ]

        # a: the proposal for 广场舞 is taken and stored on the item.
        await pilot.press("down", "a")
        await settle(pilot)
        dance = seeded.plan_items.require(ids["dance"])
        assert dance.activity_id == seeded.query_value("SELECT id FROM activities WHERE title = '广场舞晚会'")
        await until(pilot, lambda: table_rows(month.query_one(DataTable))[1][3] == "✓ 11-18 广场舞晚会")

        # m: chosen from the month's list, the proposal first under the cursor.
        await pilot.press("down", "m")
        await settle(pilot)
        chooser = current_screen(app)
        assert isinstance(chooser, EventChooser)
        chosen_row = table_rows(chooser.query_one(DataTable))[chooser.query_one(DataTable).cursor_row]
        assert chosen_row[2] == "学习党的二十届四中全会精神（第1期）" and chosen_row[3] == "建议"
        await pilot.press("up")  # 11-18 广场舞晚会, already carrying 广场舞
        await pilot.press("enter")
        await settle(pilot)
        assert current_screen(app) is month
        assert seeded.plan_items.require(ids["talk"]).matched is None  # refused, nothing stored
        told = [n.message for n in app._notifications]
        assert "这场活动已经对应了本月计划中的“广场舞”，一场活动只能完成一项计划" in told
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        talk = seeded.plan_items.require(ids["talk"])
        assert talk.lecture_id == seeded.query_value("SELECT id FROM lectures WHERE date = '2026-11-20'")
        await until(pilot, lambda: "已完成 3 项" in text_of(month.query_one("#plan-month-title")))

        # u undoes a match; Esc goes back to the year, which counts again.
        await pilot.press("u")
        await settle(pilot)
        assert seeded.plan_items.require(ids["talk"]).matched is None
        await pilot.press("escape")
        await settle(pilot)
        year = current_screen(app)
        assert isinstance(year, PlanYearScreen)
        await until(pilot, lambda: table_rows(year.query_one(DataTable))[10][3] == "2")


async def test_a_plan_and_an_item_ahead_of_today(seeded, make_app) -> None:
    app = make_app()  # today is 2026-11-22
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plans(app, pilot)
        await pilot.press("down", "t")
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, PlanForm)
        await pilot.press("tab")
        await type_text(pilot, "宪法宣传月")
        await pilot.press("ctrl+s")
        await settle(pilot)
        plan = seeded.plans.by_month("2026-12")
        assert plan is not None and plan.theme == "宪法宣传月"

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(current_screen(app), PlanMonthScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(current_screen(app), PlanItemForm)
        await type_text(pilot, "2026-12-04")
        await pilot.press("tab", "tab")
        await type_text(pilot, "国家宪法日宣讲")
        await pilot.press("tab", "enter", "down", "enter")  # 平台: 理论宣讲 (the first)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(current_screen(app), PlanMonthScreen)
        (item,) = seeded.plan_items.items_of(str(plan.id))
        assert (item.date, item.title, item.platform) == (date(2026, 12, 4), "国家宪法日宣讲", "理论宣讲")
        rows = table_rows(current_screen(app).query_one(DataTable))
        assert rows == [["12-04", "国家宪法日宣讲", "宣讲", "未完成"]]

        # A day of another month is refused in the form, in plain words; nothing is stored.
        await pilot.press("e")
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, PlanItemForm)
        box = form.query_one("#f-date")
        box.value = "2027-01-04"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "不在计划的月份 2026-12 里" in text_of(form.query_one("#e-date"))
        await pilot.press("escape")
        await settle(pilot)


async def test_the_dashboard_shows_the_months_plan(seeded, make_app) -> None:
    november(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "主题：消防安全宣传月" in text_of(app.screen.query_one("#dash-title"))
        assert app.screen.query_one("#dash-figures").border_subtitle == "计划 3 项，已完成 1 项"


async def test_another_sessions_plan_shows_within_two_seconds(seeded, make_app, db_path) -> None:
    november(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plans(app, pilot)
        with Store(db_path, actor=Actor(user="township", program="ssh")) as other:
            plan = other.plans.by_month("2026-11")
            assert plan is not None
            other.plan_items.add(PlanItem(plan_id=plan.id, week=4, title="消防演练", platform="教育服务"))
            other.plans.add(Plan(month="2026-10", theme="爱国主义教育月"))
        await until(pilot, lambda: table_rows(screen.query_one(DataTable))[10][2] == "4", timeout=2.5)
        assert table_rows(screen.query_one(DataTable))[9][1] == "爱国主义教育月"


async def test_deleting_a_months_plan_asks_first_and_takes_its_items(seeded, make_app) -> None:
    ids = november(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plans(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "删除2026年11月的计划（消防安全宣传月）和其中的 3 个项目？" in text_of(
            app.screen.query_one("#confirm-question")
        )
        await pilot.press("n")
        await settle(pilot)
        assert seeded.plans.by_month("2026-11") is not None
        await pilot.press("d", "y")
        await settle(pilot)
        assert seeded.plans.by_month("2026-11") is None
        assert all(seeded.plan_items.get(i) is None for k, i in ids.items() if k != "plan")
        await until(pilot, lambda: table_rows(screen.query_one(DataTable))[10][1] == "（未制定计划）")


async def test_an_item_whose_event_was_deleted_is_not_done_and_gets_a_proposal(seeded, make_app) -> None:
    ids = november(seeded)
    seeded.activities.delete(seeded.query_value("SELECT id FROM activities WHERE title = '义务理发'"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plans(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        month = current_screen(app)
        rows = table_rows(month.query_one(DataTable))
        assert rows[0] == ["11-14", "义务理发", "文化", "未完成"]  # no other 文化服务 activity in November
        assert "已完成 0 项" in text_of(month.query_one("#plan-month-title"))
        # The item can still be edited: its old match is kept, not checked again.
        await pilot.press("e")
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, PlanItemForm)
        form.query_one("#f-note").value = "改期"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert seeded.plan_items.require(ids["haircut"]).note == "改期"


async def test_the_countys_themes_and_minimums_stand_where_the_station_has_none(seeded, make_app) -> None:
    """What the county published (received by ``station sync``) fills a month without a theme
    of its own, marked as the county's, and its minimums are the ones the months are held to."""
    import json

    november(seeded)
    with seeded.write() as conn:
        for seq, (item_id, kind, body) in enumerate((
            ("theme:2026-03", "theme", {"month": "2026-03", "theme": "学雷锋志愿服务月"}),
            ("theme:2026-11", "theme", {"month": "2026-11", "theme": "县里的十一月主题"}),
            ("minimums", "minimums", {"minimums": {"理论宣讲": 6, "教育服务": 1, "文化服务": 1, "科技与科普服务": 1,
                                                    "健身体育服务": 1}}),
        ), start=1):
            conn.execute(
                "INSERT INTO county_items (id, kind, township, station, body, seq, feed_id, published_at, received_at)"
                " VALUES (?, ?, NULL, NULL, ?, ?, 'feed', '2026-11-01T00:00:00Z', '2026-11-01T08:00:00')",
                (item_id, kind, json.dumps(body, ensure_ascii=False), seq),
            )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plans(app, pilot)
        rows = table_rows(screen.query_one(DataTable))
        assert rows[2][:2] == ["3月", "县：学雷锋志愿服务月"]  # no plan of its own in March
        assert rows[10][1] == "消防安全宣传月"  # the station's own theme stands
        assert rows[10][4] == "5/6"  # held to the county's 理论宣讲 ≥ 6
