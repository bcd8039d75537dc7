"""What the county refuses, and that refusing never hurts it: sizes, bombs, garbage, versions,
rates. Every refusal is JSON with a Chinese message, and the server keeps serving."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync import protocol
from tests.county_server import County

from .payloads import batch, change, new_code


@pytest.fixture(scope="session")
def gzip_bomb(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """1 GiB of JSON-ish whitespace inside a valid gzip stream of about 1 MiB (kept in the
    pytest cache when there is one: making it costs seconds of CPU)."""
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("county-gzip-bomb") if cache else tmp_path_factory.mktemp("county-gzip-bomb")
    cached = folder / "1gib.json.gz"
    if cached.exists() and cached.stat().st_size > 0:
        return cached.read_bytes()
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [z.compress(b'{"changes": [')]
    parts += [z.compress(block) for _ in range(1024)]
    parts.append(z.compress(b"]}") + z.flush())
    bomb = b"".join(parts)
    # Written aside, then renamed: another xdist worker or run may read the cache meanwhile.
    partial = folder / f"1gib.json.gz.{os.getpid()}"
    partial.write_bytes(bomb)
    os.replace(partial, cached)
    return bomb


def _ok_after(county: County, token: str) -> None:
    """The server still answers and still stores."""
    assert httpx.get(county.base + protocol.HEALTH_PATH, timeout=10).status_code == 200
    ack = county.ack(token, "epoch-1")
    r = county.post(token, batch([change(ack + 1)], after_seq=ack))
    assert r.status_code == 200 and r.json()["ack_seq"] == ack + 1


def test_a_gzip_bomb_is_refused_cheaply(county: County, gzip_bomb: bytes) -> None:
    token = county.enroll(new_code())
    assert len(gzip_bomb) < protocol.MAX_COMPRESSED_BYTES  # it passes the first cap ...
    before = county.peak_rss_kib()
    r = county.post(token, None, raw=gzip_bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413  # ... and is stopped while inflating
    assert r.json()["error"] == "too_large" and "解压后" in r.json()["message"]
    # Inflating stops at the 64 MiB cap: the server's peak memory grows by less than the
    # cap plus slack, nowhere near the 1 GiB the body would become.
    grown_mib = (county.peak_rss_kib() - before) / 1024
    assert grown_mib < 64 + 64, f"peak memory grew by {grown_mib:.0f} MiB"
    # The same without Content-Encoding: recognised by its magic bytes.
    assert county.post(token, None, raw=gzip_bomb).status_code == 413
    _ok_after(county, token)


def test_bodies_over_the_compressed_cap_are_refused(county: County) -> None:
    token = county.enroll(new_code())
    big = b"x" * (protocol.MAX_COMPRESSED_BYTES + 1)
    r = county.post(token, None, raw=big)  # with Content-Length: refused before reading
    assert r.status_code == 413 and r.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:  # chunked, no Content-Length: refused while reading
        for _ in range(protocol.MAX_COMPRESSED_BYTES // (1 << 20) + 2):
            yield b" " * (1 << 20)

    try:
        r = httpx.post(
            county.base + protocol.BATCHES_PATH, content=chunks(), headers=protocol.auth_header(token), timeout=60
        )
        assert r.status_code == 413
    except httpx.RemoteProtocolError:
        pass  # the server may close the connection before the client finishes sending
    _ok_after(county, token)


MALFORMED = [
    (b"{not json", "不是有效的 JSON"),
    (b"[1, 2, 3]", "JSON 对象"),
    (b"", "为空"),
    (b"\xff\xfe garbage", "UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    (json.dumps(batch([])).replace('"epoch-1"', "null").encode(), "epoch"),
    (json.dumps(batch([], after_seq=-1)).encode(), "after_seq"),
    (json.dumps(batch([change(2), change(1)], after_seq=0)).encode(), "递增"),
    (json.dumps(batch([change(1)], after_seq=1)).encode(), "after_seq"),
    (json.dumps(batch([{"table": "lectures", "op": "insert", "row": "{}"}])).encode(), "序号"),
    (json.dumps(batch([{"seq": True, "table": "lectures"}])).encode(), "序号"),
    (json.dumps(batch([], epoch="e\u0000")).encode(), "epoch"),
    (json.dumps({**batch([]), "changes": [5]}).encode(), "changes"),
    (json.dumps(batch([change(10**30)])).encode(), "序号"),
    (json.dumps(batch([], after_seq=2**63)).encode(), "after_seq"),
]


def test_malformed_bodies_get_400_with_the_reason(county: County) -> None:
    token = county.enroll(new_code())
    for body, words in MALFORMED:
        r = county.post(token, None, raw=gzip.compress(body), headers={"Content-Encoding": "gzip"})
        assert r.status_code == 400, (body[:60], r.text)
        assert r.json()["error"] == "bad_request"
        assert words in r.json()["message"] + r.json()["message_en"], (words, r.json())
    truncated = gzip.compress(json.dumps(batch([change(1)])).encode())[:-12]
    r = county.post(token, None, raw=truncated, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and "截断" in r.json()["message"]
    r = county.post(token, None, raw=b"\x1f\x8b\x08\x00garbage-not-deflate", headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and "gzip" in r.json()["message"]
    r = county.post(token, None, raw=b"{}", headers={"Content-Encoding": "br"})
    assert r.status_code == 400
    assert county.ack(token, "epoch-1") == 0  # nothing of it was stored
    _ok_after(county, token)


@pytest.mark.parametrize(
    ("over", "side"),
    [
        ({"schema_version": 0}, "本站程序版本过旧"),
        ({"schema_version": 99}, "升级"),
        ({"protocol_version": 1}, "本站程序版本过旧（通信协议版本 1）"),
        ({"protocol_version": 3}, "县中心升级"),
        ({"schema_version": "1"}, "升级"),
    ],
)
def test_versions_outside_the_window_get_426(county: County, over: dict, side: str) -> None:
    token = county.enroll(new_code())
    r = county.post(token, batch([change(1)], **over))
    assert r.status_code == 426
    body = r.json()
    assert body["error"] == "upgrade_required" and side in body["message"]
    assert body["supported"] == {
        "protocol_versions": [protocol.PROTOCOL_VERSION],
        "min_schema_version": protocol.MIN_SCHEMA_VERSION,
        "max_schema_version": protocol.MAX_SCHEMA_VERSION,
    }
    assert county.ack(token, "epoch-1") == 0


def test_the_report_needs_the_admin_token(county: County) -> None:
    token = county.enroll(new_code())
    odd: dict[bytes, bytes] = {b"Authorization": "Bearer 管理员".encode()}
    headers: Any
    for headers in ({}, protocol.auth_header(token), protocol.auth_header("adm_wrong"), odd):
        r = httpx.get(county.base + protocol.REPORT_PATH, params={"year": 2026}, headers=headers, timeout=30)
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert county.report(2026)["period"] == "2026"
    r = httpx.get(
        county.base + protocol.REPORT_PATH,
        params={"month": 3},
        headers=protocol.auth_header(county.admin_token()),
        timeout=30,
    )
    assert r.status_code == 400 and "年份" in r.json()["message"]


def test_per_token_rate_limit(tmp_path: Path) -> None:
    server = County(
        f"sqlite:///{tmp_path / 'county.db'}",
        tmp_path,
        ("--rate", "0.2", "--burst", "3", "--address-rate", "100", "--address-burst", "100"),
    ).start()
    try:
        token = server.enroll(new_code())
        codes = [server.post(token, batch([], after_seq=0)).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        r = server.post(token, batch([], after_seq=0))
        assert r.status_code == 429 and r.json()["error"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1 and r.json()["retry_after"] > 0
        other = server.enroll(new_code())  # another station is not slowed by the first
        assert server.post(other, batch([], after_seq=0)).status_code == 200
    finally:
        server.stop()


def test_an_absurd_row_version_is_quarantined_not_a_crash(county: County) -> None:
    token = county.enroll(new_code())
    r = county.post(token, batch([change(1, version=10**30), change(2, audience=10**30)]))
    assert r.status_code == 200
    # An audience of 10**30 is beyond the station's own bound (受众人数 ≤ 20,000): never counted.
    assert r.json()["counts"] == {"applied": 0, "duplicate": 0, "stale": 0, "quarantined": 2}
    assert [(x["seq"], x["status"]) for x in r.json()["results"]] == [(1, "quarantined"), (2, "quarantined")]
    assert "上限 20000" in r.json()["results"][1]["reason"]


def test_a_broken_store_answers_json_and_the_server_keeps_serving(own_county: County) -> None:
    """Someone drops a table under the running service: the batch fails whole, as JSON, and
    the service goes on answering."""
    from sqlalchemy import create_engine, text

    county = own_county
    token = county.enroll(new_code())
    engine = create_engine(county.store)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE quarantine"))
    engine.dispose()
    r = county.post(token, batch([change(1), change(2, "no_such_table")]))
    assert r.status_code in (500, 503)
    assert r.json()["error"] in ("server_error", "unavailable") and "稍后" in r.json()["message"]
    assert county.alive()
    assert county.ack(token, "epoch-1") == 0  # rolled back whole: the good change is not half-stored
    r = county.post(token, batch([change(1)]))
    assert r.status_code == 200 and r.json()["ack_seq"] == 1
    assert "quarantine" in county.log()


def test_a_report_that_fails_is_not_told_in_upload_words(own_county: County) -> None:
    """County staff asking for the report on a broken store are told the report failed, not
    that "this upload stored nothing" or that "this station's data is safe on this PC"."""
    from sqlalchemy import create_engine, text

    county = own_county
    token = county.enroll(new_code())
    assert county.post(token, batch([change(1)])).status_code == 200
    engine = create_engine(county.store)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE records RENAME TO records_aside"))
    try:
        r = httpx.get(
            county.base + protocol.REPORT_PATH, headers=protocol.auth_header(county.admin_token()), timeout=30
        )
        # SQLite calls a missing table an OperationalError (503), PostgreSQL a ProgrammingError (500).
        assert r.status_code == (503 if county.backend == "sqlite" else 500), r.text
        message = r.json()["message"]
        assert "汇总" in message and "稍后再试" in message, message
        assert not any(words in message for words in ("上传", "同步", "本站")), message
        # A station's upload on the same broken store still hears that nothing of it was stored.
        r = county.post(token, batch([change(2)], after_seq=1))
        upload_words = r.json()["message"]
        assert r.status_code in (500, 503) and ("本站数据已安全保存" in upload_words or "上传" in upload_words)
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE records_aside RENAME TO records"))
        engine.dispose()
    assert county.report()["total"]["lectures"] == 1
