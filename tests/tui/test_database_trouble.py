"""When the database will not answer (locked by another program for longer than the wait, a
full disk, a damaged file) or the settings file cannot be read, the app says so in plain words
and keeps running.

Work on the database runs in Textual thread workers, and a worker that raises stops the whole
app; each worker now catches what the database throws and shows it where the user looks.
"""

from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Static

from station_tui.app import StationApp
from station_tui.screens import dashboard
from station_tui.screens.dashboard import DashboardScreen
from station_tui.screens.lectures import LectureListScreen
from tests.conftest import TODAY
from tests.tui.conftest import settle, table_rows

LOCKED = sqlite3.OperationalError("database is locked")


def _raise(*_args: object, **_kwargs: object) -> None:
    raise LOCKED


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_delete_that_cannot_be_written_keeps_the_record(seeded, make_app, monkeypatch) -> None:
    monkeypatch.setattr(seeded.lectures, "delete", _raise)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        first = table_rows(app.screen.query_one(DataTable))[0]
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)  # still running, still on the list
        assert notices(app) == ["没有删除：database is locked。记录还在，请稍后再试。"]
        assert table_rows(app.screen.query_one(DataTable))[0] == first
    assert len(seeded.lectures.page(limit=100)) == 12


async def test_a_list_that_cannot_be_read_says_so(seeded, make_app, monkeypatch) -> None:
    monkeypatch.setattr(LectureListScreen, "fetch", _raise)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        status = str(app.screen.query_one("#list-status", Static).render())
        assert status == "读取记录时出错：database is locked。请稍后再打开这一页。"


async def test_a_dashboard_that_cannot_be_read_says_so(seeded, make_app, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "gather", _raise)  # the read-ahead at start-up too
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        title = str(app.screen.query_one("#dash-title", Static).render())
        assert title == "读取本月数据时出错：database is locked。按 r 重试。"


async def test_a_failing_look_for_other_sessions_changes_is_tried_again(seeded, make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(seeded, "data_version", _raise)
        await pilot.pause(2.5)  # two polls, a second apart
        assert app.is_running and isinstance(app.screen, DashboardScreen)


async def test_a_record_that_cannot_be_read_for_editing_says_so(seeded, make_app, monkeypatch) -> None:
    monkeypatch.setattr(seeded.lectures, "get", _raise)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")  # edit the selected lecture
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        assert notices(app) == ["读取这条记录时出错：database is locked。请稍后再试。"]


async def test_a_settings_file_that_cannot_be_read_is_reported(store, tmp_path, monkeypatch) -> None:
    """settings.json that is not a readable file (a folder here): the defaults, and a notice."""
    from tests.tui.conftest import seed

    seed(store)
    monkeypatch.setenv("STATION_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.json").mkdir()
    app = StationApp(store, language="zh_CN", today=TODAY)  # settings read as the app does
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(1.5)  # (they are read fully a second after the first frame)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DashboardScreen)
        assert any("settings.json" in n for n in notices(app)), notices(app)
        assert app.settings.sync_interval_minutes == 15


def test_every_thread_worker_catches_what_it_meets() -> None:
    """A worker that raises stops the whole app: each one in the app catches what the database
    or the disk throws (``except Exception``), or is marked not to stop it."""
    import ast
    from pathlib import Path

    import station_tui

    unguarded = []
    for path in sorted(Path(station_tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            work = [d for d in node.decorator_list
                    if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "work"]
            if not work:
                continue
            marked = any(k.arg == "exit_on_error" and isinstance(k.value, ast.Constant) and k.value.value is False
                         for k in work[0].keywords)
            catches = any(isinstance(h, ast.ExceptHandler) and isinstance(h.type, ast.Name)
                          and h.type.id in ("Exception", "BaseException")
                          for h in ast.walk(node))
            if not (marked or catches):
                unguarded.append(f"{path.name}:{node.lineno} {node.name}")
    assert unguarded == []
