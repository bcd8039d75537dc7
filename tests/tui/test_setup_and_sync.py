"""First run on an empty database; other sessions' commits; two sessions editing one record."""

from __future__ import annotations

import asyncio
from datetime import date

from textual.widgets import DataTable, Input

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.domain import Lecture
from station_tui.modals.conflict import ConflictModal
from station_tui.screens.dashboard import DashboardScreen
from station_tui.screens.lecture_form import LectureForm
from station_tui.screens.setup import SetupScreen
from station_tui.storage import Actor, Store
from tests.conftest import TODAY
from tests.tui.conftest import settle, table_rows, text_of, type_text


async def test_first_run_walks_through_station_setup(store) -> None:
    app = StationApp(store, settings=Settings(), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape")  # cannot be skipped
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "14031110120")  # one digit short
        await pilot.press("tab")
        assert "12 位数字" in text_of(app.screen.query_one("#e-code"))
        await pilot.press("shift+tab", "end")
        await type_text(pilot, "1")
        await pilot.press("tab")
        await type_text(pilot, "甄家庄社区新时代文明实践站")
        await pilot.press("tab")
        await type_text(pilot, "府西街道")
        await pilot.press("tab")
        await type_text(pilot, "杏花岭区")
        await pilot.press("tab")
        await type_text(pilot, "王秀英")
        await pilot.press("enter")  # Enter on the last box saves
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.sub_title == "甄家庄社区新时代文明实践站"
    station = store.station.current()
    assert (station.code, station.county, station.manager) == ("140311101201", "杏花岭区", "王秀英")


async def wait_for(pilot, condition, seconds: float = 2.0) -> float:
    """Poll the screen like a user would look at it; returns how long it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        await pilot.pause(0.05)
        if condition():
            return loop.time() - start
    raise AssertionError(f"not seen within {seconds} s")


async def test_commit_from_another_session_shows_in_open_list(seeded, db_path, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        other = Store(db_path, actor=Actor(user="township", ssh_client="10.0.0.9"))
        try:
            other.lectures.add(Lecture(date=date(2026, 11, 21), topic="乡镇补录的宣讲", audience=12))
        finally:
            other.close()
        await wait_for(pilot, lambda: any("乡镇补录的宣讲" in r for r in table_rows(table)))
        await pilot.press("1")
        await settle(pilot)
        assert "宣讲 6 场" in text_of(app.screen.query_one("#dash-figures"))


async def _edit_against_another_session(pilot, app, db_path) -> tuple[LectureForm, ConflictModal]:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, LectureForm)
    lecture_id = form.record.id
    # The township changes the topic over SSH while the form is open here.
    other = Store(db_path, actor=Actor(user="township"))
    try:
        theirs = other.lectures.require(lecture_id)
        other.lectures.update(theirs.model_copy(update={"topic": "乡镇改过的主题"}))
    finally:
        other.close()
    audience = form.query_one("#f-audience", Input)
    audience.focus()
    audience.value = ""
    await type_text(pilot, "88")
    await pilot.press("ctrl+s")
    await settle(pilot)
    modal = app.screen
    assert isinstance(modal, ConflictModal)
    rows = table_rows(modal.query_one(DataTable))
    assert ["宣讲主题", "乡镇改过的主题", form.record.topic] in rows
    assert ["受众人数", str(theirs.audience), "88"] in rows
    return form, modal


async def test_concurrent_edit_keep_mine(seeded, db_path, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await _edit_against_another_session(pilot, app, db_path)
        lecture_id = form.record.id
        await pilot.press("m")
        await settle(pilot)
        assert not isinstance(app.screen, (ConflictModal, LectureForm))
    saved = seeded.lectures.require(lecture_id)
    assert saved.audience == 88 and saved.topic != "乡镇改过的主题" and saved.row_version == 3


async def test_concurrent_edit_use_theirs_or_cancel(seeded, db_path, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await _edit_against_another_session(pilot, app, db_path)
        lecture_id = form.record.id
        await pilot.press("escape")  # cancel: back in the form, with what was typed
        await settle(pilot)
        assert app.screen is form and form.query_one("#f-audience").value == "88"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("t")  # use theirs: the form now shows their version
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-topic", Input).value == "乡镇改过的主题"
        assert form.query_one("#f-audience", Input).value != "88"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    saved = seeded.lectures.require(lecture_id)
    assert saved.topic == "乡镇改过的主题" and saved.audience != 88
