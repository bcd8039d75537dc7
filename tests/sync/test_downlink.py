"""The county's word back (docs/sync-protocol.md, *Downlink*), with real processes: `county-center`
publishes, a real `county-center serve` (SQLite and PostgreSQL stores) answers, `station sync`
receives. Every test ends by comparing what the station holds with what the county says is
published for it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from county import feed
from county.store import CountyStore
from sync import downlink, protocol
from tests.county_server import County
from tests.sync.support import StationPC


def _new_pc(root: Path, code: str | None = None) -> StationPC:
    pc = StationPC(root, code or "1403111" + f"{uuid.uuid4().int % 10**5:05d}")
    pc.root.mkdir(parents=True)
    pc.init()
    return pc


def _enroll(pc: StationPC, county: County, township: str = "府西街道") -> None:
    """Register the station in ``township`` (unless the county knows it) and enroll this PC."""
    with CountyStore(county.store) as store:
        known = any(s["code"] == pc.code for s in store.list_stations())
        code = store.issue_enrollment_code(pc.code) if known else store.add_station(pc.code, "测试站", township)
    from station_tui.cli import main

    old = os.environ.get("STATION_CONFIG_DIR")
    os.environ["STATION_CONFIG_DIR"] = str(pc.config)
    try:
        assert main(["--db", str(pc.db), "enroll", "--server", county.base, "--code", code]) == 0
    finally:
        if old is None:
            del os.environ["STATION_CONFIG_DIR"]
        else:
            os.environ["STATION_CONFIG_DIR"] = old


def _publish(county: County, kind: str, body: dict[str, Any], **scope: Any) -> dict[str, Any]:
    with CountyStore(county.store) as store:
        return feed.publish(store, kind, body, **scope)


def _notice(title: str, day: str = "2027-03-01") -> dict[str, Any]:
    return {"date": day, "title": title, "body": f"{title}的内容"}


def _held(pc: StationPC) -> dict[str, dict[str, Any]]:
    """What the station holds of the county's word: id -> body."""
    conn = sqlite3.connect(pc.db)
    try:
        return {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, body FROM county_items")}
    finally:
        conn.close()


def _published_for(county: County, code: str) -> dict[str, dict[str, Any]]:
    """What the county says is published for a station (live items of its scope)."""
    with CountyStore(county.store) as store:
        township = next(s["township"] for s in store.list_stations() if s["code"] == code)
        items = feed.list_items(store)
    return {
        i["id"]: i["body"]
        for i in items
        if (i["township"] in (None, township)) and (i["station"] in (None, code))
    }


def _cursor(pc: StationPC) -> int:
    conn = sqlite3.connect(pc.db)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'county_feed_after'").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def _sync(pc: StationPC, *args: str) -> str:
    out = pc.station("sync", *args)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_what_the_county_publishes_shows_on_the_station(county: County, tmp_path: Path) -> None:
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county)
    county.cli("publish", "theme", "--month", "2027-03", "--theme", "学雷锋志愿服务月")
    county.cli("publish", "minimums", "理论宣讲=5", "教育服务=2", "--station", pc.code)
    county.cli("publish", "categories", "--kind", "team", "科学理论宣讲、五老队伍", "--station", pc.code)
    county.cli("publish", "notice", "--title", "关于三月学雷锋活动的通知", "--body", "各站：\n请开展活动",
               "--date", "2027-02-25", "--station", pc.code)  # fmt: skip
    out = _sync(pc)
    assert "收到县中心下发内容" in out and "其中新通知 1 条" in out
    with pc.store() as s:
        word = s.county_word
        assert word.theme(2027, 3) == "学雷锋志愿服务月"
        assert word.minimums() == {"理论宣讲": 5, "教育服务": 2}
        assert word.minimums_or({"理论宣讲": 4}) == ({"理论宣讲": 5, "教育服务": 2}, True)
        assert word.team_categories(["百姓宣讲"]) == ["科学理论宣讲", "五老队伍"]
        notice = word.latest_notice()
        assert notice is not None and notice.title == "关于三月学雷锋活动的通知" and notice.body == "各站：\n请开展活动"
        assert s.pending_changes() == 0  # the county's word is never captured for upload
    # The county changes its mind: the same item replaced, a withdrawn one dropped.
    county.cli("publish", "theme", "--month", "2027-03", "--theme", "学雷锋·文明实践月")
    county.cli("publish", "withdraw", f"minimums@s:{pc.code}")
    _sync(pc)
    with pc.store() as s:
        assert s.county_word.theme(2027, 3) == "学雷锋·文明实践月"
        assert s.county_word.minimums() is None
        assert s.county_word.minimums_or({"理论宣讲": 4}) == ({"理论宣讲": 4}, False)
    assert _held(pc) == _published_for(county, pc.code)


