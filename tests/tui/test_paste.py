"""A paste into a one-line box keeps all of its text: lines are joined and the user is told;
a paste too long for the box is refused with a notice, never cut or dropped silently."""

from __future__ import annotations

from pathlib import Path

from textual import events

from station_tui.storage import Actor, Store
from station_tui.widgets.new_person import NewPersonForm
from station_tui.widgets.text_input import TextInput
from tests.tui.conftest import new_lecture_form, settle
from tests.tui.roster_app import RosterApp, seed


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def paste(app, text: str) -> None:
    """As the terminal driver delivers a paste (bracketed paste mode)."""
    app._driver.send_message(events.Paste(text))


async def test_a_multi_line_paste_is_joined_into_one_line_and_said(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lecture_form(app, pilot)
        form.query_one("#f-topic").focus()
        paste(app, "学习党的二十届四中全会精神\r\n  宣讲提纲（村民版）\n\n")
        await settle(pilot)
        assert form.query_one("#f-topic", TextInput).value == "学习党的二十届四中全会精神 宣讲提纲（村民版）"
        assert notices(app) == ["粘贴的 2 行已合成一行（用空格隔开），请检查"]

        # One line copied with its line break (as from an Excel cell) goes in as it is, unannounced.
        form.query_one("#f-place").focus()
        paste(app, "文化广场\n")
        await settle(pilot)
        assert form.query_one("#f-place", TextInput).value == "文化广场"
        assert len(notices(app)) == 1

        await pilot.press("ctrl+s")
        await settle(pilot)
    topics = [lecture.topic for lecture in seeded.lectures.page(limit=50)]
    assert "学习党的二十届四中全会精神 宣讲提纲（村民版）" in topics


async def test_a_paste_too_long_for_the_box_is_refused_with_a_notice(tmp_path: Path) -> None:
    store = Store(tmp_path / "station.db", actor=Actor(user="tester", program="pytest"))
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, NewPersonForm)
        await pilot.press("孙", "七")
        paste(app, "新时代文明实践站志愿服务队第一小组的队员名单")  # 22 characters; a name takes 20
        await settle(pilot)
        assert app.screen.query_one("#name", TextInput).value == "孙七"
        assert notices(app) == ["没有粘贴：粘贴的内容有 22 个字，这一栏最多 20 个字"]
    store.close()
