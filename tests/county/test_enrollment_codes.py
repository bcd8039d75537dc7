"""Enrollment codes as the county keeps them: they expire, and a copy of the county database
does not give them away; codes issued before this kept working through the upgrade."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import create_engine, select

from county import schema
from sync import protocol
from tests.county_server import County, cli

from .payloads import new_code
from .test_http_bounds import start  # noqa: F401 - the fixture


def _enroll(county: County, code: str) -> httpx.Response:
    body = {"enrollment_code": code, "epoch": "epoch-1", "app_version": "0.1.0"}
    return httpx.post(county.base + protocol.ENROLL_PATH, json=body, timeout=30)


def _codes(url: str) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(schema.enrollment_codes)).mappings()]
    finally:
        engine.dispose()


def test_an_expired_code_tells_the_station_to_ask_for_a_new_one(start, county_url: str) -> None:  # noqa: F811
    county = start()
    station = new_code()
    done = cli(
        county_url,
        "station",
        "add",
        "--code",
        station,
        "--name",
        "站",
        "--township",
        "镇",
        "--expires-in",
        "0.00002",
        "--json",
    )  # about two seconds
    code = json.loads(done.stdout)["enrollment_code"]
    time.sleep(2.5)
    r = _enroll(county, code)
    assert r.status_code == 410 and r.json()["error"] == "enrollment_code_expired", r.text
    assert "过期" in r.json()["message"] and "新的注册码" in r.json()["message"]
    fresh = json.loads(cli(county_url, "station", "code", station, "--json").stdout)["enrollment_code"]
    assert _enroll(county, fresh).status_code == 200


def test_the_database_holds_no_fast_hash_of_a_code(start, county_url: str) -> None:  # noqa: F811
    county = start()
    code = county.add_station(new_code())
    normalized = code.replace("-", "")
    (row,) = _codes(county_url)
    assert row["code_id"] == normalized[:4]  # the public part finds the row ...
    assert normalized[4:] not in json.dumps(row)
    # ... and the rest is kept only salted and slow, not as SHA-256 of anything typed
    assert row["code_hash"] not in {hashlib.sha256(s.encode()).hexdigest() for s in (normalized, normalized[4:])}
    assert row["salt"] and len(row["salt"]) == 32
    expires = datetime.strptime(row["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert timedelta(days=6.9) < expires - datetime.now(timezone.utc) < timedelta(days=7.1)
    assert _enroll(county, code.lower().replace("-", " ")).status_code == 200
    again = _enroll(county, code)
    assert again.status_code == 404 and "已经用过" in again.json()["message"]
    wrong = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]  # right id, wrong secret
    assert _enroll(county, wrong).status_code == 404


def test_a_code_issued_before_the_upgrade_still_works(start, county_url: str) -> None:  # noqa: F811
    engine = create_engine(county_url)
    with engine.begin() as conn:  # a store as version 2 left it, with one unused code
        for migration in schema.MIGRATIONS[:2]:
            migration(conn)
        conn.execute(schema.county_meta.insert().values(key="schema_version", value="2"))
        conn.execute(
            schema.stations.insert().values(
                id=1, code=new_code(), name="老站", township="镇", created_at="2026-01-01T00:00:00Z"
            )
        )
        conn.execute(
            schema.enrollment_codes.insert().values(
                code_hash=hashlib.sha256(b"K7QM3XHD9PRW").hexdigest(), station_id=1, created_at="2026-01-01T00:00:00Z"
            )
        )
    engine.dispose()
    county = start()  # migrates
    (row,) = _codes(county_url)
    assert row["code_id"] is None and row["expires_at"] > protocol.utc_now()
    assert _enroll(county, "k7qm-3xhd-9prw").status_code == 200
