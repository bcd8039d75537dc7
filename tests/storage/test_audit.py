"""The audit: who changed what, from where, with which program."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from station_tui.domain import Person
from station_tui.storage import Actor, Store


def audit_rows(path: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
    conn.close()
    return rows


_EDIT_AS_CURRENT_USER = """
import sys
from station_tui.domain import Person
from station_tui.storage import Actor, Store
with Store(sys.argv[1], actor=Actor.current(program=sys.argv[2])) as store:
    p = store.people.add(Person(name="刘备", phone="13811112222"))
    p = store.people.update(p.model_copy(update={"phone": "13833334444", "note": "乡里核对"}))
    store.people.delete(p.id)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_CLIENT", "SSH_CONNECTION")}
    env.update(extra)
    return env


def test_a_township_cadre_over_ssh_is_recorded_with_address(db_path: Path) -> None:
    Store(db_path).close()
    done = subprocess.run(
        [sys.executable, "-c", _EDIT_AS_CURRENT_USER, str(db_path), "station-tui"],
        env=_env(SSH_CLIENT="10.12.0.7 51234 22"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr

    rows = audit_rows(db_path)
    assert [r["op"] for r in rows] == ["insert", "update", "delete"]
    for r in rows:
        assert r["user"] == getpass.getuser()
        assert r["ssh_client"] == "10.12.0.7"
        assert r["program"] == "station-tui"
        assert r["tbl"] == "people"
    assert [r["row_version"] for r in rows] == [1, 2, 3]
    assert rows[0]["fields"] is None
    assert rows[1]["fields"] == "phone,note"
    assert rows[2]["fields"] == "deleted"


def test_ssh_connection_is_used_when_ssh_client_is_absent(db_path: Path) -> None:
    Store(db_path).close()
    done = subprocess.run(
        [sys.executable, "-c", _EDIT_AS_CURRENT_USER, str(db_path), "station"],
        env=_env(SSH_CONNECTION="192.168.1.20 40000 192.168.1.5 22"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert {r["ssh_client"] for r in audit_rows(db_path)} == {"192.168.1.20"}


def test_a_local_user_has_no_ssh_address(db_path: Path) -> None:
    Store(db_path).close()
    done = subprocess.run(
        [sys.executable, "-c", _EDIT_AS_CURRENT_USER, str(db_path), "station"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert {(r["ssh_client"], r["program"]) for r in audit_rows(db_path)} == {(None, "station")}


def test_two_actors_on_one_file_are_kept_apart(db_path: Path) -> None:
    clerk = Store(db_path, actor=Actor(user="wangxy", program="station"))
    cadre = Store(db_path, actor=Actor(user="zhaoli", ssh_client="10.0.0.9", program="station"))
    p = clerk.people.add(Person(name="关羽"))
    p = cadre.people.update(p.model_copy(update={"gender": "男", "birth_year": 1960}))
    clerk.people.update(p.model_copy(update={"skills": ["书法"]}))
    clerk.close()
    cadre.close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("UPDATE people SET note = '手改' WHERE name = '关羽'")
    other.close()

    trail = [(r["user"], r["ssh_client"], r["op"], r["fields"]) for r in audit_rows(db_path)]
    assert trail == [
        ("wangxy", None, "insert", None),
        ("zhaoli", "10.0.0.9", "update", "gender,birth_year"),
        ("wangxy", None, "update", "skills"),
        ("（外部修改）", None, "update", "note"),
    ]


def test_audit_names_the_fields_of_every_kind_of_record(store: Store) -> None:
    from datetime import date, time

    from station_tui.domain import Activity

    act = store.activities.add(Activity(date=date(2026, 10, 1), title="国庆文艺汇演", platform="文化服务", served=200))
    store.activities.update(
        act.model_copy(update={"served": 260, "start_time": time(19), "end_time": time(21), "platform": "健身体育服务"})
    )
    row = store.query("SELECT fields, user, program FROM audit WHERE record_id = ? AND op = 'update'", (act.id,))[0]
    assert tuple(row) == ("start_time,end_time,platform,served", "tester", "pytest")
