"""An escalated villager request answered at the county reaches its station's request on the
next `station sync`, exactly once: across kill -9 of the sync, after the county's feed starts
again, and never at another station. Real `county-center` and `station` processes."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from datetime import date
from pathlib import Path

import httpx

from station_tui.domain.models import Request
from station_tui.domain.request_flow import Move
from sync import protocol
from tests.county_server import County
from tests.sync.support import StationPC
from tests.sync.test_downlink import _enroll, _new_pc, _sync


def _escalated(pc: StationPC, wish: str) -> str:
    with pc.store() as store:
        request = store.requests.add(Request(received_on=date(2026, 11, 20), wish=wish, requester="王大妈"))
        assert request.id is not None
        store.requests.move(request.id, Move("escalate", note="村里修不了", escalate_to="县"))
        return request.id


def _state_and_moves(pc: StationPC, request_id: str) -> tuple[str, list[tuple[str, str | None]]]:
    conn = sqlite3.connect(pc.db)
    try:
        state = conn.execute("SELECT state FROM requests WHERE id = ?", (request_id,)).fetchone()[0]
        moves = conn.execute(
            "SELECT action, note FROM request_moves WHERE request_id = ? ORDER BY rowid", (request_id,)
        ).fetchall()
        return state, [(m[0], m[1]) for m in moves]
    finally:
        conn.close()


def test_an_answer_reaches_the_request_once_and_only_at_its_station(county: County, tmp_path: Path) -> None:
    a, b = _new_pc(tmp_path / "a"), _new_pc(tmp_path / "b")
    _enroll(a, county)
    _enroll(b, county, township="城东街道")
    roof = _escalated(a, "修屋顶")
    _sync(a)
    _sync(b)
    refused = county.cli("answer-request", b.code, roof, "--note", "不是这个站的", check=False)
    assert refused.returncode != 0 and "没有上报过" in refused.stderr
    done = county.cli("answer-request", a.code, roof, "--note", "镇里派工程队来修，请村里配合")
    assert "已答复（答复退回）" in done.stdout
    out = _sync(a)
    assert "上报的群众点单有 1 件收到答复" in out
    state, moves = _state_and_moves(a, roof)
    assert state == "待处理"
    assert moves[-1] == ("answer", "县中心：镇里派工程队来修，请村里配合")
    _sync(a)  # nothing new
    assert _state_and_moves(a, roof)[1] == moves
    _sync(b)
    conn = sqlite3.connect(b.db)
    try:
        assert conn.execute("SELECT count(*) FROM county_items WHERE kind = 'request_answer'").fetchone()[0] == 0
    finally:
        conn.close()
    # Now 待处理 again at the station: it can be escalated again, and answered again.
    assert county.cli("answer-request", a.code, roof, "--note", "x", check=False).returncode != 0


def test_served_above_once_across_kill_9_of_sync_and_county_and_a_feed_started_again(
    own_county: County, tmp_path: Path
) -> None:
    county = own_county
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county)
    bridge = _escalated(pc, "修桥")
    _sync(pc)
    county.cli("answer-request", pc.code, bridge, "--served", "--by", "府西街道", "--note", "街道已安排修好")
    # The county dies while the station asks, and comes back.
    proc = pc.spawn("sync")
    time.sleep(rng.uniform(0.2, 2.0))
    county.kill9()
    proc.communicate(timeout=120)
    county.start()
    for _ in range(4):
        proc = pc.spawn("sync")
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    _sync(pc)
    state, moves = _state_and_moves(pc, bridge)
    assert state == "已完成", f"seed {seed}"
    assert [m for m in moves if m[0] == "serve_above"] == [("serve_above", "府西街道：街道已安排修好")], f"seed {seed}"
    # The county restored from a backup starts its feed again: the answer comes once more and
    # changes nothing (the request is no longer 已上报).
    county.cli("publish", "new-feed-id")
    _sync(pc)
    _sync(pc)
    assert _state_and_moves(pc, bridge)[1] == moves


def test_county_staff_answer_over_http_with_the_admin_token(county: County, tmp_path: Path) -> None:
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county)
    wish = _escalated(pc, "教用智能手机")
    _sync(pc)
    admin = protocol.auth_header(county.admin_token())
    url = county.base + "/api/v1/requests/answer"
    body = {"station": pc.code, "request_id": wish, "note": "县图书馆每周三有课", "by": "县中心"}
    assert httpx.post(url, json=body, timeout=30).status_code == 403
    station_token = json.loads((pc.config / "county.json").read_text())["token"]  # a station is not the county
    assert httpx.post(url, json=body, headers=protocol.auth_header(station_token), timeout=30).status_code == 403
    answered = httpx.post(url, json=body, headers=admin, timeout=30)
    assert answered.status_code == 200, answered.text
    wrong = httpx.post(url, json={**body, "request_id": "nothing"}, headers=admin, timeout=30)
    assert wrong.status_code == 400 and "没有上报过" in wrong.text
    _sync(pc)
    assert _state_and_moves(pc, wish)[0] == "待处理"
