"""Keys that arrive together are handled in order, each where the one before left the focus.

A terminal hands the app whatever keys are waiting in one read: an SSH session from the
township office delivers keystrokes in bursts, and on a slow village PC keys typed while the
app is busy pile up. Textual passes a key on to the focused widget and goes on to the next at
once, so before this was fixed the text typed right after Tab or Enter went into the box being
left (开始时间 "14点" Tab "村规" → 开始时间 "14点村规"). These tests send keys the way the
terminal driver does, all at once, without waiting between them (Pilot's ``press`` waits for
the app to be idle after every key, which hides the problem).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from textual import events
from textual.app import App
from textual.widgets import Select

from station_tui.screens.attendance import RosterTable
from station_tui.screens.dashboard import DashboardScreen
from station_tui.screens.lecture_form import LectureForm
from station_tui.screens.lectures import LectureListScreen
from station_tui.storage import Store
from station_tui.widgets.form import RecordForm
from station_tui.widgets.text_input import TextInput
from tests.tui.conftest import lectures_on_a_terminal, new_lecture_form, open_roster, settle, table_rows, until

_NAMED = {"tab": "\t", "enter": "\r", "escape": "\x1b", "down": None, "up": None}


def burst(app: App, *keys: str | events.Paste) -> None:
    """Post ``keys`` to the app as the terminal driver does when they come in one read:
    named keys (``tab``, ``enter``, ``ctrl+s``, ``alt+1``), text (one key per character) or a paste."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        if isinstance(key, events.Paste):
            driver.send_message(key)
        elif key in _NAMED or key.startswith("ctrl+"):
            driver.send_message(events.Key(key, _NAMED.get(key)))
        elif key.startswith("alt+"):  # as the terminal driver reads Esc and a key in one read
            driver.send_message(events.Key(key, key[-1]))
        else:
            for ch in key:
                driver.send_message(events.Key(ch, ch))


def slow_down(monkeypatch, owner: object, name: str, seconds: float) -> None:
    """``owner.name`` takes ``seconds`` longer, as on an old PC with years of records."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


def box(form: RecordForm, name: str) -> str:
    """The text of a form's box (宣讲人 is a person picker: its text box is inside it)."""
    found = form.query_one(f"#f-{name}")
    return str(found.value if isinstance(found, TextInput) else found.query_one(TextInput).value)


