"""The key footer follows the keys that work, and is not rebuilt when they stay the same."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.text_input import TextInput
from tests.tui.conftest import settle


def shown(footer: KeyFooter) -> list[tuple[str, str]]:
    return [(key.key_display, key.description) for key in footer.query(FooterKey)]


async def test_footer_shows_a_key_when_it_starts_to_work(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        # The table has the focus: Enter is the table's own key, not the screen's 打开.
        assert isinstance(app.focused, DataTable)
        assert ("a", "签到") in shown(footer) and ("⏎", "打开") not in shown(footer)

        app.screen.set_focus(None)
        await settle(pilot)
        assert ("⏎", "打开") in shown(footer)

        app.screen.set_focus(app.screen.query_one(DataTable))
        await settle(pilot)
        assert ("⏎", "打开") not in shown(footer)


class TwoBoxes(App):
    BINDINGS = [Binding("ctrl+s", "save", "保存"), Binding("escape", "quit", "放弃")]

    def compose(self) -> ComposeResult:
        yield TextInput(id="name")
        yield TextInput(id="phone")
        yield KeyFooter()


async def test_footer_is_not_rebuilt_when_focus_moves_between_boxes_with_the_same_keys() -> None:
    app = TwoBoxes()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        before = list(footer.query(FooterKey))
        assert shown(footer)[:2] == [("^s", "保存"), ("esc", "放弃")]

        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#phone")
        await pilot.press("shift+tab")
        await pilot.pause()

        assert list(footer.query(FooterKey)) == before  # the very same key widgets


async def test_a_form_shows_its_own_keys_not_those_of_the_list_below(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c")
        await settle(pilot)
        assert type(app.screen).__name__ == "LectureForm"
        assert shown(app.screen.query_one(KeyFooter)) == [("^s", "保存"), ("esc", "取消")]

        # A list box's open list offers Esc in our words, not Textual's "Dismiss menu".
        app.screen.query_one("#f-form").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert shown(app.screen.query_one(KeyFooter))[0] == ("esc", "收起")


async def test_first_run_setup_does_not_offer_esc(store, make_app) -> None:
    app = make_app()  # an empty database: the setup form opens and cannot be left
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "SetupScreen"
        assert shown(app.screen.query_one(KeyFooter)) == [("^s", "保存")]
