"""The county's self-check rubric, sent down (docs/sync-protocol.md, *Downlink*, kind ``rubric``),
with real processes: `county-center publish rubric` on a real county (SQLite and PostgreSQL
stores), `station sync` receives it, `station self-check` scores by it; a broken rubric is
refused at publish; withdrawn, the station scores by its own file or the default again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from county import feed
from county.store import CountyStore
from station_tui.domain.rubric import default_rubric
from tests.county_server import County
from tests.sync.support import StationPC
from tests.sync.test_downlink import _enroll


def _rubric(name: str, items: int = 3, **change: Any) -> dict[str, Any]:
    data = json.loads(default_rubric().model_dump_json())
    data["name"] = name
    data["items"] = data["items"][:items]
    data["star_scores"] = [5, 10, 15, 20, 25]
    data.update(change)
    return data


def _file(where: Path, data: dict[str, Any]) -> Path:
    path = where / f"{data['name']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _check(pc: StationPC) -> dict[str, Any]:
    done = pc.station("self-check", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _sync(pc: StationPC) -> None:
    done = pc.station("sync")
    assert done.returncode == 0, done.stderr


def test_the_countys_rubric_reaches_the_station_narrowest_first_and_withdrawn_the_default_is_back(
        county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    pc.enroll(county)
    assert _check(pc)["rubric_source"] == {"kind": "default", "published_on": None}
    township = _rubric("府西街道星级评定细则", items=4)
    mine = _rubric("本站试行细则", items=2, star_scores=[10, 15])
    county.cli("publish", "rubric", str(_file(tmp_path, township)), "--township", "府西街道")
    published = county.cli("publish", "rubric", str(_file(tmp_path, mine)), "--station", pc.code, "--json")
    item = json.loads(published.stdout)
    assert item["id"] == f"rubric@s:{pc.code}" and item["body"]["rubric"]["name"] == "本站试行细则"
    listed = county.cli("publish", "list", "--kind", "rubric").stdout
    assert "评分细则：府西街道星级评定细则（4 项，满分 30）" in listed
    _sync(pc)
    result = _check(pc)
    assert result["rubric"] == "本站试行细则"  # the station's own beats its township's
    assert result["rubric_source"]["kind"] == "county" and result["rubric_source"]["published_on"]
    assert [i["id"] for i in result["items"]] == ["venue_20", "signage"] and result["total"] == 15
    assert "县中心下发" in pc.station("self-check").stdout
    # The 自评 submitted by it names it, and the county report says what the score is out of.
    submitted = pc.station("self-check", "--submit", "张站长")
    assert submitted.returncode == 0, submitted.stderr
    _sync(pc)
    report = json.loads(county.cli("report", "--format", "json").stdout)
    own = next(s for s in report["stations"] if s["code"] == pc.code)["ratings"]["自评"]
    day = result["rubric_source"]["published_on"]
    assert (own["score"], own["rubric"], own["rubric_total"]) == (
        result["score"], f"本站试行细则（县中心下发 {day}）", 15)
    table = county.cli("report", "--format", "csv").stdout.splitlines()
    header, row = table[0].split(","), next(line.split(",") for line in table if pc.code in line)
    assert row[header.index("自评细则")] == f"本站试行细则（县中心下发 {day}），满分 15"
    # Withdrawn: the township's holds; withdrawn too, the default again.
    county.cli("publish", "withdraw", f"rubric@s:{pc.code}")
    _sync(pc)
    assert _check(pc)["rubric"] == "府西街道星级评定细则"
    with CountyStore(county.store) as store:
        for listed_item in feed.list_items(store, kind="rubric"):
            feed.withdraw(store, listed_item["id"])
    _sync(pc)
    result = _check(pc)
    assert result["rubric"] == default_rubric().name and result["total"] == 100
    assert result["rubric_source"]["kind"] == "default"


def test_the_countys_rubric_holds_over_a_local_file_which_holds_when_the_county_sends_none(
        county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    _enroll(pc, county, township=f"测试镇{pc.code}")
    local = _rubric("本地细则", items=5)
    (pc.config / "rubric.json").write_text(json.dumps(local, ensure_ascii=False), encoding="utf-8")
    result = _check(pc)
    assert (result["rubric"], result["rubric_source"]["kind"]) == ("本地细则", "local")
    county.cli("publish", "rubric", str(_file(tmp_path, _rubric("县评分细则"))), "--station", pc.code)
    _sync(pc)
    result = _check(pc)
    assert (result["rubric"], result["rubric_source"]["kind"]) == ("县评分细则", "county")
    county.cli("publish", "withdraw", f"rubric@s:{pc.code}")
    _sync(pc)
    assert _check(pc)["rubric"] == "本地细则"


def test_a_broken_rubric_is_refused_at_publish_with_the_reason_and_nothing_is_sent(
        county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    _enroll(pc, county, township=f"测试镇{pc.code}")
    with CountyStore(county.store) as store:
        before = feed.feed_state(store)["last_seq"]
    broken = _rubric("坏的细则")
    broken["items"][1]["id"] = broken["items"][0]["id"]
    refused = county.cli("publish", "rubric", str(_file(tmp_path, broken)), "--station", pc.code, check=False)
    assert refused.returncode == 2
    assert "条目编号重复：venue_20" in refused.stderr and "没有发布" in refused.stderr
    unknown_rule = _rubric("规则不认识", items=1)
    unknown_rule["items"][0]["rule"] = "sunshine"
    refused = county.cli("publish", "rubric", str(_file(tmp_path, unknown_rule)), check=False)
    assert refused.returncode == 2 and "规则 sunshine 不认识" in refused.stderr
    not_json = tmp_path / "not.json"
    not_json.write_text("{name: 1", encoding="utf-8")
    refused = county.cli("publish", "rubric", str(not_json), check=False)
    assert refused.returncode == 2 and "不是有效的 JSON" in refused.stderr
    missing = county.cli("publish", "rubric", str(tmp_path / "nowhere.json"), check=False)
    assert missing.returncode == 2 and "找不到评分细则文件" in missing.stderr
    # The same rules over HTTP (the publish endpoint any kind goes through).
    answer = httpx.post(county.base + "/api/v1/county/feed", json={"kind": "rubric", "body": {"rubric": broken},
                                                                   "station": pc.code},
                        headers={"Authorization": f"Bearer {county.admin_token()}"}, timeout=60)
    assert answer.status_code == 400 and "条目编号重复" in answer.json()["message"]
    with CountyStore(county.store) as store:
        assert feed.feed_state(store)["last_seq"] == before
        assert [i for i in feed.list_items(store, kind="rubric", withdrawn=True) if i["station"] == pc.code] == []
    _sync(pc)
    assert _check(pc)["rubric_source"]["kind"] == "default"
