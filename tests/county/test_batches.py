"""Applying batches: every status, idempotency, order, acks — against SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.county_server import County

from .payloads import batch, change, new_code


def counts(response) -> dict[str, int]:
    """How many changes of the batch ended in each status (statuses with none left out)."""
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json()["counts"].items() if v}


def noted(response) -> list[tuple[int, str]]:
    """(seq, status) of the changes the county lists: the stale and the quarantined."""
    assert response.status_code == 200, response.text
    return [(r["seq"], r["status"]) for r in response.json()["results"]]


def listed(county: County, code: str) -> dict:
    rows = json.loads(county.cli("station", "list", "--json").stdout)
    return next(r for r in rows if r["code"] == code)


def reported(county: County, code: str, year: int | None = None) -> dict:
    return next(s for s in county.report(year)["stations"] if s["code"] == code)


def test_applied_duplicate_stale_and_quarantined(county: County) -> None:
    A = new_code()
    token = county.enroll(A)
    changes = [
        change(1, "lectures", "L1", 1),
        change(2, "lectures", "L1", 2, op="update", audience=50),
        change(3, "people", "P1", 1),
        change(4, "nonsense", "X1", 1),  # unknown table
        change(5, "lectures", "L2", 1, date="2026-02-30"),  # no such day
        change(6, "activities", "A1", 1, platform="打麻将"),  # not a platform
        {"seq": 7, "table": "lectures"},  # no op, no row
        change(8, "people", "P2", 1, name="\ud800"),  # a lone surrogate cannot be stored
    ]
    r = county.post(token, batch(changes))
    assert counts(r) == {"applied": 3, "quarantined": 5}
    assert noted(r) == [(seq, "quarantined") for seq in (4, 5, 6, 7, 8)]
    body = r.json()
    assert body["ack_seq"] == 8
    reasons = {x["seq"]: x["reason"] for x in body["results"]}
    assert "未知的表" in reasons[4] and "不存在" in reasons[5] and "五大平台" in reasons[6]
    assert body["server_time"].endswith("Z")

    # An older version of L1 arriving later is stale (and still acknowledged); a delete is kept.
    r = county.post(
        token,
        batch([change(9, "lectures", "L1", 1, audience=10), change(10, "people", "P1", 2, op="delete")], after_seq=8),
    )
    assert counts(r) == {"stale": 1, "applied": 1} and noted(r) == [(9, "stale")]
    assert r.json()["ack_seq"] == 10
    assert "更新的版本" in r.json()["results"][0]["reason"]
    # ... and an update older than the tombstone cannot resurrect the person.
    r = county.post(token, batch([change(11, "people", "P1", 1, name="复活")], after_seq=10))
    assert noted(r) == [(11, "stale")]

    row = listed(county, A)
    assert row == {
        "code": A,
        "name": "测试站",
        "township": "府西街道",
        "enrolled": True,
        "last_sync": row["last_sync"],
        "epoch": "epoch-1",
        "acked_seq": 11,
        "app_version": "0.1.0",
        "quarantined": 5,
    }
    held = json.loads(county.cli("quarantine", "--station", A, "--json").stdout)
    assert [q["seq"] for q in held] == [4, 5, 6, 7, 8]
    assert json.loads(held[3]["raw"]) == {"seq": 7, "table": "lectures"}
    station = reported(county, A)
    assert station["lectures"] == 1 and station["lecture_audience"] == 50  # version 2 of L1
    assert station["people"] == 0  # P1 deleted


def test_same_batch_twice_and_out_of_order(county: County) -> None:
    A = new_code()
    token = county.enroll(A)
    first = batch([change(1, rid="L1"), change(2, rid="L2")])
    second = batch([change(3, rid="L3"), change(4, "lectures", "L1", 2, op="update", audience=99)], after_seq=2)

    # The second batch before the first: the county has nothing, it says so and stores nothing.
    r = county.post(token, second)
    assert r.status_code == 409 and r.json()["error"] == "ack_behind" and r.json()["ack_seq"] == 0
    assert county.ack(token, "epoch-1") == 0

    assert counts(county.post(token, first)) == {"applied": 2}
    assert counts(county.post(token, first)) == {"duplicate": 2}  # answer lost, sent again
    assert counts(county.post(token, second)) == {"applied": 2}
    assert counts(county.post(token, second)) == {"duplicate": 2}
    # A station that lost its ack re-sends from the start: all duplicates, the ack does not move back.
    r = county.post(token, batch(first["changes"] + second["changes"]))
    assert counts(r) == {"duplicate": 4} and noted(r) == [] and r.json()["ack_seq"] == 4
    # An empty batch just reports the ack.
    r = county.post(token, batch([], after_seq=4))
    assert r.status_code == 200 and r.json() == {**r.json(), "ack_seq": 4, "results": []}
    assert r.json()["counts"] == {"applied": 0, "duplicate": 0, "stale": 0, "quarantined": 0}

    station = reported(county, A, 2026)
    assert station["lectures"] == 3
    assert station["lecture_audience"] == 99 + 30 + 30


def test_a_restored_station_gets_a_new_epoch_and_its_new_edits_win(county: County) -> None:
    A = new_code()
    token = county.enroll(A)
    first = change(1, rid="L1")
    county.post(
        token,
        batch(
            [
                first,
                change(2, "lectures", "L1", 2, op="update", audience=70),
                change(3, "lectures", "L1", 3, op="update", audience=80),
            ]
        ),
    )
    # Restored from a backup taken after seq 1: the old change comes back as a duplicate,
    # and its next edit (version 2 again, other content, so another change id) is what the
    # station now shows.
    assert counts(county.post(token, batch([first], epoch="epoch-2"))) == {"duplicate": 1}
    r = county.post(
        token, batch([change(2, "lectures", "L1", 2, op="update", audience=45)], epoch="epoch-2", after_seq=1)
    )
    assert counts(r) == {"applied": 1}
    assert county.ack(token, "epoch-1") == 3 and county.ack(token, "epoch-2") == 2
    assert reported(county, A)["lecture_audience"] == 45


def test_ack_ahead_of_the_county_is_answered_409_with_the_county_ack(county: County) -> None:
    A = new_code()
    token = county.enroll(A)
    county.post(token, batch([change(1), change(2)]))
    r = county.post(token, batch([change(9)], after_seq=8))
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "ack_behind" and body["ack_seq"] == 2
    assert "备份" in body["message"] and body["message_en"]
    assert county.ack(token, "epoch-1") == 2


def test_the_token_decides_the_station_whatever_the_payload_claims(county: County) -> None:
    A, B = new_code(), new_code()
    token_a = county.enroll(A, name="甲站")
    token_b = county.enroll(B, name="乙站", township="城东街道")
    # B claims to be A and reuses A's epoch id: it is still B's data and B's ack.
    r = county.post(token_b, batch([change(1, rid="L-b")], station=A))
    assert counts(r) == {"applied": 1}
    assert county.ack(token_a, "epoch-1") == 0
    assert county.ack(token_b, "epoch-1") == 1
    # The very same change (same content, so the same change id) from A is A's own change,
    # not a duplicate of B's.
    r = county.post(token_a, batch([change(1, rid="L-b")]))
    assert counts(r) == {"applied": 1}
    assert reported(county, A)["lectures"] == 1 and reported(county, B)["lectures"] == 1
    assert "claiming to be" in county.log()


def test_wrong_missing_and_revoked_tokens_are_refused(county: County) -> None:
    A = new_code()
    token = county.enroll(A)
    for bad in (None, "st_not-a-real-token", token + "x"):
        r = county.post(bad, batch([change(1)]))
        assert r.status_code == 401 and r.json()["error"] == "unauthorized", r.text
        assert "注册" in r.json()["message"]
    assert counts(county.post(token, batch([change(1)]))) == {"applied": 1}

    assert "注销" in county.cli("station", "revoke", A).stdout
    r = county.post(token, batch([change(2)], after_seq=1))
    assert r.status_code == 401 and "注销" in r.json()["message"]
    row = listed(county, A)
    assert row["enrolled"] is False and row["acked_seq"] == 1

    # A new enrollment code gets a new token that works; the old one stays dead.
    code = json.loads(county.cli("station", "code", A, "--json").stdout)["enrollment_code"]
    import httpx

    from sync import protocol

    r = httpx.post(
        county.base + protocol.ENROLL_PATH,
        json={"enrollment_code": code.lower(), "epoch": "epoch-1", "app_version": "0.1.0", "station_code": A},
    )
    assert r.status_code == 200 and r.json()["ack_seq"] == 1
    assert counts(county.post(r.json()["token"], batch([change(2)], after_seq=1))) == {"applied": 1}
    assert county.post(token, batch([change(3)], after_seq=2)).status_code == 401
    # An enrollment code works once.
    again = httpx.post(
        county.base + protocol.ENROLL_PATH, json={"enrollment_code": code, "epoch": "epoch-1", "app_version": "0.1.0"}
    )
    assert again.status_code == 404 and again.json()["error"] == "enrollment_code_invalid"


def test_enrollment_code_for_another_station_is_refused(county: County) -> None:
    A, B = new_code(), new_code()
    import httpx

    from sync import protocol

    code = county.add_station(A)
    r = httpx.post(
        county.base + protocol.ENROLL_PATH,
        json={"enrollment_code": code, "epoch": "e", "app_version": "0.1.0", "station_code": B},
    )
    assert r.status_code == 409 and r.json()["error"] == "station_mismatch" and A in r.json()["message"]
    # Refused means not used up: the right station can still enroll with it.
    r = httpx.post(
        county.base + protocol.ENROLL_PATH,
        json={"enrollment_code": code, "epoch": "e", "app_version": "0.1.0", "station_code": A},
    )
    assert r.status_code == 200


def test_concurrent_uploads_apply_each_change_once(county: County) -> None:
    """The same batch sent by several runners at once (a second PC, a retry racing the first),
    and other stations uploading meanwhile: every change is applied exactly once."""
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    codes = [new_code() for _ in range(3)]
    tokens = [county.enroll(code) for code in codes]
    shared = batch([change(i, rid=f"L{i}") for i in range(1, 41)])
    own = [batch([change(i, rid=f"M{i}") for i in range(1, 41)]) for _ in tokens[1:]]
    jobs = [(tokens[0], shared)] * 6 + list(zip(tokens[1:], own, strict=True))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(lambda job: county.post(*job), jobs))
    assert [a.status_code for a in answers] == [200] * len(jobs), [a.text for a in answers if a.status_code != 200]
    applied: Counter[str] = Counter()
    for a in answers:
        applied[a.request.headers["authorization"]] += a.json()["counts"]["applied"]
    assert sorted(applied.values()) == [40, 40, 40]
    assert [county.ack(t, "epoch-1") for t in tokens] == [40, 40, 40]


def test_a_stored_change_sent_again_under_a_new_seq_is_still_a_duplicate(county: County) -> None:
    """Past its ack an epoch holds nothing, so the county skips looking those ids up; a change
    stored before that comes again under a later seq (an outbox copied by hand) is still
    recognised, and the batch goes through."""
    A = new_code()
    token = county.enroll(A)
    assert counts(county.post(token, batch([change(1, rid="L1")]))) == {"applied": 1}
    again = {**change(1, rid="L1"), "seq": 2}
    r = county.post(token, batch([again, change(3, rid="L3")], after_seq=1))
    assert counts(r) == {"duplicate": 1, "applied": 1} and r.json()["ack_seq"] == 3
    assert reported(county, A, 2026)["lectures"] == 2


def test_an_insert_of_a_record_the_county_holds_is_judged_by_its_version(county: County) -> None:
    """An insert past the ack is taken as its record's first change and not looked up. A
    station that inserts a stored record again (the same id) still gets the versions'
    verdict: a newer row is applied, an older or equal one is stale, nothing is refused."""
    A = new_code()
    token = county.enroll(A)
    assert counts(county.post(token, batch([change(1, rid="L1", audience=30)]))) == {"applied": 1}
    newer = change(2, rid="L1", version=2, audience=45)
    older = change(3, rid="L2", version=1, audience=10)
    r = county.post(token, batch([newer, change(3, rid="L2", version=3, audience=12)], after_seq=1))
    assert counts(r) == {"applied": 2} and r.json()["ack_seq"] == 3
    r = county.post(token, batch([{**older, "seq": 4}, change(5, rid="L5", topic="新的")], after_seq=3))
    assert counts(r) == {"applied": 1, "stale": 1} and noted(r) == [(4, "stale")]
    assert reported(county, A, 2026)["lecture_audience"] == 45 + 12 + 30
