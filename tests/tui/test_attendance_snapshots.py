"""Snapshots of the 签到 roster editor at 80×24, in Chinese, on fixed data.

Update after a deliberate change of the look with ``uv run pytest tests/tui --snapshot-update``
and review the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from station_tui.storage import Actor, Store

from .roster_app import RosterApp, seed

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def _settle(pilot: Pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _still(pilot: Pilot) -> None:
    """No blinking cursor: the picture must not depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _app(tmp_path: Path) -> RosterApp:
    store = Store(tmp_path / "station.db", actor=Actor(user="tester", program="pytest"))
    lecture, _, _ = seed(store)
    return RosterApp(store, "lecture", str(lecture.id))


async def _type(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)
    await _settle(pilot)


def test_roster_screen(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot)
        for query in ("zs", "ls", "zjg"):
            await _type(pilot, query)
            await pilot.press("enter")
            await _settle(pilot)
        await pilot.press("tab", "r", "h", *"35", "ctrl+s")
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await _still(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_person_picker_open(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot)
        await _type(pilot, "zs")
        await pilot.press("enter")
        await _settle(pilot)
        await _type(pilot, "z")
        await _still(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_new_person_form(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot)
        await _type(pilot, "孙七")
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("tab", "tab", *"19x5", "tab", *"1351234567")
        await _settle(pilot)
        await _still(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_line_editor(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot)
        await _type(pilot, "zl")
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("tab", "r", "e", "backspace", "backspace", "backspace", *"2.5")
        await _settle(pilot)
        await _still(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)
