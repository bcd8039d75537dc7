"""Villager requests (微心愿) in a real station database: every move of the transition table
from every state, allowed or refused in plain words, each move a captured record of its own;
the form cannot move a request; the moves cannot be edited; search, figures and the dashboard's
open / overdue / satisfaction line."""

from __future__ import annotations

import sqlite3
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from station_tui.domain import explain
from station_tui.domain.models import Activity, Person, Request, Team
from station_tui.domain.request_flow import BY_ACTION, FINAL_STATES, TRANSITIONS, Move, MoveRefused, average_tenths
from station_tui.domain.vocab import REQUEST_STATES
from station_tui.storage import Store, figures
from station_tui.storage.repositories.requests import RequestFilter

#: How a request reaches each state through the moves.
PATHS: dict[str, tuple[str, ...]] = {
    "待处理": (),
    "已派单": ("assign",),
    "已接单": ("assign", "accept"),
    "已完成": ("assign", "accept", "complete"),
    "已评价": ("assign", "accept", "complete", "rate"),
    "已拒绝": ("reject",),
    "已撤销": ("withdraw",),
    "已上报": ("escalate",),
}
assert set(PATHS) == set(REQUEST_STATES)


@pytest.fixture
def made(store: Store, station: object) -> dict[str, str]:
    team = store.teams.add(Team(name="党员先锋队"))
    volunteer = store.people.add(Person(name="李志远", is_volunteer=True))
    activity = store.activities.add(Activity(date=date(2026, 11, 3), title="上门修屋顶", platform="文化服务"))
    return {"team": str(team.id), "volunteer": str(volunteer.id), "activity": str(activity.id)}


def full(action: str, made: dict[str, str]) -> Move:
    """The move with everything it needs."""
    return {
        "assign": Move("assign", team_id=made["team"]),
        "complete": Move("complete", activity_id=made["activity"]),
        "rate": Move("rate", rating=5, comment="很满意"),
        "reject": Move("reject", note="不在服务范围"),
        "decline": Move("decline", note="人手不够"),
        "escalate": Move("escalate", escalate_to="乡镇", note="需要施工队"),
        "answer": Move("answer", note="乡镇答复：下周派人"),
    }.get(action, Move(action))


def request_in(store: Store, state: str, made: dict[str, str], wish: str = "修补漏雨的屋顶") -> Request:
    request = store.requests.add(
        Request(
            received_on=date(2026, 11, 2), wish=wish, requester="王大妈", phone="13812345678", request_type="生活帮扶"
        )
    )
    for action in PATHS[state]:
        request = store.requests.move(str(request.id), full(action, made))
    assert request.state == state
    return request


def captured(store: Store) -> int:
    return int(store.query_value("SELECT count(*) FROM outbox"))


@pytest.mark.parametrize("action", list(BY_ACTION))
@pytest.mark.parametrize("state", REQUEST_STATES)
def test_every_move_from_every_state(store: Store, made: dict[str, str], state: str, action: str) -> None:
    request = request_in(store, state, made)
    rid = str(request.id)
    transition = BY_ACTION[action]
    before, moves_before = captured(store), store.requests.moves(rid)
    if state in transition.sources:
        moved = store.requests.move(rid, full(action, made), by="李明")
        assert moved.state == transition.target
        assert moved.row_version == request.row_version + 1
        *_, last = store.requests.moves(rid)
        assert (last.action, last.from_state, last.to_state, last.moved_by) == (
            action,
            state,
            transition.target,
            "李明",
        )
        # The request's change and the move's, in the same transaction.
        assert captured(store) == before + 2
        tables = [r[0] for r in store.query("SELECT tbl FROM outbox ORDER BY seq DESC LIMIT 2")]
        assert sorted(tables) == ["request_moves", "requests"]
    else:
        with pytest.raises(MoveRefused) as refused:
            store.requests.move(rid, full(action, made))
        message = refused.value.message
        assert f"“{state}”" in message and transition.label in message
        allowed = [t.label for t in TRANSITIONS if state in t.sources]
        if allowed:
            assert message.endswith(f"现在可以：{'、'.join(allowed)}。")
        else:
            assert state in FINAL_STATES and "已办结" in message
        # Nothing written at all.
        assert captured(store) == before and store.requests.moves(rid) == moves_before
        assert store.requests.require(rid) == request


def test_the_table_reaches_every_state_and_final_states_allow_nothing() -> None:
    assert {t.target for t in TRANSITIONS} | {"待处理"} == set(REQUEST_STATES)
    assert all(not [t for t in TRANSITIONS if s in t.sources] for s in FINAL_STATES)


