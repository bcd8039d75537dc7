"""The 同步 screen's backup: it shows the last backup, `b` asks for a folder (a USB stick's path
typed, the last one offered), backs up in a worker and says how it went, at 80×24."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.modals.backup_dir import BackupDirModal
from station_tui.screens.sync import SyncScreen
from station_tui.storage import Store
from station_tui.storage.backup import backups_in
from station_tui.widgets.text_input import TextInput
from tests.conftest import TODAY
from tests.tui.conftest import current_screen, type_text, until


def _text(app: StationApp, selector: str) -> str:
    return str(current_screen(app).query_one(selector, Static).render())


async def test_backup_from_the_sync_screen_onto_a_usb_stick(seeded: Store, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    app = StationApp(seeded, settings=Settings(backup_keep=2), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await until(pilot, lambda: isinstance(current_screen(app), SyncScreen))
        await until(pilot, lambda: "还没有备份过" in _text(app, "#sync-backup"))

        await pilot.press("b")
        await until(pilot, lambda: isinstance(current_screen(app), BackupDirModal))
        box = current_screen(app).query_one("#backup-dir", TextInput)
        # The default is `backups` beside the database until a folder has been used.
        assert box.value == str(seeded.path.parent / "backups")
        await pilot.press("ctrl+u")
        await type_text(pilot, str(usb))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(current_screen(app), SyncScreen))
        await until(pilot, lambda: "上次备份：" in _text(app, "#sync-backup"), timeout=60)
        (made,) = backups_in(usb)
        assert str(made) in _text(app, "#sync-backup").replace("\n", "")
        conn = sqlite3.connect(made)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        # Everything still inside the 80×24 screen: the buttons under the two backup lines.
        screen = current_screen(app)
        assert screen.query_one("#backup-now").region.bottom <= 22

        # The next time the folder offered is the one just used; Esc backs up nothing.
        await pilot.press("b")
        await until(pilot, lambda: isinstance(current_screen(app), BackupDirModal))
        assert current_screen(app).query_one("#backup-dir", TextInput).value == str(usb)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(current_screen(app), SyncScreen))
        assert len(backups_in(usb)) == 1

        # A stick that is not there: said on the screen, nothing made anywhere.
        await pilot.press("b")
        await until(pilot, lambda: isinstance(current_screen(app), BackupDirModal))
        await pilot.press("ctrl+u")
        await type_text(pilot, str(tmp_path / "gone" / "usb"))
        await pilot.press("enter")
        await until(pilot, lambda: "备份没有完成" in _text(app, "#sync-backup"), timeout=60)
        assert "U 盘是否插好" in _text(app, "#sync-backup")
        assert not (tmp_path / "gone").exists()


async def test_a_scheduled_backup_shows_on_the_open_sync_screen(seeded: Store, tmp_path: Path) -> None:
    import asyncio

    from tests import station_cli

    app = StationApp(seeded, settings=Settings(), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await until(pilot, lambda: "还没有备份过" in _text(app, "#sync-backup"))
        # The scheduler's `station backup` runs while the app is open on the same database.
        done = await asyncio.to_thread(station_cli.run, "backup", tmp_path / "nightly", db=seeded.path)
        assert done.returncode == 0, done.stderr
        (made,) = backups_in(tmp_path / "nightly")
        await until(pilot, lambda: str(made) in _text(app, "#sync-backup").replace("\n", ""), timeout=10)
