"""Snapshots of the 签到 roster editor in the station app at 80×24, in Chinese, on fixed data
(the seed in tests/tui/conftest.py; cursor blink off).

After a deliberate change of the look: ``uv run pytest tests/tui/test_attendance_snapshots.py
--snapshot-update`` and review the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.conftest import settle


async def _open_roster(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)


async def _add(pilot: Pilot, query: str) -> None:
    await pilot.press(*query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_roster_screen(snap_compare, seeded, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _open_roster(pilot)
        for query in ("zs", "ls", "wxy"):
            await _add(pilot, query)
        await pilot.press("tab", "r", "h", *"35", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_person_picker_open(snap_compare, seeded, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _open_roster(pilot)
        await _add(pilot, "zs")
        await pilot.press("z")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_new_person_form(snap_compare, seeded, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _open_roster(pilot)
        await _add(pilot, "孙七")
        await pilot.press("tab", "tab", *"19x5", "tab", *"1351234567")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_line_editor(snap_compare, seeded, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _open_roster(pilot)
        await _add(pilot, "zhm")
        await pilot.press("tab", "r", "e", "backspace", *"2.5")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