@pytest.mark.parametrize(
    ("state", "move", "says"),
    [
        ("待处理", Move("assign"), "派单要选一支队伍或一位志愿者（二选一）。"),
        ("待处理", Move("assign", team_id="t", volunteer_id="p"), "二选一"),
        ("待处理", Move("reject"), "拒绝要写明原因。"),
        ("待处理", Move("reject", note="   "), "拒绝要写明原因。"),
        ("待处理", Move("escalate", note="办不了"), "上报要选上报到哪一级：乡镇或县。"),
        ("待处理", Move("escalate", escalate_to="县"), "上报要写明原因"),
        ("已完成", Move("rate"), "评价要打 1–5 颗星"),
        ("已完成", Move("rate", rating=6), "评价要打 1–5 颗星，收到“6”。"),
        ("已完成", Move("rate", rating=0), "评价要打 1–5 颗星，收到“0”。"),
        ("已上报", Move("answer"), "答复退回要写上级的答复。"),
        ("已派单", Move("decline"), "退单要写明原因。"),
        ("待处理", Move("assign", team_id="no-such-team"), "找不到这个队伍，可能已被删除。"),
        ("已接单", Move("complete", activity_id="no-such-activity"), "找不到这个活动"),
        ("待处理", Move("jump"), "没有“jump”这种操作。"),
    ],
)
def test_a_move_missing_what_it_needs_is_refused_plainly(
    store: Store, made: dict[str, str], state: str, move: Move, says: str
) -> None:
    request = request_in(store, state, made)
    before = captured(store)
    with pytest.raises(MoveRefused) as refused:
        store.requests.move(str(request.id), move)
    assert says in refused.value.message
    assert captured(store) == before


def test_moves_carry_their_target_and_reason(store: Store, made: dict[str, str]) -> None:
    request = request_in(store, "待处理", made)
    rid = str(request.id)
    store.requests.move(rid, Move("assign", volunteer_id=made["volunteer"]))
    store.requests.move(rid, Move("decline", note="生病了"))
    store.requests.move(rid, Move("escalate", escalate_to="县", note="需要危房改造补贴"))
    back = store.requests.move(rid, Move("answer", note="县里答复：已列入计划"))
    assert back.state == "待处理" and back.escalated_to == "县", "an escalation stays on record"
    store.requests.move(rid, Move("assign", team_id=made["team"]))
    store.requests.move(rid, Move("accept"))
    done = store.requests.move(rid, Move("complete", activity_id=made["activity"]))
    rated = store.requests.move(rid, Move("rate", rating=4, comment="修得好"))
    assert (rated.rating, rated.comment, rated.activity_id) == (4, "修得好", made["activity"])
    assert done.team_id == made["team"] and done.volunteer_id is None
    lines = [(m.action, m.from_state, m.to_state, m.target, m.note) for m in store.requests.moves(rid)]
    assert lines == [
        ("create", None, "待处理", None, None),
        ("assign", "待处理", "已派单", "李志远", None),
        ("decline", "已派单", "待处理", None, "生病了"),
        ("escalate", "待处理", "已上报", "县", "需要危房改造补贴"),
        ("answer", "已上报", "待处理", None, "县里答复：已列入计划"),
        ("assign", "待处理", "已派单", "党员先锋队", None),
        ("accept", "已派单", "已接单", None, None),
        ("complete", "已接单", "已完成", "上门修屋顶", None),
        ("rate", "已完成", "已评价", "4 星", "修得好"),
    ]
    # The activity that served it knows it.
    assert [r.id for r in store.requests.for_activity(made["activity"])] == [rid]


def test_the_form_cannot_move_a_request(store: Store, made: dict[str, str]) -> None:
    request = request_in(store, "待处理", made)
    with pytest.raises(MoveRefused) as refused:
        store.requests.update(request.model_copy(update={"state": "已完成"}))
    assert "状态只能通过派单、接单、评价等操作改变" in refused.value.message
    # What the form does edit saves as usual.
    saved = store.requests.update(request.model_copy(update={"address": "3组12号"}))
    assert store.requests.require(str(request.id)).address == "3组12号" and saved.state == "待处理"


def test_moves_are_append_only_even_from_the_sqlite_shell(store: Store, made: dict[str, str], db_path: Path) -> None:
    request = request_in(store, "已派单", made)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="只能追加，不能修改"):
            conn.execute("UPDATE request_moves SET note = '改一下' WHERE request_id = ?", (request.id,))
        with pytest.raises(sqlite3.DatabaseError, match="只能追加，不能删除"):
            conn.execute("DELETE FROM request_moves WHERE request_id = ?", (request.id,))
    finally:
        conn.close()
    assert len(store.requests.moves(str(request.id))) == 2


