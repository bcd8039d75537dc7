"""队伍 and 阵地, keyboard only at 80×24: the screens of the 更多 menu (6, then t or v), the team
form with its leader and members, a team made from the activity form, a venue chosen in the
lecture form, and a person's teams on the person form."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, OptionList, Select

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.domain import Venue
from station_tui.screens.activity_form import ActivityForm
from station_tui.screens.lecture_form import LectureForm
from station_tui.screens.person_form import PersonForm
from station_tui.screens.team_form import LeaderPicker, QuickTeamForm, TeamForm
from station_tui.screens.teams import TeamListScreen
from station_tui.screens.venues import VenueListScreen
from station_tui.storage import Store
from tests.conftest import TODAY
from tests.tui.conftest import current_screen, new_form, settle, table_rows, text_of, type_text, until


def rows_of(app: Any) -> list[list[str]]:
    return table_rows(app.screen.query_one(DataTable))


def current_value(box: Select[Any]) -> object:
    """``box.value`` read afresh: mypy would carry a narrowing past the keys that change it."""
    return box.value


async def open_more(pilot: Any, letter: str) -> None:
    await settle(pilot)
    await pilot.press("6", letter)
    await settle(pilot)


async def pick_person(pilot: Any, typed: str) -> None:
    """Type into the focused person picker and take the best match."""
    await type_text(pilot, typed)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_team_with_a_local_category_its_leader_and_members(seeded: Store) -> None:
    # A local category added in settings.json ("10+N") is offered after the ten.
    settings = Settings(team_categories=[*Settings().team_categories, "巾帼"])
    app = StationApp(seeded, settings=settings, language="zh_CN", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "t")
        assert isinstance(app.screen, TeamListScreen)
        assert rows_of(app) == [["文艺志愿服务队", "文体活动开展", "", "0"], ["百姓宣讲队", "科学理论宣讲", "", "0"]]

        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TeamForm)
        await type_text(pilot, "巾帼志愿服务队")
        await pilot.press("tab", "enter", *["down"] * 11, "enter")  # the eleventh category: 巾帼
        assert form.query_one("#f-category", Select).value == "巾帼"
        await pilot.press("tab")
        await pick_person(pilot, "wxy")  # leader: 王秀英, by her initials
        assert form.query_one("#f-leader_id", LeaderPicker).value == str(seeded.people.search("王秀英")[0].id)
        await pilot.press("tab")
        await type_text(pilot, "每月第一个周六活动")
        await pilot.press("enter")  # Enter on the last box goes on to the members, not to saving
        assert current_screen(app) is form
        for typed in ("wxy", "zhm", "zs"):
            await pick_person(pilot, typed)
        members = form.query_one("#member-list", OptionList)
        assert [str(members.get_option_at_index(i).prompt).split()[0] for i in range(members.option_count)] == [
            "王秀英",
            "赵红梅",
            "张三",
        ]
        assert "共 3 人" in text_of(form.query_one("#members-count"))
        # 张三 came by mistake: on the member list, Delete takes him off again.
        await pilot.press("tab")
        assert form.focused is members and members.highlighted == 2
        await pilot.press("delete")
        await settle(pilot)
        assert "共 2 人" in text_of(form.query_one("#members-count"))

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TeamListScreen)
        assert ["巾帼志愿服务队", "巾帼", "王秀英", "2"] in rows_of(app)

    team = seeded.teams.by_name("巾帼志愿服务队")
    assert team is not None and (team.category, team.note) == ("巾帼", "每月第一个周六活动")
    leader = seeded.people.require(str(team.leader_id))
    assert leader.name == "王秀英"
    assert [p.name for p in seeded.teams.members(str(team.id))] == ["王秀英", "赵红梅"]
    assert seeded.query_value("SELECT count(*) FROM team_members") == 2  # 张三 was never stored


async def test_editing_a_team_removes_a_member_as_a_tombstone(seeded: Store, make_app: Any) -> None:
    people = {p.name: p for p in seeded.people.search(limit=10)}
    team = seeded.teams.by_name("百姓宣讲队")
    assert team is not None
    seeded.teams.save(
        team.model_copy(update={"leader_id": people["张三"].id}), add=[str(people["张三"].id), str(people["李四"].id)]
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "t")
        assert ["百姓宣讲队", "科学理论宣讲", "张三", "2"] in rows_of(app)
        await pilot.press("down", "enter")  # 百姓宣讲队 is second (by name)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TeamForm)
        await until(pilot, lambda: form.query_one("#member-list", OptionList).option_count == 2)
        assert form.query_one("#f-leader_id", LeaderPicker).value == str(people["张三"].id)
        assert not form.has_unsaved_changes()  # the leader and members read in are no edit
        form.query_one("#member-list").focus()
        await pilot.press("delete")  # 李四, the first (by pinyin: li < zhang)
        await settle(pilot)
        assert form.has_unsaved_changes()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ["百姓宣讲队", "科学理论宣讲", "张三", "1"] in rows_of(app)
    row = seeded.query_one("SELECT * FROM team_members WHERE person_id = ?", (people["李四"].id,))
    assert row is not None and (row["deleted"], row["row_version"]) == (1, 2)
    ops = [r[0] for r in seeded.query("SELECT op FROM outbox WHERE record_id = ? ORDER BY seq", (row["id"],))]
    assert ops == ["insert", "delete"]
    # The person form shows what the person belongs to, read only.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        names = [r[0] for r in rows_of(app)]
        await pilot.press(*["down"] * names.index("张三"), "e")  # Enter opens the person's page
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)
        await until(pilot, lambda: text_of(form.query_one("#person-teams")) == "百姓宣讲队")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*["up"] * 10, *["down"] * names.index("李四"), "e")
        await settle(pilot)
        await until(pilot, lambda: text_of(current_screen(app).query_one("#person-teams")) == "（无）")


async def test_a_leader_typed_but_not_chosen_is_explained(seeded: Store, make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "t")
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TeamForm)
        await type_text(pilot, "五老宣讲队")
        await pilot.press("tab", "tab")
        await type_text(pilot, "老王")
        await pilot.press("escape")  # closes the drop-down, the text stays
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current_screen(app) is form  # nothing saved, everything typed still there
        assert "还没有从名单中选定" in text_of(form.query_one("#e-leader_id"))
    assert seeded.teams.by_name("五老宣讲队") is None


async def test_the_activity_form_chooses_a_team_or_makes_one_without_leaving(seeded: Store, make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_form(app, pilot, "3")
        assert isinstance(form, ActivityForm)
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "护河巡查")
        await pilot.press("tab", "enter", "down", "down", "down", "enter")  # 平台: 文化服务
        box = form.query_one("#f-team_id", Select)
        # The station's teams, then the line that makes a new one.
        labels = [str(label) for label, value in box._options if value is not Select.NULL]
        assert labels == ["文艺志愿服务队", "百姓宣讲队", "＋ 新建队伍……（Ctrl+T）"]
        box.focus()
        await pilot.press("enter", "down", "down", "down", "enter")  # the last line: 新建队伍
        await settle(pilot)
        quick = app.screen
        assert isinstance(quick, QuickTeamForm)
        assert box.value is Select.NULL  # the 新建 line is never the value
        await type_text(pilot, "护河志愿队")
        await pilot.press("tab", "enter", *["down"] * 8, "enter")  # 农村环境整治
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current_screen(app) is form  # back in the activity form, nothing typed lost
        assert form.query_one("#f-title", Input).value == "护河巡查"
        team = seeded.teams.by_name("护河志愿队")
        assert team is not None and team.category == "农村环境整治"
        assert current_value(box) == str(team.id)
        labels = [str(label) for label, value in box._options if value is not Select.NULL]
        assert labels == ["护河志愿队", "文艺志愿服务队", "百姓宣讲队", "＋ 新建队伍……（Ctrl+T）"]  # as SQLite sorts

        # Ctrl+T, then Esc: nothing made, the team chosen stays chosen.
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(current_screen(app), QuickTeamForm)
        await pilot.press("escape")
        await settle(pilot)
        assert current_screen(app) is form and current_value(box) == str(team.id)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(current_screen(app), ActivityForm)
    stored = seeded.query_one("SELECT team_id, platform FROM activities WHERE title = '护河巡查'")
    assert stored is not None and tuple(stored) == (team.id, "文化服务")


async def test_the_venues_screen_and_a_venue_chosen_in_the_lecture_form(seeded: Store, make_app: Any) -> None:
    seeded.venues.add(Venue(name="村委会议室", address="村委会二楼", capacity=60))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "v")
        assert isinstance(app.screen, VenueListScreen)
        assert rows_of(app) == [["村委会议室", "村委会二楼", "60", ""]]
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "新时代文明实践站活动室")
        await pilot.press("tab")
        await type_text(pilot, "党群服务中心二楼")
        await pilot.press("tab")
        await type_text(pilot, "80")
        await pilot.press("tab")
        await type_text(pilot, "音响和投影仪")
        await pilot.press("tab")
        await type_text(pilot, "每天 8:30-17:30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VenueListScreen)
        assert ["新时代文明实践站活动室", "党群服务中心二楼", "80", "每天 8:30-17:30"] in rows_of(app)

        form = await new_form(app, pilot, "2")
        assert isinstance(form, LectureForm)
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "移风易俗宣讲")
        await pilot.press("tab", "tab", "tab")  # 宣讲人, 形式, then 阵地
        venue_box = form.query_one("#f-venue_id", Select)
        assert form.focused is venue_box
        labels = [str(label) for label, value in venue_box._options if value is not Select.NULL]
        assert labels == ["新时代文明实践站活动室（党群服务中心二楼）", "村委会议室（村委会二楼）"]
        await pilot.press("enter", "down", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LectureForm)
        # The lecture is found by its venue's name, though its 地点 was left empty.
        await pilot.press("f")
        await type_text(pilot, "活动室")
        await pilot.pause(0.3)
        await settle(pilot)
        assert [r[1] for r in rows_of(app)] == ["移风易俗宣讲"]
    venue = seeded.query_one("SELECT * FROM venues WHERE name = '新时代文明实践站活动室'")
    assert venue is not None
    assert (venue["capacity"], venue["facilities"], venue["open_hours"]) == (80, "音响和投影仪", "每天 8:30-17:30")
    lecture = seeded.query_one("SELECT venue_id, place FROM lectures WHERE topic = '移风易俗宣讲'")
    assert lecture is not None and tuple(lecture) == (venue["id"], None)


async def test_a_deleted_venue_stays_on_the_records_held_there(seeded: Store, make_app: Any) -> None:
    """Deleting a venue leaves the lectures held there as they were: opening one and saving it
    keeps its 阵地 (the list box still offers it) rather than dropping it unseen."""
    from datetime import date

    from station_tui.domain import Lecture

    hall = seeded.venues.add(Venue(name="老戏台"))
    lecture = seeded.lectures.add(
        Lecture.model_validate({"date": date(2026, 11, 21), "topic": "戏曲进乡村", "venue_id": hall.id},
                               context={"today": TODAY})
    )  # fmt: skip
    seeded.venues.delete(str(hall.id))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert rows_of(app)[0][1] == "戏曲进乡村"
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LectureForm)
        assert current_value(form.query_one("#f-venue_id", Select)) == str(hall.id)
        form.query_one("#f-audience", Input).value = "45"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(current_screen(app), LectureForm)
    stored = seeded.lectures.require(str(lecture.id))
    assert (stored.venue_id, stored.audience) == (str(hall.id), 45)


async def test_members_added_over_ssh_show_on_the_team_list_within_two_seconds(
    seeded: Store, db_path: Any, make_app: Any
) -> None:
    from station_tui.storage import Actor

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "t")
        assert ["百姓宣讲队", "科学理论宣讲", "", "0"] in rows_of(app)
        # The township adds two members and a leader over SSH while the list is shown here.
        with Store(db_path, actor=Actor(user="township", ssh_client="10.0.0.9")) as other:
            people = {p.name: str(p.id) for p in other.people.search(limit=10)}
            team = other.teams.by_name("百姓宣讲队")
            assert team is not None
            other.teams.save(team.model_copy(update={"leader_id": people["赵红梅"]}),
                             add=[people["赵红梅"], people["王秀英"]])  # fmt: skip
        await until(pilot, lambda: ["百姓宣讲队", "科学理论宣讲", "赵红梅", "2"] in rows_of(app), timeout=2.5)


async def test_a_team_name_already_taken_is_refused_with_everything_kept(seeded: Store, make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await new_form(app, pilot, "3")
        await pilot.press("ctrl+t")
        await settle(pilot)
        quick = app.screen
        assert isinstance(quick, QuickTeamForm)
        await type_text(pilot, "百姓宣讲队")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current_screen(app) is quick
        assert quick.query_one("#f-name", Input).value == "百姓宣讲队"
        said = [n.message for n in app._notifications]
        assert any("已有名为“百姓宣讲队”的队伍，请换一个名称" in m for m in said), said
        await pilot.press("escape", "y")
        await settle(pilot)
        assert current_screen(app) is form
    assert seeded.query_value("SELECT count(*) FROM teams WHERE name = '百姓宣讲队'") == 1


async def test_a_team_changed_meanwhile_asks_theirs_or_mine_naming_both_leaders(
    seeded: Store, db_path: Any, make_app: Any
) -> None:
    from station_tui.modals.conflict import ConflictModal
    from station_tui.storage import Actor

    people = {p.name: str(p.id) for p in seeded.people.search(limit=10)}
    team = seeded.teams.by_name("百姓宣讲队")
    assert team is not None
    seeded.teams.save(team.model_copy(update={"leader_id": people["张三"]}), add=[people["张三"]])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_more(pilot, "t")
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TeamForm)
        await until(pilot, lambda: form.query_one("#f-leader_id", LeaderPicker).value == people["张三"])
        # The township makes 王秀英 the leader over SSH while the form is open here.
        with Store(db_path, actor=Actor(user="township")) as other:
            theirs = other.teams.require(str(team.id))
            other.teams.save(theirs.model_copy(update={"leader_id": people["王秀英"]}))
        form.query_one("#f-note", Input).focus()
        await type_text(pilot, "周三活动")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        assert ["负责人", "王秀英", "张三"] in [list(row) for row in modal.rows]
        await pilot.press("m")  # 保留我的
        await settle(pilot)
        assert isinstance(current_screen(app), TeamListScreen)
    saved = seeded.teams.require(str(team.id))
    assert (saved.leader_id, saved.note) == (people["张三"], "周三活动")


async def test_the_countys_category_list_is_the_one_offered_once_it_sent_one(seeded: Store, make_app: Any) -> None:
    import json

    with seeded.write() as conn:
        conn.execute(
            "INSERT INTO county_items (id, kind, township, station, body, seq, feed_id, published_at, received_at)"
            " VALUES ('categories:team', 'categories', NULL, NULL, ?, 1, 'feed', '2026-11-01T00:00:00Z',"
            " '2026-11-01T08:00:00')",
            (json.dumps({"kind": "team", "items": ["五老宣讲队", "红色文艺轻骑兵"]}, ensure_ascii=False),),
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.team_categories == ["五老宣讲队", "红色文艺轻骑兵"])
        await open_more(pilot, "t")
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TeamForm)
        assert form.categories() == ["五老宣讲队", "红色文艺轻骑兵"]
        await type_text(pilot, "五老队")
        await pilot.press("tab", "enter", "down", "down", "enter")  # past the blank line, the second
        assert form.query_one("#f-category", Select).value == "红色文艺轻骑兵"
