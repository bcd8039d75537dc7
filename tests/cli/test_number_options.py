"""A number option typed wrong is refused in both languages, before anything runs."""

from __future__ import annotations

import pytest

from county.cli import main as county_main
from station_tui.cli import main as station_main


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["status", "--year", "2O26"], "年份应为整数，不是“2O26” / --year must be a whole number, not '2O26'"),
        (["status", "--year", "2026", "--month", "十一"], "月份应为整数，不是“十一”"),
        (["sync", "--batch-size", "0"], "每批条数不能小于 1 / --batch-size must be at least 1: 0"),
        (["demo", "--years", "99"], "年数应在 1 到 20 之间 / --years must be 1-20: 99"),
        (["demo", "--seed", "abc"], "随机种子应为整数"),
    ],
)
def test_station_number_options(argv: list[str], said: str, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "station.db"
    with pytest.raises(SystemExit) as exit_:
        station_main(["--db", str(db), *argv])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err
    assert not db.exists()  # refused before anything was opened or written


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["serve", "--port", "99999"], "端口应在 0 到 65535 之间 / --port must be 0-65535: 99999"),
        (["serve", "--rate", "nan"], "请求频率应为数字，不是“nan”"),
        (["serve", "--burst", "-1"], "突发请求数不能小于 0"),
        (["serve", "--max-body", "1M"], "请求体上限应为整数，不是“1M”"),
        (["report", "--year", "x"], "年份应为整数，不是“x” / --year must be a whole number, not 'x'"),
    ],
)
def test_county_number_options(argv: list[str], said: str, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "county.db"
    with pytest.raises(SystemExit) as exit_:
        county_main(["--db", f"sqlite:///{db}", *argv] if argv[0] == "report" else argv)
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err
    assert not db.exists()
