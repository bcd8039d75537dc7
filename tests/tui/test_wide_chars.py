"""Chinese text over other widgets keeps every character (widgets/wide_chars.py).

Before the fix, the lecture form's 形式 list, open over the form's buttons, showed 文艺宣讲 as
"文艺  讲": the edge of a button below ran through 宣.
"""

from __future__ import annotations

from pathlib import Path

import textual

from station_tui.widgets import wide_chars
from tests.tui.conftest import lectures_on_a_terminal, settle


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def test_the_fix_is_in_place_for_this_textual() -> None:
    # Fails after a Textual upgrade: check textual#6357, then add the version or drop the fix.
    assert textual.__version__ in wide_chars.CHECKED_VERSIONS
    assert wide_chars.apply() is True


async def test_an_open_list_over_the_buttons_shows_whole_characters(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c")
        await settle(pilot)
        app.screen.query_one("#f-form").focus()
        await pilot.press("enter")
        await settle(pilot)
        lines = screen_lines(app)
        # The list's last rows lie over the Save/Cancel buttons and the form's lower edge.
        assert any("文艺宣讲" in line for line in lines), "\n".join(lines)
        assert not any("文艺  讲" in line for line in lines)
        # and the form around it is drawn as before
        assert any("新建宣讲" in line for line in lines)
        assert lines[-1].startswith(" esc 收起")


def test_an_open_list_on_a_real_terminal(db_path: Path) -> None:
    """Opening the list is a partial screen update: each piece is written to its own length."""
    with lectures_on_a_terminal(db_path) as term:
        term.write(b"c")
        assert term.wait_for(r"新建宣讲"), term.text[-2000:]
        term.write(b"\t\t\t\t\t\r")  # Tab to 形式, Enter opens its list
        assert term.wait_for(r"线上宣讲"), term.text[-2000:]
        assert term.wait_for(r"文艺宣讲", timeout=5), term.text[-2000:]
