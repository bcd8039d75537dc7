"""What people type is shown as they typed it, square brackets and all.

Rich and Textual read "[b]", "[/b]" or "[red]" inside a plain string as style markup. A
lecture whose topic held a closing tag with nothing to close (学习[/b]材料) stopped the whole
app as soon as the dashboard listed it, and "[i]张" showed as an italic 张. Records come
from forms, spreadsheets and other sessions alike: every screen that shows them is walked
here with such text in every kind of field.
"""

from __future__ import annotations

from datetime import date, time

from textual.widgets import DataTable

from station_tui.domain import Activity, Lecture, Person, Station, Team
from tests.conftest import TODAY
from tests.tui.conftest import settle

TOPIC = "学习[/b]材料[b]第1期"
SPEAKER = "[i]张"
TITLE = "[/]广场舞[i]"
NAME = "李[b]四"
TEAM = "[bold]巾帼队"


def plant(store) -> None:
    ctx = {"today": TODAY}
    team_id = store.teams.add(Team(name=TEAM, category="文体活动开展")).id
    store.lectures.add(Lecture.model_validate(
        {"date": date(2026, 11, 21), "start_time": time(9), "end_time": time(10), "topic": TOPIC,
         "speaker": SPEAKER, "form": "集中宣讲", "audience": 12}, context=ctx))
    store.activities.add(Activity.model_validate(
        {"date": date(2026, 11, 21), "title": TITLE, "platform": "文化服务", "team_id": team_id, "served": 9},
        context=ctx))
    store.people.add(Person.model_validate({"name": NAME, "gender": "男", "birth_year": 1960}, context=ctx))


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_every_screen_shows_bracketed_text_as_typed(seeded, make_app) -> None:
    plant(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        shown = screen_text(app)  # the dashboard's latest records
        assert TOPIC in shown and TITLE in shown, shown

        await pilot.press("2")
        await settle(pilot)
        shown = screen_text(app)
        assert TOPIC in shown and SPEAKER in shown, shown

        await pilot.press("a")  # 签到 of the newest lecture: its topic on top, a person added
        await settle(pilot)
        assert TOPIC in screen_text(app)
        await pilot.press(*"li")
        await settle(pilot)
        assert NAME in screen_text(app)  # among the picker's matches
        await pilot.press("enter")
        await settle(pilot)
        assert NAME in screen_text(app)  # on the roster
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("d")  # the delete question names the lecture
        await settle(pilot)
        assert TOPIC in screen_text(app)
        await pilot.press("n")
        await settle(pilot)

        await pilot.press("3")
        await settle(pilot)
        assert TITLE in screen_text(app)
        app.screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("enter")  # the activity's form: its team in the list box
        await settle(pilot)
        assert TEAM in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("4", "slash", *"li")
        await settle(pilot)
        assert NAME in screen_text(app)

        await pilot.press("ctrl+p", *"学习")
        await settle(pilot)
        assert TOPIC in screen_text(app)


async def test_brackets_typed_into_boxes_are_quoted_as_typed(seeded, make_app) -> None:
    """A form's message quotes the value it refuses, a list explains a month it cannot read, the
    header shows the station's name: as typed, never read as markup."""
    seeded.station.setup(Station(code="140311101201", name="甄家庄[/]实践站", township="府西街道",
                                 county="杏花岭区", manager="王秀英"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "甄家庄[/]实践站" in screen_text(app)

        await pilot.press("2", "slash", "tab", *"[/b]")  # the month box
        await pilot.pause(0.5)  # (the list waits for typing to pause)
        await settle(pilot)
        assert "月份格式应为" in str(app.screen.query_one("#list-status").render())

        await pilot.press("escape", "4", "c")
        await settle(pilot)
        await pilot.press(*"李四", "tab", "tab", "tab", *"[/b]")  # 手机号
        await settle(pilot)
        shown = screen_text(app)
        assert "“[/b]”" in shown, shown
