"""A mistyped command line is explained in Chinese too, with the way to --help."""

from __future__ import annotations

import pytest

from county.cli import main as county_main
from station_tui.cli import main as station_main


@pytest.mark.parametrize(
    ("main", "argv", "said"),
    [
        (
            station_main,
            ["enroll"],
            "station enroll: 缺少必填的参数：--server, --code / the following arguments are required",
        ),
        (station_main, ["bogus"], "参数 COMMAND 只能是 'init', 'import', 'status'"),
        (station_main, ["status", "--json", "x"], "不认识的参数：x / unrecognized arguments: x"),
        (station_main, ["init", "--code"], "参数 --code 后面要跟一个值 / argument --code: expected one argument"),
        (county_main, ["station", "add", "--code", "140311101201"], "缺少必填的参数：--name, --township"),
        (county_main, [], "county-center: 缺少必填的参数：COMMAND"),
    ],
)
def test_usage_errors_in_both_languages(main, argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert "--help 查看用法" in err


def test_an_option_type_message_is_not_said_twice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        station_main(["status", "--year", "x"])
    err = capsys.readouterr().err
    assert err.count("年份应为整数") == 1
