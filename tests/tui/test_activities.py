"""Activities: create with a platform and people served, edit, delete — keyboard only."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from station_tui.screens.activities import ActivityListScreen
from station_tui.screens.activity_form import ActivityForm
from tests.tui.conftest import settle, table_rows, text_of, type_text


async def test_create_edit_delete_activity(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = text_of(app.screen.query_one("#dash-platforms", Static))
        assert "教育服务           0 / 1" in before or "0 / 1" in before

        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ActivityListScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        await pilot.press("tab")
        await type_text(pilot, "08:00")
        await pilot.press("tab")
        await type_text(pilot, "11:00")
        await pilot.press("tab")
        await type_text(pilot, "暑期书法班")
        await pilot.press("tab")  # platform: open the list and pick 教育服务 (second)
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("tab", "tab")  # 阵地 left empty: a one-off place in 地点
        await type_text(pilot, "村小学")
        await pilot.press("tab")  # organizing team: the second of the station's teams
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("tab")
        await type_text(pilot, "35")
        await pilot.press("tab")
        await type_text(pilot, "2")
        await pilot.press("tab")
        await type_text(pilot, "5.5")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, ActivityListScreen)
        rows = table_rows(app.screen.query_one(DataTable))
        assert rows[0] == ["2026-11-22", "暑期书法班", "教育服务", "35", "5.5"]

        # Edit: Enter opens the selected row; change the people served.
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        served = form.query_one("#f-served", Input)
        served.focus()
        served.value = ""
        await type_text(pilot, "42")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table_rows(app.screen.query_one(DataTable))[0][3] == "42"

        await pilot.press("1")
        await settle(pilot)
        after = text_of(app.screen.query_one("#dash-platforms", Static))
        assert "1 / 1" in after.splitlines()[1]

        await pilot.press("3")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "暑期书法班" not in [r[1] for r in table_rows(app.screen.query_one(DataTable))]

    deleted = seeded.query_one(
        "SELECT a.served, a.volunteer_tenths, a.deleted, t.name FROM activities a JOIN teams t ON t.id = a.team_id"
        " WHERE a.title = '暑期书法班'"
    )
    assert tuple(deleted) == (42, 55, 1, "百姓宣讲队")  # teams are listed by name: 文艺… then 百姓…


async def test_hours_beyond_the_activity_are_refused(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "c")
        await settle(pilot)
        form = app.screen
        typed = {"start_time": "08:00", "end_time": "09:00", "title": "义诊", "volunteer_count": "1"}
        for name, value in typed.items():
            form.query_one(f"#f-{name}").value = value
        form.query_one("#f-platform").value = "文化服务"
        form.query_one("#f-volunteer_tenths").value = "2"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        # The rule is a field check now, so the message stands under the hours field itself.
        assert "超过了活动本身的时长" in text_of(form.query_one("#e-volunteer_tenths"))
        form.query_one("#f-volunteer_tenths").value = "abc"
        await pilot.pause()
        assert "不是时长" in text_of(form.query_one("#e-volunteer_tenths"))
    assert seeded.activities.count() == 6
