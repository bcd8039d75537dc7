"""`county-center` as the county's staff use it: station add/code/revoke/list, admin-token,
COUNTY_DB, and plain-language refusals."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.county_server import cli


def test_station_commands(tmp_path: Path) -> None:
    # The commands' store code runs against both stores in the server tests; here the CLI itself.
    county_url = f"sqlite:///{tmp_path / 'county.db'}"
    added = json.loads(
        cli(
            county_url,
            "station",
            "add",
            "--code",
            "140311101201",
            "--name",
            "甄家庄站",
            "--township",
            "府西街道",
            "--json",
        ).stdout
    )
    assert added["code"] == "140311101201"
    assert len(added["enrollment_code"].replace("-", "")) == 16

    plain = cli(county_url, "station", "add", "--code", "140311101202", "--name", "新建路站", "--township", "府西街道")
    assert "一次性注册码" in plain.stdout and "station enroll" in plain.stdout

    again = cli(county_url, "station", "add", "--code", "140311101201", "--name", "x", "--township", "y", check=False)
    assert again.returncode == 1 and "已经存在" in again.stderr
    bad = cli(county_url, "station", "add", "--code", "1403", "--name", "x", "--township", "y", check=False)
    assert bad.returncode == 1 and "12 位数字" in bad.stderr
    missing = cli(county_url, "station", "revoke", "999999999999", check=False)
    assert missing.returncode == 1 and "没有代码为" in missing.stderr

    fresh = json.loads(cli(county_url, "station", "code", "140311101201", "--json").stdout)["enrollment_code"]
    assert fresh != added["enrollment_code"]
    revoked = json.loads(cli(county_url, "station", "revoke", "140311101201", "--json").stdout)
    assert revoked == {"code": "140311101201", "revoked_tokens": 0}

    rows = json.loads(cli(county_url, "station", "list", "--json").stdout)
    assert [(r["code"], r["enrolled"], r["last_sync"], r["acked_seq"], r["quarantined"]) for r in rows] == [
        ("140311101201", False, None, 0, 0),
        ("140311101202", False, None, 0, 0),
    ]
    table = cli(county_url, "station", "list").stdout
    assert "甄家庄站" in table and "从未同步" in table

    token = cli(county_url, "admin-token").stdout.strip()
    assert token.startswith("adm_")
    assert "注销 1 个" in cli(county_url, "admin-token", "--revoke-all").stdout
    assert "没有被隔离" in cli(county_url, "quarantine").stdout


def test_county_db_environment_and_default_location(tmp_path: Path) -> None:
    env = {"COUNTY_DB": str(tmp_path / "env" / "county.db")}
    done = cli(
        None, "station", "add", "--code", "140311101201", "--name", "站", "--township", "镇", check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env" / "county.db").exists()
    # Without --db and COUNTY_DB: a SQLite file in the user data directory (HOME is isolated).
    done = cli(None, "station", "list", "--json", check=False)
    assert done.returncode == 0 and json.loads(done.stdout) == []
    assert (Path(os.environ["XDG_DATA_HOME"]) / "station-tui-county" / "county.db").exists()


def test_an_unreachable_store_is_reported_plainly(tmp_path: Path) -> None:
    done = cli("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "station", "list", check=False)
    assert done.returncode == 1
    assert "打不开县中心数据库" in done.stderr and "secret" not in done.stderr


def test_serve_over_https_with_the_countys_own_certificate(tmp_path: Path) -> None:
    """A county with its own (self-signed) certificate: stations that trust it connect,
    others are refused by TLS before anything is sent."""
    import httpx

    from sync import protocol
    from tests.county_server import County

    cert, key = tmp_path / "county.pem", tmp_path / "county.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = County(f"sqlite:///{tmp_path / 'county.db'}", tmp_path, ("--tls-cert", str(cert), "--tls-key", str(key)))
    trusted = ssl.create_default_context(cafile=str(cert))
    server.verify = trusted
    server.start()
    try:
        assert server.base.startswith("https://127.0.0.1:")
        assert httpx.get(server.base + protocol.HEALTH_PATH, verify=trusted, timeout=10).status_code == 200
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(server.base + protocol.HEALTH_PATH, timeout=10)
    finally:
        server.stop()
    half = cli(f"sqlite:///{tmp_path / 'county.db'}", "serve", "--tls-cert", str(cert), check=False)
    assert half.returncode == 2 and "--tls-key" in half.stderr


def test_tables_show_sync_times_in_the_computers_own_time() -> None:
    """JSON keeps UTC; a clerk reading a table sees local time (here the test pins TZ)."""
    import os
    import time

    from county.reports import local_time

    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    try:
        assert local_time("2026-11-22T03:04:05Z") == "2026-11-22 11:04:05"
        assert local_time(None) == "从未同步"
    finally:
        if old is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = old
        time.tzset()
