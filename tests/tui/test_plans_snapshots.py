"""The 活动计划 screens at 80×24 in Chinese, on the seeded station with November's plan
(tests/tui/test_plans_screen.november) and a pinned "today" (2026-11-22).

Update after an intended change with ``uv run pytest tests/tui/test_plans_snapshots.py
--snapshot-update`` and look at the SVGs in __snapshots__ before committing them.
"""

from __future__ import annotations

import pytest

from station_tui.app import StationApp
from station_tui.config import Settings
from tests.conftest import TODAY
from tests.tui.test_plans_screen import november
from tests.tui.test_snapshots import SIZE, keys

SCREENS: dict[str, tuple[str, ...]] = {
    "dashboard_with_plan": (),
    "plan_year": ("6", "p"),
    "plan_month": ("6", "p", "enter"),
    "plan_choose_event": ("6", "p", "enter", "down", "down", "m"),
    "plan_item_new": ("6", "p", "enter", "c"),
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_plan_screen(name: str, seeded, snap_compare) -> None:
    november(seeded)
    app = StationApp(seeded, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*SCREENS[name]))
