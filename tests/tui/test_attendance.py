"""The 签到 roster editor, driven by keyboard only, against a real station database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from station_tui.config import Settings
from station_tui.domain import Attendance
from station_tui.screens.attendance import AttendanceScreen, RosterTable
from station_tui.screens.attendance_line import LineEditor
from station_tui.storage import Actor, Store
from station_tui.widgets.new_person import NewPersonForm
from station_tui.widgets.person_picker import PersonPicker
from tests.tui.conftest import current_screen

from .roster_app import RosterApp, seed


async def settle(pilot: Pilot, times: int = 3) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(times):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def pick(pilot: Pilot, query: str) -> None:
    await pilot.press(*query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def status(app: RosterApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def roster(store: Store, kind: str, event_id: str) -> list[tuple[str, str | None, int, int | None]]:
    return sorted(
        (
            line.person.name if line.person else "-",
            line.attendance.role,
            line.attendance.credited_tenths,
            line.attendance.headcount,
        )
        for line in store.attendance.roster(kind, event_id)
    )


def table_names(app: RosterApp) -> list[str]:
    table = app.screen.query_one(RosterTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def outbox(store: Store, table: str) -> list[str]:
    return [r[0] for r in store.query("SELECT op FROM outbox WHERE tbl = ? ORDER BY seq", (table,))]


async def test_record_a_lecture_roster_by_keyboard(store: Store) -> None:
    lecture, _, _ = seed(store)
    people_changes = len(outbox(store, "people"))
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "学习贯彻党的二十届四中全会精神" in str(app.screen.query_one("#event", Static).render())
        assert "09:00–11:00" in str(app.screen.query_one("#event", Static).render())
        # Three attendees by pinyin initials.
        await pick(pilot, "zs")
        await pick(pilot, "ls")
        await pick(pilot, "ww")
        assert table_names(app) == ["张三", "李四", "王五"]
        assert "已加入 王五（群众）" in status(app)

        # One new person inline: nobody matches "sq", Enter offers "new person".
        await pick(pilot, "sq")
        assert isinstance(current_screen(app), NewPersonForm)
        await pilot.press("孙", "七", "tab", "tab", *"1985", "tab", *"13512345678", "tab", "space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        # Registered as a volunteer right here: joins as one, even at a lecture.
        assert "已新建并加入 孙七（志愿者）" in status(app)

        # Credit 1.5 of the 2 hours (e).
        await pilot.press("tab")
        assert app.screen.query_one(RosterTable).has_focus
        await pilot.press("e")
        assert isinstance(app.screen, LineEditor)
        assert app.screen.query_one("#hours", Input).value == "2.0"  # pre-filled from the event
        await pilot.press("backspace", "backspace", "backspace", *"1.5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)

        # A crowd nobody lists by name.
        await pilot.press("h", *"35", "ctrl+s")
        await settle(pilot)
        assert "已加入不记名 35 人" in status(app)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "名单 4 人 · 不记名 35 人 · 志愿服务 1.5 小时" in summary and "未保存" in summary
        assert roster(store, "lecture", str(lecture.id)) == []  # nothing written before saving

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已保存签到名单：4 人，不记名 35 人" in status(app)
        assert "未保存" not in str(app.screen.query_one("#summary", Static).render())

    assert roster(store, "lecture", str(lecture.id)) == [
        ("-", None, 0, 35),
        ("孙七", "志愿者", 15, None),
        ("张三", "群众", 0, None),
        ("李四", "群众", 0, None),
        ("王五", "群众", 0, None),
    ]
    (sun,) = store.people.search("孙七")
    assert (sun.birth_year, sun.phone, sun.is_volunteer) == (1985, "13512345678", True)
    volunteer = next(
        ln for ln in store.attendance.roster("lecture", str(lecture.id)) if ln.person and ln.person.name == "孙七"
    )
    assert (str(volunteer.attendance.sign_in), str(volunteer.attendance.sign_out)) == ("09:00:00", "11:00:00")
    assert outbox(store, "attendance") == ["insert"] * 5
    assert len(outbox(store, "people")) == people_changes + 1


async def test_hours_longer_than_the_event_are_refused_and_kept(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "ls")
        await pilot.press("tab", "r", "e")
        await pilot.press("backspace", "backspace", "backspace", *"2.5", "ctrl+s")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, LineEditor)  # still open
        problem = str(editor.query_one("#hours-problem", Static).render())
        assert "服务时长 2.5 小时超过了活动本身的时长（2.0 小时）" in problem
        assert editor.query_one("#hours", Input).value == "2.5"  # what was typed stays
        assert "请先改正" in str(editor.query_one("#message", Static).render())
        # Signing out early limits the hours too. (Esc asks before dropping the typed 2.5.)
        await pilot.press("escape", "y")
        await pilot.press("e", "shift+tab")
        assert editor is not app.screen
        assert app.screen.query_one("#sign_out", Input).has_focus
        await pilot.press(*["backspace"] * 5, *"10:00")
        await settle(pilot)
        assert app.screen.query_one("#hours", Input).value == "1.0"  # recomputed from the times


async def test_the_same_person_twice_is_refused(store: Store) -> None:
    lecture, _, people = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "zs")
        await pilot.press(*"zhangsan")
        await settle(pilot)
        await pilot.press("enter")  # only 张三 matches, shown dimmed as already there
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)  # not 新建人员 with an empty name
        assert "张三 已经在签到名单上了，同一人不能重复添加" in status(app)
        assert table_names(app) == ["张三"]
        picker = app.screen.query_one(PersonPicker)
        assert picker.text == "zhangsan" and picker.query_one(Input).has_focus  # nothing typed lost

        # Another session adds 李四 meanwhile; adding him here too is refused at save.
        other = Store(store.path, actor=Actor(user="township", program="pytest"))
        other.attendance.add(
            Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=people["李四"].id, role="群众")
        )
        other.close()
        await pilot.press("escape", *["backspace"] * 8)
        await pick(pilot, "ls")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "李四已经在签到名单上了" in status(app)
        assert table_names(app) == ["张三", "李四"]  # the draft is kept
    assert roster(store, "lecture", str(lecture.id)) == [("李四", "群众", 0, None)]


async def test_volunteers_at_an_activity_are_prefilled_and_the_share_rule_applies(store: Store) -> None:
    _, activity, _ = seed(store)
    app = RosterApp(store, "activity", str(activity.id), settings=Settings(min_attendance_share=0.6))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "zl")  # 赵六 is a volunteer: serving, credited the whole 2.5 hours
        table = app.screen.query_one(RosterTable)
        assert [str(c) for c in table.get_row_at(0)[4:8]] == ["志愿者", "14:00", "16:30", "2.5"]
        await pilot.press("tab", "e", "shift+tab", *["backspace"] * 5, *"15:00")
        await settle(pilot)
        # One hour of a 2.5-hour activity is 40%, below the 60% the province asks for.
        assert app.screen.query_one("#hours", Input).value == ""
        assert "0.0 小时" in str(app.screen.query_one("#computed", Static).render())
        await pilot.press("tab", *"1", "ctrl+s")
        await settle(pilot)
        assert "不足活动时长的 60%" in str(app.screen.query_one("#hours-problem", Static).render())


async def test_leaving_with_unsaved_changes_asks_first(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "ww")
        await pilot.press("escape")
        assert "离开前要保存吗" in str(app.screen.query_one("#body", Static).render())
        await pilot.press("escape")  # keep editing
        assert table_names(app) == ["王五"]
        await pilot.press("escape", "s")  # save and leave
        await settle(pilot)
        assert app.closed
    assert roster(store, "lecture", str(lecture.id)) == [("王五", "群众", 0, None)]


async def test_a_missing_event_says_so(store: Store) -> None:
    seed(store)
    app = RosterApp(store, "lecture", "no-such-id")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "找不到这场宣讲" in status(app)
        await pilot.press("escape")
        assert app.closed


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "station.db", actor=Actor(user="tester", program="pytest"))
    yield s
    s.close()


async def test_new_person_form_explains_problems_and_keeps_what_was_typed(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        form = app.screen
        assert isinstance(form, NewPersonForm)
        await pilot.press(*"zjg", "tab", "tab", *"19x5", "tab", *"1351234567", "ctrl+s")
        await settle(pilot)
        assert current_screen(app) is form
        problems = {w.id: str(w.render()) for w in form.query(".problem").results(Static)}
        assert "像是拼音，请切换到中文输入法" in problems["name-problem"]
        assert "出生年份：" not in problems["birth_year-problem"] and "整数" in problems["birth_year-problem"]
        assert "11 位手机号" in problems["phone-problem"]
        assert [form.query_one(f"#{f}", Input).value for f in ("name", "birth_year", "phone")] == [
            "zjg",
            "19x5",
            "1351234567",
        ]
        assert form.query_one("#name", Input).has_focus  # the first thing to fix
        # Fix everything and save: the person is stored and lands on the roster.
        # Tabbing into a field selects what is there, so typing replaces it.
        await pilot.press(*["backspace"] * 3, "刘", "芳", "tab", "tab", *"1985", "tab", *"13512345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert table_names(app) == ["刘芳"]
    (liu,) = store.people.search("lf")
    assert (liu.name, liu.birth_year, liu.phone) == ("刘芳", 1985, "13512345678")


async def test_escape_from_a_small_form_asks_before_dropping_what_was_typed(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "zs")
        await pilot.press("tab", "e", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("h", *"0", "ctrl+s")
        assert "人数应大于 0" in str(app.screen.query_one("#headcount-problem", Static).render())
        await pilot.press("escape")
        assert "放弃刚才填写的内容" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("n")  # keep editing: the typed count is still there
        assert isinstance(app.screen, LineEditor)
        assert app.screen.query_one("#headcount", Input).value == "0"
        await pilot.press("escape", "y")
        assert isinstance(app.screen, AttendanceScreen)
        assert table_names(app) == ["张三"]


async def test_full_width_digits_from_a_pinyin_ime_are_understood(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "ls")
        await pilot.press("tab", "r", "e", "shift+tab")
        app.screen.query_one("#sign_out", Input).value = "１０点半"
        hours = app.screen.query_one("#hours", Input)
        await settle(pilot)
        assert hours.value == "1.5"  # 09:00 to 10:30, recomputed
        hours.value = "１．２"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("h")
        app.screen.query_one("#headcount", Input).value = "２５"
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
    assert roster(store, "lecture", str(lecture.id)) == [("-", None, 0, 25), ("李四", "志愿者", 12, None)]


async def test_an_event_deleted_elsewhere_is_said_plainly_and_the_roster_kept(store: Store) -> None:
    lecture, _, _ = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "ww")
        store.lectures.delete(str(lecture.id))  # the township deletes the lecture meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "这场宣讲已被别人删除" in status(app)
        assert table_names(app) == ["王五"]
    assert store.query_value("SELECT count(*) FROM attendance") == 0


async def test_removing_a_line_leaves_a_tombstone_for_the_county(store: Store) -> None:
    lecture, _, people = seed(store)
    store.attendance.add_many(
        [
            Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=people[name].id, role="群众")
            for name in ("张三", "李四")
        ]
    )
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert table_names(app) == ["李四", "张三"]
        await pilot.press("tab", "delete")
        assert table_names(app) == ["张三"]
        assert "已移除 李四，按 Ctrl+S 保存后生效" in status(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert roster(store, "lecture", str(lecture.id)) == [("张三", "群众", 0, None)]
    tombstone = store.query("SELECT deleted, row_version FROM attendance WHERE person_id = ?", (people["李四"].id,))[0]
    assert tuple(tombstone) == (1, 2)
    assert outbox(store, "attendance")[-1] == "delete"  # the deletion travels to the county


@pytest.mark.parametrize(("answer", "expected_role"), [("m", "宣讲员"), ("t", "志愿者")])
async def test_a_line_changed_by_another_session_asks_whose_to_keep(
    store: Store, answer: str, expected_role: str
) -> None:
    from station_tui.modals.conflict import ConflictModal

    lecture, _, people = seed(store)
    line = store.attendance.add(
        Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=people["张三"].id, role="群众")
    )
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        roster_screen = app.screen
        await pilot.press("tab", "r", "r")  # 群众 -> 志愿者 -> 宣讲员, here
        other = Store(store.path, actor=Actor(user="township", program="ssh"))
        other.attendance.update(line.model_copy(update={"role": "志愿者", "note": "乡里核对"}))  # meanwhile
        other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        assert "张三的签到在您编辑期间被别人改过" in str(roster_screen.query_one("#status", Static).render())
        await pilot.press(answer)
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert ("已保存签到名单" if answer == "m" else "已换成对方的内容") in status(app)
    ((att, _),) = [(ln.attendance, ln.person) for ln in store.attendance.roster("lecture", str(lecture.id))]
    assert att.role == expected_role
    assert att.note == "乡里核对" if answer == "t" else att.row_version == 3


async def test_new_person_asks_before_making_a_twin(store: Store) -> None:
    from station_tui.modals.confirm import ConfirmModal

    lecture, _, people = seed(store)
    app = RosterApp(store, "lecture", str(lecture.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # 张三 again, with 张三's phone: asked, and "N" puts the stored 张三 on the roster.
        await pilot.press("ctrl+n", "张", "三", "tab", "tab", "tab", *"13812345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert str(app.screen.query_one("#confirm-question", Static).render()) == (
            "人员库里已有 张三（男，1968年生，138****5678），姓名和手机号都相同，很可能是同一个人。\n"
            "确实是另一个人就新建；是这位就直接使用已有的。"
        )
        assert str(app.screen.query_one("#confirm-no", Button).label) == "使用已有的 (N)"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert table_names(app) == ["张三"]
        assert "已加入 张三" in status(app)

        # 王五 (no phone, born 1952) again: "Y" makes a second 王五 and puts the new one on the roster.
        await pilot.press("ctrl+n", "王", "五", "tab", "tab", *"1952", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "姓名和出生年份都相同" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert table_names(app) == ["张三", "王五"]
        assert "已新建并加入 王五" in status(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    wangwu = [p for p in store.people.search("王五") if p.name == "王五"]
    assert len(wangwu) == 2
    on_roster = {ln.person.id for ln in store.attendance.roster("lecture", str(lecture.id)) if ln.person}
    assert on_roster == {people["张三"].id} | {p.id for p in wangwu if p.id != people["王五"].id}
