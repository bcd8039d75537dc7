"""The 群众点单 screen (更多 → d) driven by keys in the real app: the list with masked phones,
pinyin search and filters, moves by their keys (a refusal said plainly, a dialog's refusal kept
in the dialog), the request form, an activity's line naming the requests it served, and the
dashboard's line."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import DataTable, Select

from station_tui.domain.models import Request
from station_tui.domain.request_flow import Move
from station_tui.storage import Store
from tests.tui.conftest import settle, table_rows, text_of, type_text, until


def _requests(store: Store) -> dict[str, str]:
    team = store.teams.by_name("百姓宣讲队")
    assert team is not None
    activity = store.activities.page(limit=1)[0]
    wang = store.requests.add(
        Request(
            received_on=date(2026, 11, 2),
            wish="修补漏雨的屋顶",
            requester="王大妈",
            phone="13812345678",
            request_type="生活帮扶",
        )
    )
    zeng = store.requests.add(
        Request(received_on=date(2026, 10, 9), wish="教用智能手机", requester="曾小红", request_type="技能培训")
    )
    done = store.requests.add(Request(received_on=date(2026, 11, 5), wish="讲讲养老保险", requester="赵大爷"))
    for move in (
        Move("assign", team_id=str(team.id)),
        Move("accept"),
        Move("complete", activity_id=str(activity.id)),
        Move("rate", rating=4, comment="讲得明白"),
    ):
        store.requests.move(str(done.id), move)
    return {"wang": str(wang.id), "zeng": str(zeng.id), "done": str(done.id), "activity": str(activity.id)}


async def _open(app: Any, pilot: Any) -> DataTable:
    await settle(pilot)
    await pilot.press("6", "d")
    await until(pilot, lambda: app.current_mode == "requests")
    table = app.screen.query_one(DataTable)
    await until(pilot, lambda: table.row_count > 0)
    return table


def _notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_list_masks_phones_and_finds_by_pinyin_state_and_month(seeded: Store, make_app: Any) -> None:
    ids = _requests(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        rows = table_rows(table)
        assert [r[1] for r in rows] == ["讲讲养老保险", "修补漏雨的屋顶", "教用智能手机"]  # newest 点单日期 first
        assert rows[1][:6] == ["2026-11-02", "修补漏雨的屋顶", "王大妈", "138****5678", "生活帮扶", "待处理"]
        assert rows[0][5] == "已评价"

        await pilot.press("slash")
        await type_text(pilot, "zxh")
        await until(pilot, lambda: [r[2] for r in table_rows(table)] == ["曾小红"])
        app.screen.query_one("#filter-text").value = ""
        await until(pilot, lambda: table.row_count == 3)

        app.screen.query_one("#filter-state", Select).value = "已评价"
        await until(pilot, lambda: [r[2] for r in table_rows(table)] == ["赵大爷"])
        app.screen.query_one("#filter-state", Select).clear()
        app.screen.query_one("#filter-month").focus()
        await type_text(pilot, "2026-10")
        await until(pilot, lambda: [r[2] for r in table_rows(table)] == ["曾小红"])
        assert "共 1 条" in text_of(app.screen.query_one("#list-status"))
    assert ids


async def test_the_english_ui_says_the_states_in_english(seeded: Store, make_app: Any) -> None:
    _requests(seeded)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        rows = table_rows(table)
        assert [r[5] for r in rows] == ["Rated", "Open", "Open"]
        # The filter offers the states in English and still filters by the stored word.
        app.screen.query_one("#filter-state", Select).value = "已评价"
        await until(pilot, lambda: [r[2] for r in table_rows(table)] == ["赵大爷"])
        await settle(pilot)
        assert text_of(app.screen.query_one("#filter-state SelectCurrent #label")) == "Rated"


async def test_moves_by_their_keys(seeded: Store, make_app: Any) -> None:
    ids = _requests(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        table = await _open(app, pilot)

        # A rated request takes no more moves: said plainly, no dialog, nothing written.
        table.move_cursor(row=0)
        before = seeded.pending_changes()
        await pilot.press("g")
        await until(pilot, lambda: any("已经“已评价”，不能再派单" in n for n in _notes(app)))
        assert not app.screen.query("#move-dialog") and seeded.pending_changes() == before

        # 王大妈's request: 接单 before 派单 is refused with what is allowed.
        table.move_cursor(row=1)
        await pilot.press("j")
        await until(
            pilot, lambda: any("现在是“待处理”，不能接单。现在可以：派单、拒绝、撤销、上报。" in n for n in _notes(app))
        )

        # 派单: the dialog refuses without a choice, keeps the note, then assigns to the team.
        await pilot.press("g")
        await until(pilot, lambda: app.screen.query("#move-dialog"))
        await pilot.press("tab")
        await type_text(pilot, "周六上午去")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "二选一" in text_of(app.screen.query_one("#move-problem")))
        assert app.screen.query_one("#move-note").value == "周六上午去"
        box = app.screen.query_one("#move-choice", Select)
        team_choice = next(v for label, v in box._options if str(label).startswith("队伍：百姓宣讲队"))
        box.value = team_choice
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.screen.query("#move-dialog"))
        await until(pilot, lambda: table_rows(app.screen.query_one(DataTable))[1][5] == "已派单")

        # 上报 needs a level and a reason.
        await pilot.press("u")
        await until(pilot, lambda: app.screen.query("#move-dialog"))
        app.screen.query_one("#move-choice", Select).value = "县"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "上报要写明原因" in text_of(app.screen.query_one("#move-problem")))
        app.screen.query_one("#move-note").focus()
        await type_text(pilot, "需要专业施工队")
        await pilot.press("enter")
        await until(pilot, lambda: table_rows(app.screen.query_one(DataTable))[1][5] == "已上报")

        # h: the history, oldest first.
        await pilot.press("h")
        await until(pilot, lambda: app.screen.query("#history-text"))
        history = text_of(app.screen.query_one("#history-text"))
        assert (
            history.index("点单")
            < history.index("派单  待处理→已派单  百姓宣讲队")
            < history.index("上报  已派单→已上报  县")
        )
        assert "周六上午去" in history and "需要专业施工队" in history and "138****5678" in history
        await pilot.press("escape")

    moves = seeded.requests.moves(ids["wang"])
    assert [(m.action, m.to_state, m.note) for m in moves] == [
        ("create", "待处理", None),
        ("assign", "已派单", "周六上午去"),
        ("escalate", "已上报", "需要专业施工队"),
    ]
    request = seeded.requests.require(ids["wang"])
    assert (request.state, request.escalated_to, request.team_id is not None) == ("已上报", "县", True)


async def test_a_new_request_from_the_form(seeded: Store, make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6", "d")
        await until(pilot, lambda: app.current_mode == "requests")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: app.screen.query("#f-wish"))
        assert app.screen.query_one("#f-expected_on").value == ""
        app.screen.query_one("#f-wish").focus()
        await type_text(pilot, "修水管")
        app.screen.query_one("#f-requester").focus()
        await type_text(pilot, "王大妈")
        app.screen.query_one("#f-phone").focus()
        await type_text(pilot, "12345")
        await settle(pilot)
        assert "手机号“12345”不对" in text_of(app.screen.query_one("#e-phone"))
        app.screen.query_one("#f-phone").value = "13812345678"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count == 1)
        assert table_rows(app.screen.query_one(DataTable))[0][1:4] == ["修水管", "王大妈", "138****5678"]
    (made,) = seeded.requests.page()
    assert (made.state, made.channel, made.received_on) == ("待处理", "当面", date(2026, 11, 22))
    assert [m.action for m in seeded.requests.moves(str(made.id))] == ["create"]


async def test_the_activity_form_names_the_requests_it_served(seeded: Store, make_app: Any) -> None:
    ids = _requests(seeded)
    activity = seeded.activities.require(ids["activity"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from station_tui.screens.forms import open_form

        open_form(app, "activity", ids["activity"])
        await until(pilot, lambda: app.screen.query("#served-requests"))
        line = text_of(app.screen.query_one("#served-requests"))
        assert line == "服务的点单：2026-11-05 赵大爷 讲讲养老保险（已评价）"
        assert activity.id


async def test_the_dashboard_counts_open_overdue_and_satisfaction(seeded: Store, make_app: Any) -> None:
    _requests(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        figures = text_of(app.screen.query_one("#dash-figures"))
        # TODAY is 2026-11-22: 王大妈's (11-02) and 曾小红's (10-09) are open and past 7 days.
        assert "点单：未办结 2，逾期 2，满意度 4.0" in figures


async def test_another_sessions_move_shows_within_two_seconds(seeded: Store, make_app: Any) -> None:
    ids = _requests(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        assert table_rows(table)[1][5] == "待处理"
        with Store(seeded.path) as township:  # the township's cadre over SSH, in a session of its own
            township.requests.move(ids["wang"], Move("reject", note="不在服务范围"), by="乡镇干部")
        await until(pilot, lambda: table_rows(app.screen.query_one(DataTable))[1][5] == "已拒绝", timeout=2.5)


async def test_the_countys_request_categories_are_the_ones_offered_once_it_sent_them(
    seeded: Store, make_app: Any
) -> None:
    import json

    with seeded.write() as conn:
        conn.execute(
            "INSERT INTO county_items (id, kind, township, station, body, seq, feed_id, published_at, received_at)"
            " VALUES ('categories:request', 'categories', NULL, NULL, ?, 1, 'feed', '2026-11-01T00:00:00Z',"
            " '2026-11-01T08:00:00')",
            (json.dumps({"kind": "request", "items": ["助老助残", "农技求助"]}, ensure_ascii=False),),
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.request_categories == ["助老助残", "农技求助"])
        await pilot.press("6", "d")  # no requests yet: an empty list
        await until(pilot, lambda: app.current_mode == "requests")
        await pilot.press("c")
        await until(pilot, lambda: app.screen.query("#f-request_type"))
        box = app.screen.query_one("#f-request_type", Select)
        assert [str(value) for _, value in box._options if value is not Select.NULL] == ["助老助残", "农技求助"]
