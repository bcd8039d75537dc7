"""Villager requests go up with `station sync`, moves and all; the county lists the escalated
ones per township (command and HTTP), each under the station whose token sent it, and its
report sums the request figures exactly. Real `station sync` processes, a real county server,
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from station_tui.domain import Station, Team
from station_tui.domain.models import Request
from station_tui.domain.request_flow import Move
from sync import protocol
from tests.county_server import County
from tests.reference_figures import reference_figures
from tests.sync.support import StationPC

REQUEST_KEYS = ("requests_received", "requests_completed", "requests_escalated", "requests_rating")
SHARED_ID = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeee0001"


def _station(tmp_path: Path, name: str, township: str) -> StationPC:
    code = "1403112" + f"{uuid.uuid4().int % 10**5:05d}"
    pc = StationPC(tmp_path / name, code)
    pc.root.mkdir()
    with pc.store() as s:
        s.station.setup(Station(code=code, name=f"{name}新时代文明实践站", township=township, county="杏花岭区"))
    return pc


def _enroll(pc: StationPC, county: County, township: str) -> None:
    from station_tui.cli import main

    enrollment = county.add_station(pc.code, f"{pc.root.name}新时代文明实践站", township)

    os.environ["STATION_CONFIG_DIR"] = str(pc.config)
    try:
        assert main(["--db", str(pc.db), "enroll", "--server", county.base, "--code", enrollment]) == 0
    finally:
        del os.environ["STATION_CONFIG_DIR"]


def _requests(pc: StationPC, ratings: list[int], escalate_to: str, reason: str) -> dict[str, str]:
    """One escalated request (id SHARED_ID at every station), one pending, and one rated request
    per rating; returns their ids by what became of them."""
    ids: dict[str, str] = {}
    with pc.store() as s:
        team = s.teams.add(Team(name="党员先锋队"))
        up = s.requests.add(
            Request(id=SHARED_ID, received_on=date(2026, 3, 2), wish="修桥", requester="王大妈", phone="13812345678")
        )
        s.requests.move(str(up.id), Move("escalate", escalate_to=escalate_to, note=reason), by="李明")
        ids["escalated"] = str(up.id)
        ids["pending"] = str(s.requests.add(Request(received_on=date(2026, 3, 5), wish="理发", requester="赵大爷")).id)
        for n, stars in enumerate(ratings):
            r = s.requests.add(Request(received_on=date(2026, 4, 1 + n), wish=f"心愿{n}", requester="张三"))
            rid = str(r.id)
            s.requests.move(rid, Move("assign", team_id=str(team.id)))
            s.requests.move(rid, Move("accept"))
            s.requests.move(rid, Move("complete"))
            s.requests.move(rid, Move("rate", rating=stars, comment="满意"))
            ids[f"rated{n}"] = rid
    return ids


def _sync(pc: StationPC) -> None:
    out = pc.station("sync")
    assert out.returncode == 0, out.stderr


def _listing(county: County, *args: str) -> list[dict[str, Any]]:
    done = county.cli("requests", "--json", *args)
    return list(json.loads(done.stdout))


def test_escalated_requests_reach_the_county_under_their_own_station(county: County, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    west, east = f"府西街道{tag}", f"城东街道{tag}"
    a, b = _station(tmp_path, "甄家庄社区", west), _station(tmp_path, "东关村", east)
    for pc, township in ((a, west), (b, east)):
        _enroll(pc, county, township)
    a_ids = _requests(a, [5, 4], "乡镇", "需要专业施工队伍")
    b_ids = _requests(b, [3, 4, 4], "县", "涉及危房改造补贴")
    _sync(a)
    _sync(b)

    # Every request and every move is at the county, as the station holds it, and nothing else.
    for pc in (a, b):
        held = county.records(pc.code)
        with pc.store() as s:
            for table in ("requests", "request_moves"):
                mine = {r["id"]: r["row_version"] for r in s.query(f"SELECT id, row_version FROM {table}")}
                theirs = {rid: v for (t, rid), (v, _, _) in held.items() if t == table}
                assert theirs == mine, (pc.code, table)
            assert s.pending_changes() == 0
        # The phone stays on the PC unless the station uploads phones.
        assert held[("requests", SHARED_ID)][2]["phone"] is None

    # One township's escalated requests: station A's alone, with its reason and level.
    (only,) = _listing(county, "--township", west)
    assert only["station"] == {"code": a.code, "name": "甄家庄社区新时代文明实践站", "township": west}
    assert (only["id"], only["wish"], only["state"], only["escalated_to"]) == (SHARED_ID, "修桥", "已上报", "乡镇")
    assert only["escalation"]["reason"] == "需要专业施工队伍" and only["escalation"]["by"] == "李明"
    (other,) = _listing(county, "--township", east)
    assert other["station"]["code"] == b.code and other["escalated_to"] == "县"
    assert other["escalation"]["reason"] == "涉及危房改造补贴"

    # Any state, one township: exactly that station's requests.
    everything = _listing(county, "--township", east, "--state", "全部")
    assert {i["id"] for i in everything} == set(b_ids.values())
    assert {i["station"]["code"] for i in everything} == {b.code}
    assert [i["id"] for i in _listing(county, "--township", west, "--state", "待处理")] == [a_ids["pending"]]

    # Over HTTP for county staff: admin token only, the same list.
    url = county.base + f"{protocol.API_PREFIX}/requests"
    assert httpx.get(url, params={"township": west}, timeout=30).status_code == 403
    station_token = json.loads((a.config / "county.json").read_text(encoding="utf-8"))["token"]
    as_station = httpx.get(url, params={"township": west}, headers=protocol.auth_header(station_token), timeout=30)
    assert as_station.status_code == 403, "a station's token never lists requests, not even its own"
    r = httpx.get(url, params={"township": west}, headers=protocol.auth_header(county.admin_token()), timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["requests"] == [only]
    bad = httpx.get(url, params={"state": "办完了"}, headers=protocol.auth_header(county.admin_token()), timeout=30)
    assert bad.status_code == 400 and "办完了" in bad.text
    refused = county.cli("requests", "--state", "办完了", check=False)
    assert refused.returncode == 2 and "状态“办完了”不对" in refused.stderr

    text = county.cli("requests", "--township", west).stdout
    assert "修桥" in text and "需要专业施工队伍" in text and b.code not in text

    # The report: each station's request figures are its own `station status`; townships and
    # the county sum the integers, so the averages are exact, not averages of averages.
    report = county.report(2026)
    own = {}
    for pc in (a, b):
        done = pc.station("status", "--json", "--year", "2026")
        assert done.returncode == 0, done.stderr
        whole = json.loads(done.stdout)["figures"]
        # Every figure, by the README's rules worked out row by row, is the station's and the county's.
        expected = reference_figures(pc.db, 2026)
        assert whole == expected
        assert {
            k: report["stations"][[s["code"] for s in report["stations"]].index(pc.code)][k] for k in expected
        } == expected
        own[pc.code] = {k: whole[k] for k in REQUEST_KEYS}
    assert own[a.code] == {
        "requests_received": 4,
        "requests_completed": 2,
        "requests_escalated": 1,
        "requests_rating": 4.5,
    }
    assert own[b.code] == {
        "requests_received": 5,
        "requests_completed": 3,
        "requests_escalated": 1,
        "requests_rating": 3.7,
    }  # 11 / 3 = 3.67
    stations = {s["code"]: s for s in report["stations"]}
    for code, figures in own.items():
        assert {k: stations[code][k] for k in REQUEST_KEYS} == figures
    townships = {t["name"]: t for t in report["townships"]}
    assert {k: townships[west][k] for k in REQUEST_KEYS} == own[a.code]
    # Both townships together: 20 stars over 5 ratings is 4.0 (the mean of 4.5 and 3.7 is 4.1).
    both = {k: townships[west][k] + townships[east][k] for k in REQUEST_KEYS[:3]}
    assert both == {"requests_received": 9, "requests_completed": 5, "requests_escalated": 2}
    assert report["total"]["requests_received"] >= 9


@pytest.mark.parametrize("uploads", [False, True])
def test_the_requesters_phone_goes_up_only_when_phones_may(county: County, tmp_path: Path, uploads: bool) -> None:
    township = f"府西街道{uuid.uuid4().hex[:6]}"
    pc = _station(tmp_path, "甄家庄社区", township)
    _enroll(pc, county, township)
    pc.config.mkdir(parents=True, exist_ok=True)
    (pc.config / "settings.json").write_text(json.dumps({"upload_phones": uploads}), encoding="utf-8")
    _sync(pc)  # the settings reach the database at a sync
    with pc.store() as s:
        made = s.requests.add(
            Request(received_on=date(2026, 3, 2), wish="修桥", requester="王大妈", phone="13812345678")
        )
        s.requests.move(str(made.id), Move("escalate", escalate_to="县", note="办不了"))
    _sync(pc)
    held = county.records(pc.code)[("requests", str(made.id))][2]
    assert held["phone"] == ("13812345678" if uploads else None)
    assert "pinyin_full" not in held and "pinyin_initials" not in held
    (listed,) = _listing(county, "--township", township)
    assert listed["phone"] == ("138****5678" if uploads else None)
