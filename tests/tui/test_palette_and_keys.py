"""The command palette finds actions and records; keys can be remapped by binding id and the
help screen shows the keys actually in force."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.align import Align
from textual.command import CommandInput, CommandList
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from station_tui.screens.help import HelpScreen
from station_tui.screens.lecture_form import LectureForm
from station_tui.screens.lectures import LectureListScreen
from station_tui.screens.person_form import PersonForm
from station_tui.widgets.footer import KeyFooter
from tests.tui.conftest import current_screen, settle, text_of, type_text


async def _palette(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, query)
    await pilot.pause(0.5)  # the palette searches after a short debounce
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_opens_new_lecture_and_finds_a_person_by_initials(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _palette(pilot, "新建宣讲")
        assert isinstance(app.screen, LectureForm) and app.screen.record is None
        await pilot.press("escape")
        await settle(pilot)
        await _palette(pilot, "wxy")  # 王秀英 by her initials
        assert isinstance(current_screen(app), PersonForm)
        assert app.screen.query_one("#f-name", Input).value == "王秀英"


async def test_the_palette_finds_teams_and_requests_and_opens_them(seeded, make_app) -> None:
    from datetime import date

    from station_tui.domain.models import Request
    from station_tui.screens.request_form import RequestForm
    from station_tui.screens.team_form import TeamForm

    seeded.requests.add(
        Request(received_on=date(2026, 11, 2), wish="修补漏雨的屋顶", requester="王大妈", phone="13812345678")
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _palette(pilot, "宣讲队")
        assert isinstance(current_screen(app), TeamForm)
        assert app.screen.query_one("#f-name", Input).value == "百姓宣讲队"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "漏雨")
        await pilot.pause(0.5)
        await settle(pilot)
        assert palette_lines(app) == ["点单：2026-11-02 王大妈 修补漏雨的屋顶"]  # no phone shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(current_screen(app), RequestForm)


def palette_lines(app) -> list[str]:
    """The first line of each option the open palette shows."""
    options = app.screen.query_one(CommandList)
    prompts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
    return [str(p.renderable if isinstance(p, Align) else p).split("\n")[0] for p in prompts]


async def test_the_palette_offers_the_apps_own_commands_in_the_ui_language(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        placeholder = app.screen.query_one(CommandInput).placeholder
        assert placeholder == "查找功能或记录：姓名、拼音首字母、宣讲主题、活动名称……"
        assert palette_lines(app) == [
            "新建宣讲", "新建活动", "新建人员", "新建队伍", "新建阵地", "新建超市物品", "新建群众点单", "首页",
            "宣讲列表", "活动列表", "人员名册", "同步到县中心", "更多功能", "志愿服务队伍", "阵地", "积分", "爱心超市",
            "群众点单", "活动计划", "生成台账", "志愿服务记录证明", "五有及星级自评", "帮助",
        ]
        # Textual's own commands (Theme, Keys, Quit, Screenshot, Maximize …) are not offered.
        await type_text(pilot, "theme")
        await pilot.pause(1.0)  # "nothing found" comes after a short wait
        await settle(pilot)
        assert palette_lines(app) == ["没有找到"]


async def test_the_palette_in_english(seeded, make_app) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.query_one(CommandInput).placeholder.startswith("Find an action or a record")
        lines = palette_lines(app)
        assert lines[0] == "New lecture" and "Help" in lines
        assert not {"Theme", "Keys", "Quit", "Screenshot", "Maximize"} & set(lines)


def write_keymap(keymap: dict[str, str]) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "station-tui"
    config.mkdir(parents=True)
    (config / "keymap.json").write_text(json.dumps(keymap), encoding="utf-8")


async def test_keymap_file_remaps_keys_and_help_shows_them(seeded, make_app) -> None:
    write_keymap({"list.new": "f7"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("c")  # no longer bound
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, LectureForm)
        await pilot.press("escape", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query_one("#help-keys", Static))
        assert "f7   新建" in keys and "宣讲" in keys and "签到" in keys


async def test_the_first_screen_shows_remapped_keys_in_its_footer(seeded, make_app) -> None:
    write_keymap({"dashboard.new_lecture": "f7"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = [(key.key_display, key.description) for key in app.screen.query_one(KeyFooter).query(FooterKey)]
        assert ("f7", "新建宣讲") in keys and ("l", "新建宣讲") not in keys
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, LectureForm)


async def test_mouse_switches_screens_from_the_navigation_line(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # " 1 首页   2 宣讲 …": "2 宣讲" starts at cell 10 of the line.
        await pilot.click("#nav", offset=(12, 0))
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)


async def test_language_from_the_settings_file(seeded) -> None:
    from station_tui.app import StationApp
    from tests.conftest import TODAY

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "station-tui"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"language": "en"}), encoding="utf-8")
    app = StationApp(seeded, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Lectures 5, audience 200" in text_of(app.screen.query_one("#dash-figures", Static))
        await pilot.pause(1.2)  # the full settings are read after the first paint
        await settle(pilot)
        assert app.settings.language == "en"


async def test_keys_that_look_like_markup_show_as_keys(seeded, make_app) -> None:
    """[ and ] from keymap.json: in the footer and in the help, as the keys they are."""
    write_keymap({"list.new": "left_square_bracket", "list.edit": "right_square_bracket"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query_one("#help-keys", Static))
        assert " [   新建" in keys and " ]   修改" in keys, keys
        assert "reverse" not in keys


async def test_help_lists_the_sync_screens_keys(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query_one("#help-keys", Static))
        assert "同步" in keys and "立即同步" in keys
