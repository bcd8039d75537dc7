from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.screen import Screen

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.domain import Activity, Lecture, Person, Team
from station_tui.storage import Store
from tests import station_cli
from tests.conftest import TODAY, the_station
from tests.terminal import CTRL_Q, Terminal


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CURSOR_BLINK", "0")


@pytest.fixture
def make_app(store: Store) -> Callable[..., StationApp]:
    def make(language: str = "zh_CN") -> StationApp:
        return StationApp(store, settings=Settings(), language=language, today=TODAY)

    return make


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages be handled, then let the screen repaint."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait for what a thread or another session brings (``condition()`` true), looking every 0.1 s."""
    for _ in range(int(timeout / 0.1)):
        try:
            met = condition()
        except NoMatches:  # a screen still being built has not made the widget asked about yet
            met = False
        if met:
            return
        await pilot.pause(0.1)
    raise AssertionError(f"the screen did not catch up within {timeout:g} s")


def current_screen(app: App[Any]) -> Screen[Any]:
    """``app.screen`` for a check that must not narrow ``app.screen`` itself: mypy would carry an
    ``isinstance`` or ``is`` check past the key presses that change the screen, and then find
    the next check on it impossible."""
    return app.screen


def text_of(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


def table_rows(table: object) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]  # type: ignore[attr-defined]


def give_kind_a_screen(monkeypatch: pytest.MonkeyPatch, key: str, table: str, form: str = "") -> None:
    """For this test only, the kind stored in ``table`` has a list screen: ``key`` names it (as a
    kind's key in domain/kinds.py does) and ``form`` ("module:Class", or empty for the form its
    declaration makes) is its form, as its entry in screens/registry.py would say. The app's
    registry, modes and keys stay as they are: the test pushes its screen itself (``show``)."""
    from dataclasses import replace

    from station_tui.domain import kinds
    from station_tui.screens import registry

    monkeypatch.setitem(kinds.BY_KEY, key, replace(kinds.BY_TABLE[table], key=key))
    records = registry.Records(kind=key, new=f"palette.new_{key}", open=f"palette.open_{key}", form=form)
    monkeypatch.setitem(registry.BY_KIND, key, records)


async def show(pilot: Pilot, screen: Screen) -> None:
    """Push ``screen`` over whatever the app shows, and wait until its first page is in."""
    await pilot.app.push_screen(screen)
    await settle(pilot)


async def new_form(app: App[Any], pilot: Pilot, screen_key: str = "2") -> Any:
    """A new record's form, opened as a user does from the dashboard: the list's number key
    (2 宣讲, 3 活动, 4 人员), then c."""
    from station_tui.widgets.form import RecordForm

    await settle(pilot)
    await pilot.press(screen_key, "c")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, RecordForm)
    return form


async def new_lecture_form(app: App[Any], pilot: Pilot) -> Any:
    """The new-lecture form, from the dashboard: 2, then c."""
    from station_tui.screens.lecture_form import LectureForm

    form = await new_form(app, pilot, "2")
    assert isinstance(form, LectureForm)
    return form


async def open_roster(app: App[Any], pilot: Pilot, screen_key: str = "2") -> Any:
    """The 签到 roster of the first event listed, opened as a user does: the list's number key
    (2 宣讲, 3 活动), then a."""
    from station_tui.screens.attendance import AttendanceScreen

    await settle(pilot)
    await pilot.press(screen_key)
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AttendanceScreen)
    return screen


async def type_text(pilot: Pilot, text: str) -> None:
    """Type like a user (one key event per character), waiting for the screen once."""
    await pilot.press(*text)


def seed(store: Store) -> None:
    """A small, fixed station: the same rows every run, dates all before TODAY."""
    store.station.setup(the_station())
    ctx = {"today": TODAY}
    store.teams.add(Team(name="百姓宣讲队", category="科学理论宣讲"))
    store.teams.add(Team(name="文艺志愿服务队", category="文体活动开展"))
    topics = [
        "学习党的二十届四中全会精神",
        "乡村振兴政策解读",
        "反诈骗知识进万家",
        "新修订养老保险政策",
        "移风易俗倡导文明新风",
    ]
    forms = ["集中宣讲", "屋场会", "院落会", "田间课堂", "入户宣讲"]
    for i in range(12):
        day = date(2026, 11 - (i // 5), 20 - (i % 5) * 3)
        store.lectures.add(
            Lecture.model_validate(
                {
                    "date": day,
                    "start_time": time(9, 0),
                    "end_time": time(10, 30),
                    "topic": f"{topics[i % 5]}（第{i + 1}期）",
                    "speaker": ["李明", "赵红梅", "王建国"][i % 3],
                    "form": forms[i % 5],
                    "place": "村委会议室",
                    "audience": 30 + i * 5,
                },
                context=ctx,
            )
        )
    activities = [
        ("广场舞晚会", "健身体育服务"),
        ("科普讲座：非洲猪瘟防控", "科技与科普服务"),
        ("义务理发", "文化服务"),
        ("四点半课堂", "教育服务"),
        ("村庄环境大扫除", "文化服务"),
        ("太极拳培训", "健身体育服务"),
    ]
    for i, (title, platform) in enumerate(activities):
        store.activities.add(
            Activity.model_validate(
                {
                    "date": date(2026, 11 - (i // 3), 18 - i * 2),
                    "start_time": time(19, 0),
                    "end_time": time(21, 0),
                    "title": title,
                    "platform": platform,
                    "place": "文化广场",
                    "served": 40 + i * 10,
                    "volunteer_count": 3,
                    "volunteer_tenths": 45,
                },
                context=ctx,
            )
        )
    people = [
        ("张三", "男", 1968, "13812345678", True, "V0001"),
        ("李四", "男", 1975, "13987654321", False, None),
        ("王秀英", "女", 1972, "13700001111", True, "V0002"),
        ("曾小红", "女", 1990, None, False, None),
        ("赵红梅", "女", 1981, "15011112222", True, None),
    ]
    for name, gender, born, phone, volunteer, number in people:
        store.people.add(
            Person.model_validate(
                {
                    "name": name,
                    "gender": gender,
                    "birth_year": born,
                    "phone": phone,
                    "is_volunteer": volunteer,
                    "volunteer_no": number,
                    "skills": ["理发", "维修"] if volunteer else [],
                },
                context=ctx,
            )
        )


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


@contextmanager
def lectures_on_a_terminal(db_path: Path) -> Iterator[Terminal]:
    """The real app on an 80×24 pseudo-terminal over the seeded station, on its 宣讲 list
    (12 lectures); Ctrl+Q leaves it cleanly afterwards."""
    with Store(db_path) as store:
        seed(store)
    env = station_cli.environment(env={"TERM": "xterm-256color", "STATION_CURSOR_BLINK": "0"})
    with Terminal(station_cli.argv(db=db_path), env) as term:
        assert term.wait_for(r"签到 \d+ 人次"), term.text[-2000:]
        term.write(b"2")
        assert term.wait_for(r"共 12 条"), term.text[-2000:]
        yield term
        term.write(CTRL_Q)
        assert term.wait_exit() == 0, term.text[-2000:]
