"""People: register a volunteer from the roster; phones are masked; hours are summed."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from station_tui.screens.people import PeopleScreen
from station_tui.screens.person_form import PersonForm
from tests.tui.conftest import new_form, settle, table_rows, text_of, type_text


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
        form = await new_form(app, pilot, "4")
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
        form = await new_form(app, pilot, "4")
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
        form = await new_form(app, pilot, "4")
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


def people_named(store, name: str) -> list:
    return [p for p in store.people.search(name, limit=10) if p.name == name]


async def test_a_likely_twin_is_asked_about_before_it_is_saved(seeded, make_app) -> None:
    from station_tui.modals.confirm import ConfirmModal

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_form(app, pilot, "4")
        await type_text(pilot, "张三")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "13812345678")  # 张三's phone: most likely the same man
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert text_of(app.screen.query_one("#confirm-question")) == (
            "人员库里已有 张三（男，1968年生，138****5678），姓名和手机号都相同，很可能是同一个人。\n"
            "确实是另一个人，仍要保存吗？"
        )
        await pilot.press("n")  # no: back to the form, nothing stored, nothing typed lost
        await settle(pilot)
        assert app.screen is form
        typed = (form.query_one("#f-name", Input).value, form.query_one("#f-phone", Input).value)
        assert typed == ("张三", "13812345678")
        assert len(people_named(seeded, "张三")) == 1

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")  # yes, a namesake sharing the family phone: stored
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert len(people_named(seeded, "张三")) == 2

        # Without a phone, the same name and birth year is the likely twin.
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "曾小红")
        await pilot.press("tab", "tab")
        await type_text(pilot, "1990")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "人员库里已有 曾小红（女，1990年生），姓名和出生年份都相同，也都没有手机号" in text_of(
            app.screen.query_one("#confirm-question")
        )
        await pilot.press("escape", "escape", "y")  # leave the question, then the form
        await settle(pilot)
        assert len(people_named(seeded, "曾小红")) == 1


async def test_editing_a_person_does_not_ask_about_their_own_record(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "f")
        await type_text(pilot, "zs")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("tab", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm) and form.query_one("#f-name", Input).value == "张三"
        form.query_one("#f-note", Input).value = "村民小组长"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
    assert people_named(seeded, "张三")[0].note == "村民小组长"


async def test_the_volunteer_number_column_shows_the_number_or_nothing(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        rows = {r[0]: r[4:6] for r in table_rows(app.screen.query_one(DataTable))}
    assert rows["张三"] == ["V0001", "0.0"]  # a volunteer with a national number
    assert rows["赵红梅"] == ["", "0.0"]  # a volunteer without one: no number, not "是"
    assert rows["李四"] == ["", ""]  # not a volunteer