async def test_text_after_tab_and_enter_goes_to_the_next_box(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lecture_form(app, pilot)
        burst(app, "tab", "14点", "tab", "tab", "村规民约宣讲", "enter", "刘书记")
        await settle(pilot)
        assert box(form, "date") == "2026-11-22"
        assert box(form, "start_time") == "14点"
        assert box(form, "end_time") == ""
        assert box(form, "topic") == "村规民约宣讲"
        assert box(form, "speaker") == "刘书记"
        assert app.focused is form.query_one("#f-speaker").query_one(TextInput)

        # A paste keeps its place among the keys too.
        burst(app, "tab", "tab", "tab", events.Paste("文化广场"), "tab", "200")  # 形式, 阵地, 地点
        await settle(pilot)
        assert box(form, "speaker") == "刘书记"
        assert box(form, "place") == "文化广场"
        assert box(form, "audience") == "200"


async def test_keys_after_the_key_that_opens_a_form_reach_the_form(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        burst(app, "c", "tab", "9点")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LectureForm)
        assert box(form, "date") == "2026-11-22"
        assert box(form, "start_time") == "9点"


async def test_a_whole_lecture_typed_in_one_burst_is_saved_as_typed(seeded, make_app, monkeypatch) -> None:
    """Typed on after Ctrl+S, while the save runs in its thread (slow here, as on an old PC):
    the next "c" opens the next form, and nothing lands in the form being saved."""
    slow_down(monkeypatch, seeded.lectures, "add", 0.3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        burst(app, "c", "tab", "8:30", "tab", "10点", "tab", "冬季防火安全", "tab", "赵队长", "ctrl+s", "c", "村")
        await until(pilot, lambda: isinstance(app.screen, LectureForm) and box(app.screen, "topic") == "")
        await settle(pilot)  # and the key typed after the "c"
        # Saved, back on the list, and the last "c" opened the next new lecture.
        assert isinstance(app.screen, LectureForm)
        assert box(app.screen, "topic") == ""
        assert box(app.screen, "date") == "村"  # (its first box takes what came next)
    stored = seeded.lectures.page(limit=1)[0]
    assert (stored.topic, stored.speaker) == ("冬季防火安全", "赵队长")
    assert (str(stored.start_time), str(stored.end_time)) == ("08:30:00", "10:00:00")
    assert len(seeded.lectures.page(limit=100)) == 13


def test_keys_in_one_read_of_a_real_terminal(db_path: Path) -> None:
    """The whole way: the app on a pseudo-terminal, a lecture typed into it in one write."""
    with lectures_on_a_terminal(db_path) as term:
        term.write("c\t9点\t\t村规民约宣讲\t刘书记\x13".encode())  # ... Ctrl+S
        assert term.wait_for(r"共 13 条"), term.text[-2000:]
    with Store(db_path) as store:
        saved = store.lectures.page(limit=1)[0]
    assert (saved.topic, saved.speaker, str(saved.start_time), saved.end_time) == (
        "村规民约宣讲", "刘书记", "09:00:00", None
    )


async def test_names_typed_in_one_burst_on_the_roster_each_add_their_person(seeded, make_app, monkeypatch) -> None:
    """"zs⏎ls⏎wxy⏎" at once: each Enter picks from its own name's results, which come from a
    search in a thread (slow here, as on an old PC with years of records), and the next name
    is typed into a cleared box."""
    slow_down(monkeypatch, seeded.people, "search", 0.2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(app, pilot)
        burst(app, "zs", "enter", "ls", "enter", "wxy", "enter")
        await until(pilot, lambda: len(table_rows(screen.query_one(RosterTable))) >= 3)
        assert [r[1] for r in table_rows(screen.query_one(RosterTable))] == ["张三", "李四", "王秀英"]
        assert screen.query_one("#picker-input", TextInput).value == ""


async def test_esc_and_a_key_in_one_read_are_two_keys(seeded, make_app) -> None:
    """Terminals send Alt+key as Esc then the key; in one read the app gets an Alt key. It
    binds none, so "Esc 1" (leave the form, go to 首页) must not type into the box."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c")
        await settle(pilot)
        assert isinstance(app.screen, LectureForm)
        burst(app, "alt+1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def test_esc_then_a_number_on_a_real_terminal(db_path: Path) -> None:
    with lectures_on_a_terminal(db_path) as term:
        term.write(b"c")
        assert term.wait_for(r"新建宣讲"), term.text[-2000:]
        term.write(b"\x1b1")  # Esc, 1: as fast as one read (Textual took it for macOS Option+1, "¡")
        assert term.wait_for(r"签到 \d+ 人次"), term.text[-2000:]
        assert "¡" not in term.text


async def test_a_team_picked_in_the_same_burst_that_opened_the_form(seeded, make_app, monkeypatch) -> None:
    """The 组织队伍 list's teams are read in a thread after the form opens (slowly here): keys
    for that list wait for them instead of opening an empty list."""
    from station_tui.screens.activity_form import ActivityForm

    slow_down(monkeypatch, ActivityForm, "lookup_options", 0.3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        # 日期, 开始时间, 结束时间, 活动名称, 平台, 阵地, 地点, then 组织队伍: Enter opens it (on its
        # blank choice), ↓ to the first team, Enter picks it.
        burst(app, "c", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "enter", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm) and not app.screen.holds_keys)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        team = form.query_one("#f-team_id", Select)
        assert team.value == str(seeded.teams.all()[0].id)


async def test_a_form_opens_when_its_list_choices_cannot_be_read(seeded, make_app, monkeypatch) -> None:
    from station_tui.screens.activity_form import ActivityForm

    def locked(self, field):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ActivityForm, "lookup_options", locked)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("3", "c")
        await settle(pilot)
        assert isinstance(app.screen, ActivityForm)
        assert not app.screen.holds_keys
        assert any("database is locked" in n.message for n in app._notifications)
        await pilot.press(*"广场舞")  # and the form takes typing as usual
        await settle(pilot)
        assert box(app.screen, "date") == "广场舞"  # (the first box, its date selected)