def test_the_phone_is_sensitive_and_the_pinyin_keys_stay_local(store: Store, made: dict[str, str]) -> None:
    request = request_in(store, "待处理", made)
    import json

    row = json.loads(
        store.query_value("SELECT row_json FROM outbox WHERE tbl = 'requests' AND record_id = ?", (request.id,))
    )
    assert row["phone"] is None, "upload_phones is off by default"
    assert "pinyin_full" not in row and "pinyin_initials" not in row
    assert store.query_value("SELECT phone FROM requests WHERE id = ?", (request.id,)) == "13812345678"


def test_the_list_filters_and_finds_the_requester_by_pinyin(store: Store, made: dict[str, str]) -> None:
    a = request_in(store, "已派单", made)
    b = store.requests.add(
        Request(received_on=date(2026, 10, 9), wish="教用智能手机", requester="曾小红", request_type="技能培训")
    )

    def found(**kw: str) -> list[str]:
        flt = RequestFilter(**kw)
        got = [str(r.id) for r in store.requests.page(flt)]
        assert store.requests.count_matching(flt) == len(got)
        return got

    assert found() == [str(a.id), str(b.id)]  # newest 点单日期 first
    assert found(text="wdm") == found(text="wangdama") == found(text="王大") == [str(a.id)]
    assert found(text="zxh") == found(text="cengxiaohong") == [str(b.id)]  # every reading of 曾
    assert found(text="手机") == [str(b.id)]
    assert found(state="已派单") == [str(a.id)] and found(state="已上报") == []
    assert found(request_type="技能培训") == [str(b.id)]
    assert found(month="2026-10") == [str(b.id)] and found(month="2026") == [str(a.id), str(b.id)]
    assert found(text="100%") == []


def test_a_request_is_checked_in_plain_words() -> None:
    with pytest.raises(ValidationError) as caught:
        Request.model_validate(
            {
                "received_on": date(2026, 11, 2),
                "wish": "",
                "requester": "王大妈",
                "phone": "12345",
                "request_type": "打麻将",
                "expected_on": date(2026, 11, 1),
            },
            context={"today": date(2026, 11, 22), "request_categories": ["生活帮扶", "其他"]},
        )
    said = [str(p) for p in explain(caught.value)]
    assert "心愿：不能为空" in said
    assert any("手机号“12345”不对" in s for s in said)
    assert any("点单类别“打麻将”不在点单类别中：生活帮扶、其他" in s for s in said)
    assert any("期望日期 2026-11-01 早于点单日期 2026-11-02" in s for s in said)
    with pytest.raises(ValidationError) as future:
        Request.model_validate(
            {"received_on": date(2026, 12, 1), "wish": "修桥", "requester": "王大妈"},
            context={"today": date(2026, 11, 22)},
        )
    assert "晚于今天" in str(explain(future.value)[0])


def test_figures_and_the_dashboard_line(store: Store, made: dict[str, str]) -> None:
    for state in REQUEST_STATES:
        request_in(store, state, made)
    old = store.requests.add(
        Request(received_on=date(2026, 10, 1), wish="修路灯", requester="赵大爷", request_type="其他")
    )
    store.requests.move(str(old.id), Move("escalate", escalate_to="乡镇", note="要换电线杆"))
    gone = request_in(store, "已评价", made, wish="删掉的")
    store.requests.delete(str(gone.id))

    november = figures.compute(store, 2026, 11).as_json()
    assert {
        k: november[k] for k in ("requests_received", "requests_completed", "requests_escalated", "requests_rating")
    } == {"requests_received": 8, "requests_completed": 2, "requests_escalated": 1, "requests_rating": 5.0}
    assert figures.compute(store, 2026).as_json()["requests_received"] == 9
    assert figures.compute(store, 2026, 9).as_json()["requests_rating"] is None

    # Open: 待处理, 已派单, 已接单, 已上报 (twice). Overdue after 7 days by default; 其他 gets 90.
    summary = figures.request_summary(store, date(2026, 11, 22))
    assert (summary["open"], summary["overdue"]) == (5, 5)
    summary = figures.request_summary(store, date(2026, 11, 8), {"其他": 90})
    assert (summary["open"], summary["overdue"]) == (5, 0)
    assert figures.request_summary(store, date(2026, 11, 10), {"其他": 90})["overdue"] == 4
    assert (summary["rating_tenths"], summary["ratings"]) == (50, 1)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=400))
def test_the_average_is_exact_and_rounds_half_up(ratings: list[int]) -> None:
    mean = Fraction(sum(ratings), len(ratings)) * 10
    expected = int(mean) + (1 if mean - int(mean) >= Fraction(1, 2) else 0)
    assert average_tenths(sum(ratings), len(ratings)) == expected
