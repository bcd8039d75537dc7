"""ChoiceBox: a list box whose value may arrive before its label is drawn (a busy PC)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Static
from textual.widgets._select import SelectCurrent

from station_tui.widgets.choice_box import ChoiceBox, _PatientCurrent
from tests.tui.conftest import settle, text_of

FORMS = [("集中宣讲", "集中宣讲"), ("大喇叭广播", "大喇叭广播")]


def test_textuals_own_current_value_widget_cannot_take_a_value_before_its_label() -> None:
    # What stopped the app when a form opened under keys typed ahead: if Textual ever makes this
    # safe, widgets/choice_box.py can go.
    with pytest.raises(NoMatches):
        SelectCurrent("请选择").update("集中宣讲")


async def test_a_value_that_comes_before_the_label_is_shown_once_the_label_exists() -> None:
    early = _PatientCurrent("请选择")
    early.update("大喇叭广播")  # before it is composed: kept, no error

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield early

    app = Host()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert text_of(early.query_one("#label", Static)) == "大喇叭广播"
        assert early.has_value


async def test_a_choice_box_shows_its_value_and_changes_it() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ChoiceBox(FORMS, value="大喇叭广播", allow_blank=True, id="form")

    app = Host()
    async with app.run_test() as pilot:
        await settle(pilot)
        box = app.query_one(ChoiceBox)
        current = box.query_one(SelectCurrent)
        assert text_of(current.query_one("#label", Static)) == "大喇叭广播"
        box.value = "集中宣讲"
        await settle(pilot)
        assert text_of(current.query_one("#label", Static)) == "集中宣讲"
