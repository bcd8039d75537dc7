"""What one station uploads can never break the county: values of the wrong JSON type, counts
and hours beyond the station's own bounds, and text or rows of any size — against a real
`county-center serve` over SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from station_tui.domain.vocab import MAX_HEADCOUNT
from sync import protocol
from tests.county_server import County

from .payloads import batch, change, new_code


def _quarantined(r: httpx.Response) -> dict[int, str]:
    assert r.status_code == 200, r.text
    return {x["seq"]: x["reason"] for x in r.json()["results"] if x["status"] == "quarantined"}


def test_an_op_table_or_row_of_any_json_type_is_quarantined_not_a_500(county: County) -> None:
    token = county.enroll(new_code())
    good = change(1)
    wrong: list[dict[str, Any]] = [
        {"op": {}}, {"op": ["insert"]}, {"table": ["lectures"]}, {"table": {"a": 1}}, {"row": {"id": "x"}},
        {"op": None, "row": []},
    ]  # fmt: skip
    odd = [{**good, "seq": n, **bad} for n, bad in enumerate(wrong, start=1)]
    r = county.post(token, batch(odd))
    assert set(_quarantined(r)) == {1, 2, 3, 4, 5, 6}
    assert r.json()["ack_seq"] == 6
    assert county.alive()


def test_counts_and_hours_beyond_the_station_rules_are_quarantined_and_never_counted(county: County) -> None:
    code = new_code()
    token = county.enroll(code)
    r = county.post(
        token,
        batch(
            [
                change(1, audience=MAX_HEADCOUNT),  # the largest the station allows: applied
                change(2, audience=MAX_HEADCOUNT + 1),
                change(3, "activities", volunteer_tenths=int("9" * 400)),
                change(4, "activities", served=10**20),
                change(5, "activities", volunteer_count=2, start_time="09:00", end_time="10:00", volunteer_tenths=21),
                change(6, "activities", volunteer_count=0, volunteer_tenths=5),
                change(7, "attendance", lecture_id="rec-1", person_id="P1", role="志愿者", credited_tenths=241),
                change(8, "attendance", lecture_id="rec-1", headcount=MAX_HEADCOUNT + 1, credited_tenths=0),
                change(9, "attendance", lecture_id="rec-1", headcount=30, credited_tenths=240),  # hours for a crowd
            ]
        ),
    )
    reasons = _quarantined(r)
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 8, 9} and r.json()["counts"]["applied"] == 1
    assert "上限 20000" in reasons[2]
    assert "上限" in reasons[3] and len(reasons[3]) < 120  # quotes a few digits, not 400
    assert "活动时长" in reasons[5] and "志愿者人数为 0" in reasons[6]
    assert "credited_tenths" in reasons[7] and "headcount" in reasons[8]
    assert "人数记录不能填写服务时长" in reasons[9]
    station = next(s for s in county.report()["stations"] if s["code"] == code)
    assert (station["lectures"], station["lecture_audience"], station["activities"]) == (1, MAX_HEADCOUNT, 0)


def test_records_stored_before_the_bounds_are_left_out_of_every_report(own_county: County) -> None:
    county = own_county
    code = new_code()
    token = county.enroll(code)
    county.post(token, batch([change(1, rid="L1"), change(2, rid="L2"), change(3, "activities", rid="A1")]))
    # As an older county stored them: a 4,300-digit audience and a 400-digit volunteer_tenths.
    huge_audience = json.dumps({"id": "L2", "row_version": 1, "deleted": 0, "date": "2026-03-02", "audience": 0})
    huge_audience = huge_audience.replace('"audience": 0', '"audience": ' + "7" * 4300)
    huge_hours = json.loads(change(3, "activities", rid="A1")["row"]) | {"volunteer_tenths": 0}
    huge_hours_text = json.dumps(huge_hours, ensure_ascii=False).replace(
        '"volunteer_tenths": 0', '"volunteer_tenths": ' + "9" * 400
    )
    engine = create_engine(county.store)
    with engine.begin() as conn:
        for rid, row in (("L2", huge_audience), ("A1", huge_hours_text)):
            conn.execute(text("UPDATE records SET row_json = :row WHERE record_id = :rid"), {"row": row, "rid": rid})
    engine.dispose()

    report = county.report()
    station = next(s for s in report["stations"] if s["code"] == code)
    assert (station["lectures"], station["lecture_audience"], station["activities"]) == (1, 30, 0)
    assert station["volunteer_hours"] == 0.0
    assert sorted((x["code"], x["table"], x["id"]) for x in report["excluded"]) == [
        (code, "activities", "A1"),
        (code, "lectures", "L2"),
    ]
    for fmt in ("table", "csv", "json"):
        done = county.cli("report", "--format", fmt)
        assert "Infinity" not in done.stdout and "2 条记录不合县中心的规则" in done.stdout + done.stderr
    assert json.loads(county.cli("report", "--format", "json").stdout)["total"]["lectures"] >= 1


def test_a_text_over_the_station_length_is_quarantined_with_a_short_quote(county: County) -> None:
    token = county.enroll(new_code())
    r = county.post(
        token,
        batch(
            [
                change(1, topic="宣" * 200),
                change(2, topic="讲" * 201),
                change(3, "people", name="张" * 21),
                change(4, summary="x" * 4001),
            ]
        ),
    )
    reasons = _quarantined(r)
    assert set(reasons) == {2, 3, 4}
    assert "topic 有 201 个字符" in reasons[2] and "…" in reasons[2] and len(reasons[2]) < 150
    assert "上限 20" in reasons[3] and "上限 4000" in reasons[4]


def test_a_row_over_the_size_limit_is_kept_bounded_and_answered_in_a_few_bytes(county: County) -> None:
    code = new_code()
    token = county.enroll(code)
    # A 1-million-character field the county does not otherwise read, and one that it quotes.
    big = [change(1, extra="宣" * 1_000_000), change(2, "lectures", audience="9" * 1_000_000)]
    r = county.post(token, batch(big))
    reasons = _quarantined(r)
    assert set(reasons) == {1, 2}
    assert f"最多接收 {protocol.MAX_ROW_CHARS} 个字符" in reasons[1]
    assert len(r.content) < 2000
    held = json.loads(county.cli("quarantine", "--station", code, "--json").stdout)
    for q in held:
        assert len(q["raw"]) <= protocol.MAX_ROW_CHARS + 1024 and len(q["reason"]) < 200
        kept = json.loads(q["raw"])
        assert kept["truncated"] is True and kept["chars"] > 1_000_000 and kept["prefix"].startswith('{"seq"')
    # Sent again, each is recognised by its id (of the whole change) and not stored twice.
    assert county.post(token, batch(big)).json()["counts"]["duplicate"] == 2


def test_envelope_fields_of_the_wrong_json_type_get_400(county: County) -> None:
    token = county.enroll(new_code())
    for field, value in (
        ("after_seq", "5"),
        ("after_seq", True),
        ("after_seq", 1.0),
        ("epoch", 5),
        ("app_version", ["0.1.0"]),
        ("station", 140311101201),
    ):
        r = county.post(token, {**batch([]), field: value})
        assert r.status_code == 400, (field, value, r.text)
        assert r.json()["error"] == "bad_request" and field in r.json()["message"]
    r = county.post(token, batch([], protocol_version="x" * 100_000))
    assert r.status_code == 426 and len(r.content) < 2000


def test_station_list_shows_no_control_characters_a_station_sent(county: County) -> None:
    code = new_code()
    token = county.enroll(code)
    sneaky = "1.0\x9b2J\u202eevil\u2066\x85"
    assert county.post(token, batch([], app_version=sneaky)).status_code == 200
    shown = county.cli("station", "list").stdout
    line = next(x for x in shown.splitlines() if x.startswith(code))
    assert "1.02Jevil" in line
    assert not any(ch in shown for ch in "\x9b\u202e\u2066\x85")
    as_json = county.cli("station", "list", "--json").stdout
    listed = next(r for r in json.loads(as_json) if r["code"] == code)
    assert listed["app_version"] == sneaky  # kept as sent ...
    assert not any(ch in as_json for ch in "\x9b\u202e\u2066\x85"), "... and printed escaped"
    assert "\\u009b" in as_json

    # A quarantined change holds whatever the station sent; no listing prints it raw.
    assert county.post(token, batch([change(1, audience=sneaky)])).json()["counts"]["quarantined"] == 1
    for args in (("quarantine", "--station", code), ("quarantine", "--station", code, "--json")):
        shown = county.cli(*args).stdout
        assert "1.0" in shown and not any(ch in shown for ch in "\x9b\u202e\u2066\x85"), (args, shown)
    (held,) = json.loads(county.cli("quarantine", "--station", code, "--json").stdout)
    assert sneaky in json.loads(held["raw"])["row"]
