"""The screens are listed once (screens/registry.py): the app's modes and keys, the navigation
line, the palette, the help and the forms of each kind are read from that list, and agree."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from station_tui.app import StationApp
from station_tui.domain.kinds import BY_KEY
from station_tui.locale import en, zh_CN
from station_tui.screens import forms
from station_tui.screens.base import NAV_ITEMS, NavBar, StationScreen
from station_tui.screens.help import _sections
from station_tui.screens.registry import BY_KIND, MAIN, MENU, SCREENS, ScreenEntry, load
from station_tui.widgets.form import RecordForm
from station_tui.widgets.paged import PagedListScreen
from station_tui.widgets.palette import ACTIONS
from tests.fresh_process import modules_left
from tests.tui.conftest import settle, table_rows

RECORD_SCREENS = [e for e in SCREENS if e.records]


def test_every_mode_is_a_screen_of_the_list_in_order() -> None:
    assert list(StationApp.MODES) == [e.mode for e in SCREENS]
    assert StationApp.DEFAULT_MODE in StationApp.MODES
    for entry in SCREENS:
        screen = load(entry.screen)
        assert issubclass(screen, StationScreen)
        assert entry.mode == screen.MODE  # what the navigation line marks as current


def test_every_mode_has_its_keys_under_the_binding_id_keymaps_use() -> None:
    bindings = {b.id: b for b in StationApp.BINDINGS if isinstance(b, Binding)}
    for number, entry in enumerate(MAIN, start=1):
        binding = bindings[f"app.{entry.mode}"]
        assert binding.key == f"{number},f{number + 1}"  # 1/F2, 2/F3, … as the README promises
        assert binding.action == f"switch_mode('{entry.mode}')"
        assert binding.description == entry.nav
        assert not binding.show
    keys = [k for e in SCREENS for k in e.keys]
    assert len(keys) == len(set(keys))
    assert len(MAIN) <= 6  # what fits an 80-column navigation line, in English too


def test_every_other_screen_has_one_letter_of_its_own_in_the_more_menu() -> None:
    from station_tui.screens.more import MoreScreen

    assert [e for e in SCREENS if not e.keys] == list(MENU)
    letters = [e.menu_key for e in MENU]
    assert all(len(k) == 1 and k.isalpha() and k.islower() for k in letters), letters
    assert len(letters) == len(set(letters))
    assert not any(e.menu_key for e in MAIN)
    bindings = {b.id: b for b in MoreScreen.BINDINGS if isinstance(b, Binding)}
    for entry in MENU:
        assert bindings[f"more.{entry.mode}"].key == entry.menu_key
        assert bindings[f"more.{entry.mode}"].action == f"app.switch_mode('{entry.mode}')"


def test_the_navigation_line_lists_every_mode_with_its_number_key() -> None:
    assert tuple((e.mode, e.nav, e.keys[0]) for e in MAIN) == NAV_ITEMS
    nav = str(NavBar("lectures").content)
    for entry in MAIN:
        assert f"[@click=app.switch_mode('{entry.mode}')]" in nav
        assert f" {entry.keys[0]} {zh_CN.MESSAGES[entry.nav]} " in nav
    assert nav.index("switch_mode('dashboard')") < nav.index("switch_mode('sync')")


def test_the_palette_offers_a_new_record_of_each_kind_and_every_screen() -> None:
    actions = dict(ACTIONS)
    for entry in RECORD_SCREENS:
        assert entry.records is not None
        assert actions[entry.records.new] == f"app.new_record('{entry.records.kind}')"
    for entry in SCREENS:
        assert actions[entry.palette] == f"app.switch_mode('{entry.mode}')"
    assert ACTIONS[-1] == ("palette.help", "app.help")
    assert len(actions) == len(ACTIONS)


def test_the_help_has_a_section_for_each_screen() -> None:
    sections = _sections()
    assert sections[0][0] == "help.everywhere" and sections[0][1] is StationApp
    screens = [(title, cls) for title, cls in sections if issubclass(cls, StationScreen)]
    assert screens == [(e.help_title, load(e.screen)) for e in SCREENS]
    assert issubclass(sections[-3][1], RecordForm)  # the forms' keys, then the two dialogs


@pytest.mark.parametrize("entry", RECORD_SCREENS, ids=lambda e: e.mode)
def test_a_record_screen_its_kind_and_its_form_agree(entry: ScreenEntry) -> None:
    records = entry.records
    assert records is not None
    kind = BY_KEY[records.kind]  # a kind declared in domain/kinds.py
    screen = load(entry.screen)
    assert issubclass(screen, PagedListScreen) and records.kind == screen.KIND
    form = forms.form_class(records.kind)
    assert form is (load(records.form) if records.form else forms.declared_form(kind))
    assert issubclass(form, RecordForm) and form.MODEL is kind.model
    for column in screen.COLUMNS:  # a field's column is as declared; the others the screen computes
        spec = kind.fields.get(column.key)
        if spec is not None:
            assert (column.label, column.width) == (spec.column_label, spec.column)
    assert BY_KIND[records.kind] is records
    assert set(forms.KINDS) == {e.records.kind for e in RECORD_SCREENS if e.records}


def test_the_repository_of_a_kind_is_the_one_named_after_its_table(store) -> None:
    class App:
        pass

    app = App()
    app.store = store  # type: ignore[attr-defined]
    assert forms.repository(app, "lecture") is store.lectures
    assert forms.repository(app, "person") is store.people
    with pytest.raises(ValueError, match="team"):
        forms.repository(app, "team")  # a kind without a screen of its own
    with pytest.raises(ValueError, match="team"):
        forms.form_class("team")


def _keys_the_screens_use() -> set[str]:
    used = set()
    for entry in SCREENS:
        used |= {entry.nav, entry.help_title, entry.palette, entry.palette + ".help"}
        if entry.records:
            used |= {entry.records.new, entry.records.new + ".help", entry.records.open}
            form = forms.form_class(entry.records.kind)
            used |= {f.label for f in form.FIELDS} | {f.placeholder for f in form.FIELDS if f.placeholder}
            used |= {form.TITLE_NEW, form.TITLE_EDIT}
            used |= {c.label for c in load(entry.screen).COLUMNS}
    from station_tui.screens.setup import SetupScreen

    used |= {f.label for f in SetupScreen.FIELDS} | {f.placeholder for f in SetupScreen.FIELDS if f.placeholder}
    return used


def test_every_word_read_from_the_list_and_the_declarations_is_in_both_catalogs() -> None:
    # test_locale.py finds keys written in the UI code; these are no longer written there.
    used = _keys_the_screens_use()
    assert len(used) > 50
    assert sorted(k for k in used if k not in zh_CN.MESSAGES) == []
    assert sorted(k for k in used if k not in en.MESSAGES) == []


def test_the_list_screens_help_and_palette_import_without_pydantic() -> None:
    """The registry names screens by import path and the lists read their columns when first
    built: importing them (the help screen does) stays as light as before."""
    code = (
        "import station_tui.app, station_tui.screens.help, station_tui.widgets.palette\n"
        "from station_tui.screens.registry import SCREENS, load\n"
        "for entry in SCREENS:\n"
        "    load(entry.screen)\n"
    )
    assert modules_left(code, ("pydantic",)) == []


async def test_each_screen_is_reached_by_its_number_key_and_its_function_key(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for entry in MAIN:
            elsewhere = next(e.mode for e in SCREENS if e.mode != entry.mode)
            for key in entry.keys:
                await app.switch_mode(elsewhere)
                await settle(pilot)
                await pilot.press(key)
                await settle(pilot)
                assert app.current_mode == entry.mode, (key, entry.mode)
                assert isinstance(app.screen, load(entry.screen))


async def test_the_more_menu_opens_each_of_its_screens_by_its_letter(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert app.current_mode == "more"
        shown = [row[:2] for row in table_rows(app.screen.query_one("#more-list"))]
        assert shown == [[e.menu_key, zh_CN.MESSAGES[e.nav]] for e in MENU]
        for entry in MENU:
            await app.switch_mode("more")
            await settle(pilot)
            await pilot.press(entry.menu_key)
            await settle(pilot)
            assert app.current_mode == entry.mode, entry.menu_key
            nav = str(app.screen.query_one(NavBar).content)
            assert f" 6 更多›{zh_CN.MESSAGES[entry.nav]} " in nav
