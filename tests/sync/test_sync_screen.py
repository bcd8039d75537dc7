"""The 同步 screen, driven with Textual's Pilot against a real county server."""

from __future__ import annotations

import asyncio
import re

import pytest
from textual.app import App
from textual.widgets import Button, Static

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.screens.sync import SyncScreen
from tests.conftest import TODAY
from tests.county_server import County
from tests.sync.support import StationPC, add_records
from tests.tui.conftest import until


def _app(pc: StationPC) -> StationApp:
    """The station app itself, on the station PC's database (closed by the test's end)."""
    store = pc.store()
    return StationApp(store, settings=Settings(), today=TODAY)


async def _open_sync(app: StationApp, pilot) -> None:
    await pilot.pause()
    await pilot.press("5")  # 同步 (also F6, or 同步到县中心 in Ctrl+P)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not isinstance(app.screen, SyncScreen) and loop.time() < deadline:
        await asyncio.sleep(0.05)
    assert isinstance(app.screen, SyncScreen)


def _text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _wait_for(app: App, selector: str, needle: str, timeout: float = 90) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        text = _text(app, selector)
        if needle in text:
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"{selector} never showed {needle!r}; it shows {_text(app, selector)!r}")


async def test_sync_now_uploads_everything_and_shows_it(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 60)
    pending = station_pc.pending()
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        await _wait_for(app, "#sync-pending", f"待上传的修改：{pending} 条")
        assert "从未同步" in _text(app, "#sync-last")
        assert county.base in _text(app, "#sync-server")
        await pilot.click("#sync-now")
        await _wait_for(app, "#sync-pending", "待上传的修改：0 条")
        await _wait_for(app, "#sync-status", f"已上传 {pending} 条修改")
        # The last success is written once the run ends: a reload during the run may show the
        # outbox empty a moment before it.
        last = await _wait_for(app, "#sync-last", "上次成功同步：2")
        assert re.fullmatch(r"上次成功同步：\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", last.strip())
        # The button comes back with the screen's reload after the run, a moment after the status.
        await until(pilot, lambda: not app.screen.query_one("#sync-now", Button).disabled)
        await pilot.press("1")  # the dashboard agrees
        await _wait_for(app, "#dash-title", "全部已上传")
    app.store.close()
    assert station_pc.pending() == 0
    assert county.records(station_pc.code) == station_pc.expected_records()


async def test_offline_is_said_in_plain_words(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 3)
    pending = station_pc.pending()
    # The county's address changes to one where nothing listens.
    token = station_pc.config / "county.json"
    token.write_text(token.read_text().replace(county.base, "http://127.0.0.1:9"))
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        await _wait_for(app, "#sync-pending", f"待上传的修改：{pending} 条")
        await pilot.press("s")
        await _wait_for(app, "#sync-status", "连不上县中心")
        assert f"待上传的修改：{pending} 条" in _text(app, "#sync-pending")
        await pilot.press("r")  # read again: the failure on show is not repeated below the last sync
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _text(app, "#sync-error").strip() == ""
    app.store.close()
    assert station_pc.pending() == pending
    # Next time the screen opens, the failure is the last problem, with when it happened.
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        shown = await _wait_for(app, "#sync-error", "连不上县中心")
        assert re.match(r"上次遇到的问题（\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}）：\n连不上县中心", shown.strip())
        assert _text(app, "#sync-status").strip() == ""
    app.store.close()


async def test_not_enrolled_tells_how(station_pc: StationPC, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        await _wait_for(app, "#sync-server", "station enroll")
        assert app.screen.query_one("#sync-now", Button).disabled
    app.store.close()


async def test_background_sync_uploads_without_a_key_press(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 9)
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        assert app.sync_controller.interval == 15 * 60  # settings.sync_interval_minutes
        app.sync_controller._tick()  # what the interval timer calls every 15 minutes
        await _wait_for(app, "#sync-pending", "待上传的修改：0 条")
    app.store.close()
    assert county.records(station_pc.code) == station_pc.expected_records()


async def test_background_sync_waits_for_enrollment(station_pc: StationPC, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        app.sync_controller._tick()
        await pilot.pause()
        assert not app.sync_controller.running
        assert _text(app, "#sync-status") == ""
    app.store.close()


async def test_a_demo_database_says_it_is_never_uploaded(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enrolled or not, `station --demo`'s made-up records never go to the county: the screen says
    so instead of offering 立即同步, and the background timer does not try every 15 minutes."""
    station_pc.enroll(county)
    with station_pc.store() as s:
        add_records(s, 3)
        s.set_meta("demo", "complete seed=1 years=1 size=village")  # as `station demo` marks it
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _open_sync(app, pilot)
        await _wait_for(app, "#sync-server", "这是演示数据库")
        assert county.base not in _text(app, "#sync-server")
        assert app.screen.query_one("#sync-now", Button).disabled
        await pilot.press("s")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "这是演示数据库（station --demo），里面的记录是虚构的，不会上传到县中心。"
        ]
        app.sync_controller._tick()
        await pilot.pause()
        assert not app.sync_controller.running
        assert _text(app, "#sync-status") == "" and _text(app, "#sync-error") == ""
    app.store.close()
    assert county.records(station_pc.code) == {}


async def test_sync_now_sends_the_photo_files_too(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.sync.photo_support import add_photos

    station_pc.enroll(county)
    add_photos(station_pc, [21, 22])
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_sync(app, pilot)
        await pilot.click("#sync-now")
        status = await _wait_for(app, "#sync-status", "照片：已上传 2 张")
        assert "已上传" in status.splitlines()[0]  # the records first, then the photos
    app.store.close()
