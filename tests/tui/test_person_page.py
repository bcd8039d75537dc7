"""A person's page, opened from 人员 with Enter: identity, teams, the hours ledger by year with
year totals, the total and the stars; 补录 and 作废 by keyboard at 80×24, and the refusals."""

from __future__ import annotations

from datetime import date, time

from textual.widgets import DataTable

from station_tui.domain import Lecture, Person, TeamMember
from station_tui.domain.models import Attendance
from station_tui.screens.hours_forms import LateEntryForm, VoidForm
from station_tui.screens.people import PeopleScreen
from station_tui.screens.person_form import PersonForm
from station_tui.screens.person_page import PersonPageScreen
from station_tui.storage import Store
from tests.tui.conftest import current_screen, settle, table_rows, text_of, type_text, until


def a_volunteer_with_hours(store: Store) -> Person:
    """孙丽: 120 h in 2025 by 补录 (one star), 2 h on a 2026 lecture, a member of 百姓宣讲队."""
    sun = store.people.add(Person(name="孙丽", gender="女", birth_year=1979, phone="13600002222", is_volunteer=True,
                                  volunteer_no="V0099"))
    pid = str(sun.id)
    for month in range(1, 6):
        store.hours.late_entry(pid, date(2025, month, 10), 240, "纸质台账补录", "王秀英", content="防汛值守")
    lecture = store.lectures.add(Lecture(date=date(2026, 3, 2), topic="乡村振兴政策", start_time=time(9),
                                         end_time=time(11)))
    store.attendance.save_roster(added=[Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=pid,
                                                   role="志愿者", credited_tenths=20)])
    team = store.teams.by_name("百姓宣讲队")
    assert team is not None
    store.team_members.add(TeamMember(team_id=str(team.id), person_id=pid))
    return sun


async def open_page(app, pilot) -> PersonPageScreen:
    await settle(pilot)
    await pilot.press("4", "f")
    await type_text(pilot, "sl")
    await pilot.pause(0.3)
    await settle(pilot)
    assert isinstance(app.screen, PeopleScreen)
    await pilot.press("tab", "enter")
    await settle(pilot)
    page = app.screen
    assert isinstance(page, PersonPageScreen)
    await until(pilot, lambda: page.data is not None)
    await settle(pilot)
    return page


async def test_the_page_shows_the_ledger_by_year_the_total_and_the_stars(seeded, make_app) -> None:
    a_volunteer_with_hours(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        assert text_of(page.query_one("#person-identity")) == "孙丽 · 女 · 1979年生 · 136****2222 · 志愿者 V0099"
        assert text_of(page.query_one("#person-teams")) == "所属队伍：百姓宣讲队"
        hours = text_of(page.query_one("#person-hours"))
        assert "累计服务时长 122.0 小时" in hours and "★☆☆☆☆" in hours and "距2星还差 178.0 小时" in hours
        rows = table_rows(page.query_one(DataTable))
        assert rows[0][:4] == ["2026 年", "", "2.0", "全年合计"]
        assert rows[1][:4] == ["2026-03-02", "获得", "2.0", "乡村振兴政策"]
        assert rows[2][:4] == ["2025 年", "", "120.0", "全年合计"]
        assert [r[1] for r in rows[3:]] == ["补录"] * 5
        assert "共 6 条时长记录" in text_of(page.query_one("#person-status"))

        # The edit form is still one key away, and Esc comes back to the list.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(current_screen(app), PersonForm)
        await pilot.press("escape")
        await settle(pilot)
        assert current_screen(app) is page
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(current_screen(app), PeopleScreen)


async def test_late_entry_and_void_by_keyboard(seeded, make_app) -> None:
    sun = a_volunteer_with_hours(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        await pilot.press("b")
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, LateEntryForm)
        assert text_of(form.query_one("#form-title")) == "为 孙丽 补录时长"
        # A date box (today), then hours: 25 is refused under the box, in plain Chinese.
        await pilot.press("tab")
        await type_text(pilot, "25")
        await pilot.pause()
        assert "超过了一天（每条最多 24 小时）" in text_of(form.query_one("#e-tenths"))
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "3.5")
        # The event it was for: the latest one (the list is newest first), then what was done.
        await pilot.press("tab", "enter", "down", "enter")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "雪后清扫村道")
        await pilot.press("tab")
        await type_text(pilot, "当天未带签到表")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current_screen(app) is page
        await until(pilot, lambda: "累计服务时长 125.5 小时" in text_of(page.query_one("#person-hours")))
        late = next(x.entry for x in seeded.hours.lines(str(sun.id)) if x.entry.content == "雪后清扫村道")
        assert (late.entry_kind, late.tenths, late.operator, late.date) == ("补录", 35, "王秀英", app.today)
        latest = seeded.hours.recent_events(1)[0]
        assert (late.lecture_id or late.activity_id) == latest[1]
        table = page.query_one(DataTable)
        assert table_rows(table)[table.get_row_index(str(late.id))][3] == latest[3]  # shown by the event's title

        # On an earned entry, 作废 is refused and says where to correct it.
        table.move_cursor(row=[r[1] for r in table_rows(table)].index("获得"))
        await pilot.press("x")
        await settle(pilot)
        assert current_screen(app) is page
        assert any("来自签到记录" in str(n.message) for n in app._notifications)

        # The new 补录, voided with a reason; then voiding it again is refused.
        table.move_cursor(row=table.get_row_index(str(late.id)))
        await pilot.press("x")
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, VoidForm)
        assert "作废" in text_of(form.query_one("#form-title")) and "3.5 小时" in text_of(form.query_one("#form-title"))
        await type_text(pilot, "记错了人")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current_screen(app) is page
        await until(pilot, lambda: "累计服务时长 122.0 小时" in text_of(page.query_one("#person-hours")))
        table.move_cursor(row=table.get_row_index(str(late.id)))
        await pilot.press("x")
        await settle(pilot)
        assert current_screen(app) is page
        assert any("已经作废过了" in str(n.message) for n in app._notifications)
    assert seeded.hours.balance(str(sun.id)) == 1220


async def test_another_sessions_entry_shows_on_the_open_page(seeded, make_app, db_path) -> None:
    sun = a_volunteer_with_hours(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        # The township cadre, over SSH, enters 1.5 h for 孙丽 in their own session.
        with Store(db_path) as other:
            other.hours.late_entry(
                str(sun.id), date(2026, 5, 1), 15, "镇里统一组织", "组宣委员", content="森林防火巡护"
            )
        await until(pilot, lambda: "累计服务时长 123.5 小时" in text_of(page.query_one("#person-hours")), timeout=5)
        assert "森林防火巡护" in [r[3] for r in table_rows(page.query_one(DataTable))]
