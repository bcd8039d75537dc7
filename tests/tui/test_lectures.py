"""Recording a lecture with the keyboard only, and seeing it in the list and on the dashboard."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Static

from station_tui.screens.dashboard import DashboardScreen
from station_tui.screens.lecture_form import LectureForm
from station_tui.screens.lectures import LectureListScreen
from tests.tui.conftest import new_lecture_form, settle, table_rows, text_of, type_text


async def test_new_lecture_shows_in_list_and_dashboard(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        figures = text_of(app.screen.query_one("#dash-figures", Static))
        assert "宣讲 5 场" in figures

        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LectureListScreen)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LectureForm)
        # The date is filled in with today; move on to the times and the topic.
        await pilot.press("tab")
        await type_text(pilot, "14点")  # as typed with a pinyin IME
        await pilot.press("tab")
        await type_text(pilot, "15：30")
        await pilot.press("tab")
        await type_text(pilot, "村规民约宣讲")
        await pilot.press("tab")
        await type_text(pilot, "刘书记")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, LectureListScreen)
        rows = table_rows(app.screen.query_one(DataTable))
        assert rows[0][:3] == ["2026-11-22", "村规民约宣讲", "刘书记"]
        assert "共 13 条" in text_of(app.screen.query_one("#list-status"))

        await pilot.press("1")
        await settle(pilot)
        assert "宣讲 6 场" in text_of(app.screen.query_one("#dash-figures", Static))
        platforms = text_of(app.screen.query_one("#dash-platforms", Static))
        assert "理论宣讲          6 / 4" in platforms or "6 / 4" in platforms
    stored = seeded.lectures.page(limit=1)[0]
    assert stored.topic == "村规民约宣讲"
    assert (str(stored.start_time), str(stored.end_time)) == ("14:00:00", "15:30:00")


async def test_form_explains_errors_and_keeps_what_was_typed(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lecture_form(app, pilot)
        await pilot.press("tab")
        await type_text(pilot, "10:00")
        await pilot.press("tab")
        await type_text(pilot, "09:00")
        await pilot.press("tab")
        await type_text(pilot, "讲政策")
        await pilot.pause()
        # The time order is a field check: it is explained under 结束时间, and the summary counts it.
        assert "结束时间 09:00 不能早于或等于开始时间 10:00" in text_of(form.query_one("#e-end_time"))
        assert "还有 1 处需要修改" in text_of(form.query_one("#form-problem"))
        assert form.query_one("#form-save", Button).disabled
        # Ctrl+S refuses: nothing is saved and nothing typed is lost.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-topic").value == "讲政策"
        assert form.query_one("#f-end_time").value == "09:00"
        # A date in the future is explained under the field.
        date_box = form.query_one("#f-date")
        date_box.value = "2027-01-01"
        await pilot.pause()
        assert "晚于今天" in text_of(form.query_one("#e-date"))
    assert seeded.lectures.count() == 12


async def test_delete_asks_first_and_soft_deletes(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        first = table_rows(app.screen.query_one(DataTable))[0]
        await pilot.press("d")
        await settle(pilot)
        assert first[1] in text_of(app.screen.query_one("#confirm-question"))
        await pilot.press("n")  # said no: still there
        await settle(pilot)
        assert seeded.lectures.count() == 12
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        rows = table_rows(app.screen.query_one(DataTable))
        assert first not in rows
    assert seeded.lectures.count() == 11
    assert seeded.query_one("SELECT count(*) FROM lectures WHERE deleted = 1")[0] == 1


async def test_month_filter_and_date_order(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "f", "tab")
        await type_text(pilot, "2026年10月")
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(pilot)
        dates = [r[0] for r in table_rows(app.screen.query_one(DataTable))]
        assert dates == ["2026-10-20", "2026-10-17", "2026-10-14", "2026-10-11", "2026-10-08"]
        await pilot.press("s")
        await settle(pilot)
        assert [r[0] for r in table_rows(app.screen.query_one(DataTable))] == sorted(dates)
        await pilot.press("f", "tab", "ctrl+u")
        await type_text(pilot, "2026-13")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "月份格式应为" in text_of(app.screen.query_one("#list-status"))


async def test_the_list_shows_the_audience_the_figures_count(seeded, make_app) -> None:
    """Typed 受众人数 0, three villagers signed in: the list says 3, as the dashboard does."""
    from datetime import date

    from station_tui.domain import Attendance, Lecture, Person

    lecture = seeded.lectures.add(Lecture(date=date(2026, 11, 21), topic="防范电信诈骗", audience=0))
    people = [seeded.people.add(Person(name=n)) for n in ("赵一", "钱二")]
    seeded.attendance.save_roster(added=[
        *(Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=p.id, role="群众") for p in people),
        Attendance(event_kind="lecture", event_id=str(lecture.id), headcount=1),
    ])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        rows = table_rows(app.screen.query_one(DataTable))
        (row,) = [r for r in rows if r[1] == "防范电信诈骗"]
        assert row[-1] == "3"
