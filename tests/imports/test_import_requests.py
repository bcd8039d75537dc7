"""``station import requests``: villager requests from CSV or Excel, all or nothing, each
starting as 待处理 with its 点单 as its first move; categories are the station's own."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from station_tui.storage import Actor, Store
from station_tui.storage.repositories.requests import RequestFilter
from tests import station_cli

from .import_samples import REQUESTS, write_file


def station(db: Path, *args: str, config_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    return station_cli.run(*args, db=db, config_dir=config_dir)


@pytest.fixture
def ready_db(station: object, store: Store, db_path: Path) -> Path:
    store.close()
    return db_path


@pytest.mark.parametrize("fmt", ["utf-8", "gbk", "xlsx"])
def test_import_requests_then_again(ready_db: Path, tmp_path: Path, fmt: str) -> None:
    path = write_file(tmp_path, "requests", REQUESTS, fmt)
    done = station(ready_db, "import", "requests", str(path))
    assert done.returncode == 0, done.stderr
    assert "导入 3 条，已存在 0 条（未重复导入）" in done.stdout
    with Store(ready_db, actor=Actor("tester")) as s:
        rows = {r["requester"]: r for r in s.query("SELECT * FROM requests ORDER BY received_on")}
        assert set(rows) == {"王秀英", "赵大爷", "曾秀兰"}
        wang = rows["王秀英"]
        assert (wang["wish"], wang["phone"], wang["request_type"], wang["channel"], wang["expected_on"]) == (
            "修补漏雨的屋顶",
            "13812345678",
            "生活帮扶",
            "入户询单",
            "2024-03-12",
        )
        assert rows["曾秀兰"]["channel"] == "当面" and rows["曾秀兰"]["phone"] == "0353-2021234"
        assert {r["state"] for r in rows.values()} == {"待处理"}
        moves = {m["request_id"]: m for m in s.query("SELECT * FROM request_moves")}
        assert set(moves) == {r["id"] for r in rows.values()}, "one 点单 move per request"
        assert {(m["action"], m["from_state"], m["to_state"]) for m in moves.values()} == {("create", None, "待处理")}
        assert moves[wang["id"]]["moved_by"] == "李明"  # 登记人
        assert moves[rows["曾秀兰"]["id"]]["moved_by"]  # without one: the computer's user
        # Found by the requester's pinyin, like a person.
        assert [r.requester for r in s.requests.page(RequestFilter(text="zxl"))] == ["曾秀兰"]

    again = station(ready_db, "import", "requests", str(path))
    assert again.returncode == 0, again.stderr
    assert "导入 0 条，已存在 3 条（未重复导入）" in again.stdout
    status = json.loads(station(ready_db, "status", "--json", "--year", "2024").stdout)["figures"]
    assert (status["requests_received"], status["requests_completed"], status["requests_rating"]) == (3, 0, None)


def test_one_bad_row_and_nothing_is_imported(ready_db: Path, tmp_path: Path) -> None:
    rows = [list(r) for r in REQUESTS]
    rows[1][6] = "打麻将"  # no such category
    rows[2][8] = "2024-03-01"  # expected before it was asked
    rows[2][7] = "微信"  # no such channel
    path = write_file(tmp_path, "requests", rows, "utf-8")
    done = station(ready_db, "import", "requests", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "第 3 行，点单类别：点单类别“打麻将”不在点单类别中" in done.stderr
    assert "第 4 行，渠道：" in done.stderr
    assert "第 4 行，期望日期：期望日期 2024-03-01 早于点单日期 2024-03-09" in done.stderr
    with Store(ready_db, actor=Actor("tester")) as s:
        assert s.query_value("SELECT count(*) FROM requests") == 0
        assert s.query_value("SELECT count(*) FROM request_moves") == 0
        assert s.query_value("SELECT count(*) FROM outbox WHERE tbl LIKE 'request%'") == 0


def test_the_stations_own_categories_are_the_ones_accepted(ready_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"request_categories": ["打麻将", "生活帮扶"]}), encoding="utf-8")
    rows = [list(r) for r in REQUESTS[:2]]
    rows[1][6] = "打麻将"
    path = write_file(tmp_path, "requests", rows, "utf-8")
    done = station(ready_db, "import", "requests", str(path), config_dir=config)
    assert done.returncode == 0, done.stderr
    assert "导入 2 条" in done.stdout


def test_the_template(tmp_path: Path) -> None:
    done = station_cli.run("template", "requests")
    assert done.returncode == 0
    assert done.stdout.strip() == "点单日期,心愿,具体内容,点单人,手机号,地址,点单类别,渠道,期望日期,登记人,备注"