def test_township_scoping_and_no_station_sees_anothers(county: County, tmp_path: Path) -> None:
    a, b = _new_pc(tmp_path / "a"), _new_pc(tmp_path / "b")
    _enroll(a, county, township="东关镇")
    _enroll(b, county, township="西山乡")
    everyone = _publish(county, "minimums", {"minimums": {"理论宣讲": 4}})
    east = _publish(county, "theme", {"month": "2027-04", "theme": "东关镇四月主题"}, township="东关镇")
    west = _publish(county, "notice", _notice("西山乡通知"), township="西山乡")
    only_a = _publish(county, "notice", _notice("给甲站的通知"), station=a.code)
    # The township's theme beats the county's for its stations only.
    _publish(county, "theme", {"month": "2027-04", "theme": "全县四月主题"})
    _sync(a)
    _sync(b)
    assert only_a["id"] in _held(a) and east["id"] in _held(a) and everyone["id"] in _held(a)
    assert west["id"] not in _held(a)
    assert set(_held(b)) & {only_a["id"], east["id"]} == set()
    assert _held(a) == _published_for(county, a.code)
    assert _held(b) == _published_for(county, b.code)
    with a.store() as s:
        assert s.county_word.theme(2027, 4) == "东关镇四月主题"
    with b.store() as s:
        assert s.county_word.theme(2027, 4) == "全县四月主题"
    # Over HTTP with B's token, whatever B claims: nothing of A's, nothing of 东关镇.
    token = json.loads((b.config / "county.json").read_text())["token"]
    for after in (0, 1, 2):
        r = httpx.get(county.base + downlink.DOWNLINK_PATH, params={"after": after, "limit": 1},
                      headers=protocol.auth_header(token), timeout=30)  # fmt: skip
        assert r.status_code == 200, r.text
        text = r.text
        assert a.code not in text and "东关镇" not in text and "给甲站" not in text
    # Nor its records.
    r = httpx.get(county.base + downlink.RECORDS_PATH, params={"table": "station"},
                  headers=protocol.auth_header(token), timeout=30)  # fmt: skip
    assert r.status_code == 200 and a.code not in r.text and b.code in r.text
    # No token, no word.
    assert httpx.get(county.base + downlink.DOWNLINK_PATH, timeout=30).status_code == 401


