"""签到's one-key fillers (Ctrl+T a whole team, Ctrl+R an earlier roster) and the lecture form's
speaker chosen from the people, driven by keys in the real app at 80×24."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from station_tui.screens.attendance import AttendanceScreen, RosterTable
from station_tui.screens.attendance_source import SourceDialog
from station_tui.screens.lecture_form import LectureForm
from station_tui.storage import Store
from station_tui.widgets.speaker_box import SpeakerBox
from tests.tui.conftest import current_screen, settle, table_rows, text_of, until
from tests.tui.test_roster_keystrokes import REGULARS, SPEAKER, TEAM, village


def _status(app: object) -> str:
    return text_of(app.screen.query_one("#status", Static))  # type: ignore[attr-defined]


def _options(app: object) -> list[str]:
    options = app.screen.query_one(OptionList)  # type: ignore[attr-defined]
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_whole_team_once_and_an_earlier_roster(store: Store, make_app) -> None:
    village(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        screen = current_screen(app)
        assert isinstance(screen, AttendanceScreen)
        assert len(table_rows(screen.query_one(RosterTable))) == 1 + len(REGULARS)  # the last lecture's

        # Ctrl+T lists the teams with their sizes; Esc leaves the roster as it was.
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(current_screen(app), SourceDialog)
        listed = _options(app)
        assert [line.split()[0] for line in listed] == ["文艺志愿服务队", "百姓宣讲队"]
        assert "5 人" in listed[0] and "0 人" in listed[1]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(current_screen(app), AttendanceScreen)
        assert screen.draft is not None and not screen.draft.is_dirty

        # The team: four join as volunteers, 王秀英 (a regular, already there) is not added again.
        await pilot.press("ctrl+t", "enter")
        await settle(pilot)
        assert _status(app) == "已从队伍“文艺志愿服务队”加入 4 人，1 人已在名单上，未重复加入"
        rows = {r[1]: r[4] for r in table_rows(screen.query_one(RosterTable))}
        assert [rows[name] for name in TEAM] == ["志愿者"] * 4 + ["群众"]
        await pilot.press("ctrl+t", *"文艺", "enter")
        await settle(pilot)
        assert _status(app) == "已从队伍“文艺志愿服务队”加入 0 人，5 人已在名单上，未重复加入"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(store.attendance.named_people("lecture", str(screen.event_id))) == 1 + len(REGULARS) + 4

        # Ctrl+R on a new lecture: the earlier rosters newest first, this one not among them.
        await pilot.press("escape", "c", "tab", *"9:00", "tab", *"10:00", "tab", *"新的一场", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        listed = _options(app)
        assert len(listed) == 1 and "移风易俗倡导文明新风" in listed[0] and "23 人" in listed[0]
        await pilot.press(*"没有这个")
        await settle(pilot)
        assert _options(app) == []
        assert "没有找到有名单的宣讲或活动" in text_of(app.screen.query_one("#source-empty", Static))
        await pilot.press("ctrl+u", "enter")
        await settle(pilot)
        assert _status(app).startswith("已从2026-11-15“移风易俗倡导文明新风”的名单加入 23 人")
        lines = {r[1]: (r[4], r[5], r[6], r[7]) for r in table_rows(current_screen(app).query_one(RosterTable))}
        assert lines[SPEAKER] == ("宣讲员", "09:00", "10:00", "1.0")  # this lecture's hour, not the last one's two
        assert lines["罗晓燕"] == ("志愿者", "09:00", "10:00", "1.0")
        assert lines[REGULARS[0]] == ("群众", "", "", "—")


async def test_the_speaker_chosen_changed_and_made_an_outside_name_in_the_form(store: Store, make_app) -> None:
    village(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "e")  # the last lecture, whose speaker was typed as a name
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, LectureForm)
        box = form.query_one(SpeakerBox)
        assert (box.value, box.speaker_id) == (SPEAKER, None)
        # Choose 李建国 the person: type his initials, Enter picks him, the focus moves on.
        await pilot.press("tab", "tab", "tab", "tab", "ctrl+u", *"ljg")
        await until(pilot, lambda: box.is_open)
        await pilot.press("enter")
        await settle(pilot)
        assert box.value == SPEAKER and box.speaker_id is not None
        assert not box.is_open and not box.query_one("#picker-input").has_focus
        chosen = box.speaker_id
        await pilot.press("ctrl+s")
        await settle(pilot)
        lecture = store.lectures.page()[0]
        assert lecture.speaker_id == chosen
        lines = store.attendance.named_people("lecture", str(lecture.id))
        assert [(p.name, role) for p, role in lines if p.name == SPEAKER] == [(SPEAKER, "宣讲员")]  # once

        # An outside speaker: a name nobody has, Enter on the drop-down's last line keeps it as text.
        await pilot.press("e")
        await settle(pilot)
        box = current_screen(app).query_one(SpeakerBox)
        assert box.speaker_id == lecture.speaker_id
        await pilot.press("tab", "tab", "tab", "tab", "ctrl+u", *"王教授")
        await until(pilot, lambda: box.is_open)
        assert "只记名字“王教授”" in _options(app)[-1]
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        lecture = store.lectures.page()[0]
        assert (lecture.speaker, lecture.speaker_id) == ("王教授", None)
        # 李建国 was on the roster as its speaker only: his line has gone with him.
        assert SPEAKER not in [p.name for p, _ in store.attendance.named_people("lecture", str(lecture.id))]


async def test_initials_left_in_the_speaker_box_are_not_kept_as_a_name(store: Store, make_app) -> None:
    village(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c", "tab", "tab", "tab", *"学习", "tab", *"ljg")
        await settle(pilot)
        await pilot.press("tab", "ctrl+s")  # left without picking anyone
        await settle(pilot)
        form = current_screen(app)
        assert isinstance(form, LectureForm)  # not saved
        assert "“ljg”像是拼音" in text_of(form.query_one("#e-speaker", Static))
        assert store.lectures.count() == 1


async def test_a_clash_over_the_speaker_shows_names_not_ids(store: Store, make_app) -> None:
    from station_tui.modals.conflict import ConflictModal

    people = village(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "e")
        await settle(pilot)
        # Meanwhile the township makes 王秀英 the speaker of the same lecture.
        lecture = store.lectures.page()[0]
        store.lectures.update(lecture.model_copy(update={"speaker": "王秀英", "speaker_id": str(people["王秀英"].id)}))
        await pilot.press("tab", "tab", "tab", "tab", "ctrl+u", *"ljg")
        await until(pilot, lambda: current_screen(app).query_one(SpeakerBox).is_open)
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        modal = current_screen(app)
        assert isinstance(modal, ConflictModal)
        assert modal.rows == [("宣讲人", "王秀英", SPEAKER)]
