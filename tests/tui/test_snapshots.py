"""Every screen at 80×24 in Chinese, on fixed data (tests/tui/conftest.seed, pinned "today").

Update after an intended change with ``uv run pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs in __snapshots__ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.modals.conflict import ConflictModal
from tests.conftest import TODAY
from tests.tui.conftest import settle

SIZE = (80, 24)


def keys(*pressed: str) -> Callable:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


SCREENS: dict[str, Iterable[str]] = {
    "dashboard": (),
    "lectures": ("2",),
    "activities": ("3",),
    "people": ("4",),
    "lecture_new": ("2", "c"),
    "lecture_edit": ("2", "down", "enter"),
    "activity_new": ("3", "c"),
    "person_edit": ("4", "e"),
    "person_page": ("4", "enter"),
    "delete_confirm": ("3", "d"),
    "help": ("f1",),
    "filter_month": ("2", "f", "tab", *"2026-10", "enter"),
    "teams": ("6", "t"),
    "team_edit": ("6", "t", "enter"),
    "venues": ("6", "v"),
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, seeded, snap_compare) -> None:
    app = StationApp(seeded, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*SCREENS[name]))


def test_form_with_errors(seeded, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await keys("2", "c")(pilot)
        form = pilot.app.screen
        form.query_one("#f-start_time").value = "10:00"
        form.query_one("#f-end_time").value = "上午"
        form.query_one("#f-audience").value = "三十"
        await pilot.press("ctrl+s")
        await settle(pilot)

    app = StationApp(seeded, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_conflict_choice(seeded, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        rows = [("宣讲主题", "乡镇改过的主题", "移风易俗倡导文明新风（第5期）"), ("受众人数", "50", "88")]
        pilot.app.push_screen(ConflictModal(rows))
        await settle(pilot)

    app = StationApp(seeded, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_first_run_setup(store, snap_compare) -> None:
    app = StationApp(store, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys())


def test_dashboard_in_english(seeded, snap_compare) -> None:
    app = StationApp(seeded, settings=Settings(), language="en", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys())