def test_received_exactly_once_across_kill_9_of_station_sync_and_of_the_county(
    own_county: County, tmp_path: Path
) -> None:
    county = own_county
    seed = int(os.environ.get("DOWNLINK_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county)
    published = 0

    def publish_more(n: int) -> int:
        nonlocal published
        with CountyStore(county.store) as store:
            for _ in range(n):
                feed.publish(store, "notice", _notice(f"通知{published}"))
                if published % 50 == 0:  # republished: it moves to the end of the feed
                    feed.publish(store, "theme", {"month": "2027-05", "theme": f"五月主题第{published}稿"})
                published += 1
            return int(feed.feed_state(store)["last_seq"])

    cut_short = []
    for run in range(6):
        last = publish_more(80)
        before = _cursor(pc)
        proc = pc.spawn("sync", "--downlink-page", "3")
        if run % 2:
            time.sleep(rng.uniform(0.5, 3.0))  # anywhere: start-up, upload, downlink, the end
        else:
            deadline = time.monotonic() + 60  # once pages are coming in
            while _cursor(pc) == before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        cut_short.append(before < _cursor(pc) < last)
        if run == 2:
            # The county dies mid-answer and comes back; the station carries on.
            publish_more(80)
            proc = pc.spawn("sync", "--downlink-page", "3")
            time.sleep(rng.uniform(0.5, 2.0))
            county.kill9()
            proc.communicate(timeout=120)
            county.start()
        if run == 3:
            county.cli("publish", "withdraw", "theme:2027-05")
    assert any(cut_short), f"seed {seed}: no run was killed half-way through the feed"
    _sync(pc, "--downlink-page", "7")
    held = _held(pc)
    assert held == _published_for(county, pc.code), f"seed {seed}"
    assert sum(k.startswith("notice:") for k in held) == published
    with CountyStore(county.store) as store:
        assert _cursor(pc) == feed.feed_state(store)["last_seq"]
    out = _sync(pc)
    assert "县中心没有新的下发内容" in out


def test_a_county_restored_from_an_old_backup_converges(own_county: County, tmp_path: Path) -> None:
    county = own_county
    a, b = _new_pc(tmp_path / "a"), _new_pc(tmp_path / "b")
    _enroll(a, county)
    _enroll(b, county)
    _publish(county, "notice", _notice("备份前的通知"))
    backup = county.backup()
    lost = _publish(county, "notice", _notice("备份后的通知，恢复后就没有了"))
    _publish(county, "theme", {"month": "2027-06", "theme": "备份后的主题"})
    _sync(a)
    _sync(b)
    assert lost["id"] in _held(a)
    county.stop()
    county.restore(backup)
    county.start()
    # Station A is past the county's last item: the county notices it went back and starts a
    # new feed; A receives it all again and drops what the county no longer has.
    _sync(a)
    assert _held(a) == _published_for(county, a.code)
    assert lost["id"] not in _held(a)
    # Published after the restore, past where B had got to: the feed's new id tells B.
    for i in range(3):
        _publish(county, "notice", _notice(f"恢复后的通知{i}"))
    _sync(b)
    assert _held(b) == _published_for(county, b.code)
    # The operator's way, without a station noticing first.
    backup2 = county.backup()
    _publish(county, "notice", _notice("第二次备份后的通知"))
    _sync(a)
    county.stop()
    county.restore(backup2)
    county.start()
    for i in range(3):
        _publish(county, "notice", _notice(f"第二次恢复后的通知{i}"))
    county.cli("publish", "new-feed-id")
    _sync(a)
    _sync(b)
    assert _held(a) == _published_for(county, a.code)
    assert _held(b) == _published_for(county, b.code)


def test_a_station_restored_from_an_old_backup_converges(county: County, tmp_path: Path) -> None:
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county)
    first = _publish(county, "notice", _notice("第一条"), station=pc.code)
    _sync(pc)
    saved = tmp_path / "saved.db"
    src, dst = sqlite3.connect(pc.db), sqlite3.connect(saved)
    src.backup(dst)
    dst.execute("PRAGMA journal_mode = DELETE")  # one file, as a backup copy is
    src.close()
    dst.close()
    _publish(county, "notice", _notice("第二条"), station=pc.code)
    _sync(pc)
    county.cli("publish", "withdraw", first["id"])
    for extra in ("-wal", "-shm"):
        Path(f"{pc.db}{extra}").unlink(missing_ok=True)
    shutil.copy(saved, pc.db)
    assert first["id"] in _held(pc)
    _sync(pc)
    assert _held(pc) == _published_for(county, pc.code)


def test_restore_from_the_county_gives_back_exactly_the_stations_records(county: County, tmp_path: Path) -> None:
    from datetime import date

    from station_tui.domain import Attendance, Lecture, Person
    from tests.sync.support import add_records, add_venue

    old = _new_pc(tmp_path / "old")
    other = _new_pc(tmp_path / "other")
    _enroll(old, county)
    _enroll(other, county)
    with old.store() as s:
        add_records(s, 30)
        venue = add_venue(s)
        person = s.people.add(Person(name="曾小红", is_volunteer=True, phone="13912345678"))
        lecture = s.lectures.add(Lecture(date=date(2026, 3, 9), topic="乡村振兴", audience=12, venue_id=venue.id))
        s.attendance.add(
            Attendance(event_kind="lecture", event_id=str(lecture.id), person_id=str(person.id), role="志愿者",
                       credited_tenths=5)
        )
        s.venues.delete(str(add_venue(s, "旧礼堂").id))
    with other.store() as s:
        add_records(s, 10, start=100)
    _sync(old)
    _sync(other)
    _publish(county, "notice", _notice("给本站的通知"), station=old.code)
    # The PC dies. A new one is set up and enrolled again with a fresh code.
    new = _new_pc(tmp_path / "new", old.code)
    _enroll(new, county)
    out = new.station("restore", "--from-county")
    assert out.returncode == 0, out.stderr
    assert "已从县中心恢复" in out.stdout and "没有需要重新上传的修改" in out.stdout
    assert "注意：手机号、身份证号没有上传到县中心" in out.stdout
    assert new.pending() == 0
    with new.store() as s:
        for table in protocol.SYNCED_TABLES:
            rows = {(table, r["id"]): (r["row_version"], r["deleted"]) for r in s.query(f"SELECT * FROM {table}")}
            county_rows = {k: (v[0], v[1]) for k, v in county.records(old.code).items() if k[0] == table}
            assert rows == county_rows, table
        assert [p.name for p in s.people.search("zxh")] == ["曾小红"]  # pinyin keys made again
        assert s.meta("epoch") != old.store().meta("epoch")
        assert s.county_word.latest_notice() is not None
    status = new.station("status", "--json")
    assert status.returncode == 0, status.stderr
    figures = json.loads(status.stdout)["figures"]
    reported = next(st for st in county.report()["stations"] if st["code"] == old.code)
    for key, value in figures.items():
        assert reported[key] == value, key
    assert figures == json.loads(old.station("status", "--json").stdout)["figures"]
    # Nothing goes up again; a change made now does.
    assert "没有待上传的修改" in _sync(new)
    with new.store() as s:
        s.people.add(Person(name="新来的", is_volunteer=False))
    assert "已上传 1 条修改" in _sync(new)
    # A database with records is not replaced without being asked.
    refused = new.station("restore", "--from-county")
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = new.station("restore", "--from-county", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "原来的数据库保留为" in forced.stdout
    assert list(new.root.glob("station.db.before-restore-*"))


def test_county_staff_publish_over_http_with_the_admin_token(county: County, tmp_path: Path) -> None:
    pc = _new_pc(tmp_path / "pc")
    _enroll(pc, county, township="河西镇")
    url = county.base + downlink.FEED_PATH
    admin = protocol.auth_header(county.admin_token())
    notice = {"kind": "notice", "township": "河西镇", "body": _notice("河西镇的通知")}
    # A station's token is not the county's.
    token = json.loads((pc.config / "county.json").read_text())["token"]
    assert httpx.post(url, json=notice, headers=protocol.auth_header(token), timeout=30).status_code == 403
    assert httpx.get(url, timeout=30).status_code == 403
    r = httpx.post(url, json=notice, headers=admin, timeout=30)
    assert r.status_code == 200, r.text
    item = r.json()
    assert item["id"].startswith("notice:") and item["township"] == "河西镇"
    # What does not fit is refused with the reason, and nothing is published.
    bad = [
        {"kind": "theme", "body": {"month": "2027-13", "theme": "x"}},
        {"kind": "minimums", "body": {"minimums": {"理论": 4}}},
        {"kind": "categories", "body": {"kind": "team", "items": ["甲", "甲"]}},
        {"kind": "notice", "township": "没有这个镇", "body": _notice("x")},
        {"kind": "rubric", "body": {}},
    ]
    for body in bad:
        refused = httpx.post(url, json=body, headers=admin, timeout=30)
        assert refused.status_code == 400 and refused.json()["error"] == "bad_request", refused.text
    listed = httpx.get(url, params={"township": "河西镇"}, headers=admin, timeout=30).json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    _sync(pc)
    assert item["id"] in _held(pc)
    gone = httpx.delete(f"{url}/{item['id']}", headers=admin, timeout=30)
    assert gone.status_code == 200 and gone.json()["deleted"] is True
    assert httpx.delete(f"{url}/notice:nothing", headers=admin, timeout=30).status_code == 404
    _sync(pc)
    assert item["id"] not in _held(pc)
    assert item["id"] not in [i["id"] for i in httpx.get(url, headers=admin, timeout=30).json()["items"]]
    withdrawn = httpx.get(url, params={"withdrawn": "true"}, headers=admin, timeout=30).json()["items"]
    assert any(i["id"] == item["id"] and i["deleted"] for i in withdrawn)


def test_restore_from_the_county_takes_ledgers_made_while_the_clock_was_wrong(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The county sends entries in id order. Points spent after the PC's clock was set back
    have ids that sort before the points they spent: the restore still takes them all, and
    the balances and stock come back as they were."""
    from station_tui.domain import Person
    from station_tui.domain.models import Goods
    from station_tui.storage import ids

    old = _new_pc(tmp_path / "old")
    _enroll(old, county)
    with old.store() as s:
        ledger, goods, redemptions = s.repository("points_entries"), s.repository("goods"), s.repository("redemptions")
        person = s.people.add(Person(name="曾小红", is_volunteer=True))
        ledger.adjust(str(person.id), 10, item="好人好事")  # type: ignore[attr-defined]
        soap = goods.add(Goods(name="香皂", price_points=8))
        goods.restock(str(soap.id), 1)  # type: ignore[attr-defined]
        real = ids._uuid7
        monkeypatch.setattr(ids, "_uuid7", lambda: "00000000" + str(real())[8:])  # the clock went back
        redemptions.redeem(str(person.id), str(soap.id))  # type: ignore[attr-defined]
        monkeypatch.setattr(ids, "_uuid7", real)
        spent = s.query("SELECT id FROM points_entries WHERE kind = '兑换'")[0][0]
        earned = s.query("SELECT id FROM points_entries WHERE kind = '奖励'")[0][0]
        assert spent < earned  # what the county's pages will send first
        balance, stock = ledger.balance(str(person.id)), goods.stock(str(soap.id))  # type: ignore[attr-defined]
    assert (balance, stock) == (2, 0)
    _sync(old)

    new = _new_pc(tmp_path / "new", old.code)
    _enroll(new, county)
    out = new.station("restore", "--from-county")
    assert out.returncode == 0, out.stderr
    with new.store() as s:
        assert s.repository("points_entries").balance(str(person.id)) == 2  # type: ignore[attr-defined]
        assert s.repository("goods").stock(str(soap.id)) == 0  # type: ignore[attr-defined]
        # The guard is back: spending what is not there is still refused.
        with pytest.raises(Exception, match="不足"):
            s.repository("redemptions").redeem(str(person.id), str(soap.id))  # type: ignore[attr-defined]
        triggers = {r[0] for r in s.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"points_entries_never_below_zero", "stock_entries_never_below_zero"} <= triggers
