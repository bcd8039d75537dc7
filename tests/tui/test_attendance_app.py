"""签到 through the real station app: from the lecture list's `a` to the dashboard's counts."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from station_tui.screens.attendance import AttendanceScreen, RosterTable
from station_tui.screens.dashboard import DashboardScreen
from station_tui.screens.lectures import LectureListScreen
from station_tui.storage import Store
from station_tui.widgets.new_person import NewPersonForm
from tests.tui.conftest import current_screen, open_roster, settle, table_rows, text_of, until


async def test_lecture_roster_from_the_list_to_the_dashboard(seeded: Store, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        before = text_of(app.screen.query_one("#dash-figures", Static))
        assert "签到 0 人次" in before and "志愿服务 13.5 小时" in before

        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        topic = table_rows(app.screen.query_one(DataTable))[0][1]
        await pilot.press("a")
        await settle(pilot)
        screen = current_screen(app)
        assert isinstance(screen, AttendanceScreen)
        assert topic in text_of(screen.query_one("#event", Static))
        assert "09:00–10:30（1.5小时）" in text_of(screen.query_one("#event", Static))

        for initials in ("zs", "ls", "wxy"):
            await pilot.press(*initials)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        # Someone new, without leaving the roster: type the name, Enter on "new person".
        await pilot.press("刘", "芳")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(current_screen(app), NewPersonForm)
        assert app.screen.query_one("#name", Input).value == "刘芳"  # the typed name, pre-filled
        await pilot.press("tab", "tab", *"1979", "ctrl+s")
        await settle(pilot)
        assert current_screen(app) is screen
        rows = table_rows(screen.query_one(RosterTable))
        assert [r[1] for r in rows] == ["张三", "李四", "王秀英", "刘芳"]

        # 王秀英 serves as a volunteer: r cycles the role, hours come from the lecture's times.
        await pilot.press("tab", "up", "r")
        rows = table_rows(screen.query_one(RosterTable))
        assert rows[2][1:] == ["王秀英", "女", "137****1111", "志愿者", "09:00", "10:30", "1.5", ""]
        await pilot.press("h", *"20", "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert "已保存签到名单：4 人，不记名 20 人" in text_of(screen.query_one("#status", Static))

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        await pilot.press("1")
        await settle(pilot)
        figures = text_of(app.screen.query_one("#dash-figures", Static))
        # Four named lines and a headcount of 20 are person-times; the volunteer's 1.5 hours add up.
        assert "签到 24 人次" in figures
        assert "志愿服务 15.0 小时" in figures


async def test_attendance_screen_in_english(seeded: Store, make_app) -> None:
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(app, pilot, "3")
        assert "Attendance (activity)" in text_of(screen.query_one("#event", Static))
        await pilot.press(*"zhm")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Added 赵红梅 (Volunteer)" in text_of(app.screen.query_one("#status", Static))
        assert "volunteer hours 2.0" in text_of(app.screen.query_one("#summary", Static))


async def test_another_sessions_roster_change_shows_up_unless_editing(seeded: Store, make_app) -> None:
    from station_tui.domain import Attendance
    from station_tui.storage import Actor

    lecture = seeded.lectures.page(limit=1)[0]
    (zhang,) = seeded.people.search("张三")
    (li,) = seeded.people.search("李四")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AttendanceScreen)
        assert table_rows(screen.query_one(RosterTable)) == []

        township = Store(seeded.path, actor=Actor(user="township", program="ssh"))
        township.attendance.add(
            Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=zhang.id, role="群众")
        )
        # The app polls for other sessions' commits every second (slower on a loaded machine).
        await until(pilot, lambda: len(table_rows(screen.query_one(RosterTable))) == 1)
        assert [r[1] for r in table_rows(screen.query_one(RosterTable))] == ["张三"]

        # While this user edits, the other session's change does not wipe what they did.
        await pilot.press(*"ls")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        township.attendance.add(Attendance(event_kind="lecture", event_id=str(lecture.id), headcount=12))
        township.close()
        version = app.generation
        await until(pilot, lambda: app.generation > version)  # the app has seen the commit
        await settle(pilot)
        assert [r[1] for r in table_rows(screen.query_one(RosterTable))] == ["张三", "李四"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        names = [r[1] for r in table_rows(screen.query_one(RosterTable))]
        assert sorted(names) == sorted(["张三", "李四", "不记名 12 人"])
    assert li.id in {ln.attendance.person_id for ln in seeded.attendance.roster("lecture", str(lecture.id))}


async def test_quitting_with_an_unsaved_roster_asks_first(seeded: Store, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        await pilot.press(*"ls")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert "还有填写了但没有保存的内容" in text_of(app.screen.query_one("#confirm-question", Static))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert [r[1] for r in table_rows(app.screen.query_one(RosterTable))] == ["李四"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")  # saved: quits at once
        await settle(pilot)
        assert app.return_code == 0 and not app.is_running


async def test_after_saving_the_highlight_stays_on_the_same_person(seeded: Store, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(app, pilot)
        for initials in ("zs", "ls", "wxy"):
            await pilot.press(*initials)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        # 王秀英 becomes a volunteer, then the highlight goes back up to 张三.
        await pilot.press("tab", "r", "up", "up")
        table = screen.query_one(RosterTable)
        assert table_rows(table)[table.cursor_row][1] == "张三"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Saved, the roster reads volunteers first: 张三 moved down, and the highlight with him.
        assert [r[1] for r in table_rows(table)] == ["王秀英", "李四", "张三"]
        assert table_rows(table)[table.cursor_row][1] == "张三"
        await pilot.press("r")
        assert "张三 改为 志愿者" in text_of(screen.query_one("#status", Static))
        assert [r[4] for r in table_rows(table)] == ["志愿者", "群众", "志愿者"]
