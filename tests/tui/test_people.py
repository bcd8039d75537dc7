"""People: register a volunteer from the roster; phones are masked; hours are summed."""

from __future__ import annotations

from textual.widgets import DataTable

from station_tui.screens.people import PeopleScreen
from station_tui.screens.person_form import PersonForm
from tests.tui.conftest import settle, table_rows, text_of, type_text


async def test_create_volunteer_in_people_screen(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        rows = table_rows(app.screen.query_one(DataTable))
        assert rows[[r[0] for r in rows].index("张三")][:4] == ["张三", "男", "1968", "138****5678"]

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PersonForm)
        await type_text(pilot, "孙丽")
        await pilot.press("tab", "enter", "down", "down", "enter")  # gender: 女
        await pilot.press("tab")
        await type_text(pilot, "1979")
        await pilot.press("tab")
        await type_text(pilot, "13600002222")
        await pilot.press("tab", "enter", "down", "enter")  # volunteer: 是
        await pilot.press("tab")
        await type_text(pilot, "V0099")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("f")
        await type_text(pilot, "sl")
        await pilot.pause(0.3)
        await settle(pilot)
        rows = table_rows(app.screen.query_one(DataTable))
        assert rows[0][:6] == ["孙丽", "女", "1979", "136****2222", "V0099", "0.0"]
        assert "共 1 条" in text_of(app.screen.query_one("#list-status"))
    person = seeded.people.search("孙丽")[0]
    assert person.is_volunteer and person.phone == "13600002222"


async def test_wrong_phone_is_explained(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "c")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "周强")
        form.query_one("#f-phone").value = "12345"
        await pilot.pause()
        assert "应为 11 位手机号" in text_of(form.query_one("#e-phone"))
        # Esc with something typed asks before throwing it away; "n" keeps the form.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.query_one("#f-name").value == "周强"


async def test_ctrl_q_with_unsaved_form_asks_before_quitting(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "c")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "周强")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert "没有保存" in text_of(app.screen.query_one("#confirm-question"))
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and app.is_running
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")  # nothing unsaved any more: quits at once
        await settle(pilot)
        assert not app.is_running
    assert seeded.people.search("周强")[0].name == "周强"


async def test_a_failed_save_keeps_the_form_and_says_why(seeded, db_path, make_app) -> None:
    """Another program holds the write lock longer than the busy timeout allows."""
    import sqlite3

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "c")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "钱多多")
        seeded.conn.execute("PRAGMA busy_timeout = 100")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(0.5)
            await settle(pilot)
            assert app.screen is form and form.query_one("#f-name").value == "钱多多"
            assert any("保存失败" in n.message for n in app._notifications)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await pilot.press("ctrl+s")  # the lock is gone: the same form saves
        await settle(pilot)
        assert app.screen is not form
    assert seeded.people.search("钱多多")[0].name == "钱多多"
