"""`station` opens the app in a real process on a terminal; its start-up path stays lean."""

from __future__ import annotations

from pathlib import Path

from station_tui.storage import Store
from tests import station_cli
from tests.fresh_process import modules_left
from tests.terminal import show_then_quit
from tests.tui.conftest import seed


def test_station_without_subcommand_paints_the_dashboard(db_path: Path) -> None:
    with Store(db_path) as store:
        seed(store)
    env = station_cli.environment(env={"TERM": "xterm-256color", "STATION_CURSOR_BLINK": "0"})
    argv = station_cli.argv(db=db_path)
    # The month's figures from the database, then Ctrl+Q leaves cleanly.
    run = show_then_quit(argv, env, r"签到 \d+ 人次")
    assert run.shown_after is not None, run.text[-2000:]
    assert run.exit_code == 0, run.text[-2000:]
    assert "甄家庄社区新时代文明实践站" in run.text
    assert "五大平台" in run.text and "最近记录" in run.text

    run = show_then_quit([*argv, "--lang", "en"], env, r"Attendance \d+")
    assert run.shown_after is not None and run.exit_code == 0, run.text[-2000:]


def test_a_broken_keymap_file_is_reported_on_the_terminal(db_path: Path, tmp_path: Path) -> None:
    with Store(db_path) as store:
        seed(store)
    config = tmp_path / "config"
    (config / "station-tui").mkdir(parents=True)
    (config / "station-tui" / "keymap.json").write_text('{"list.new": 7}', encoding="utf-8")
    env = station_cli.environment(
        env={"TERM": "xterm-256color", "STATION_CURSOR_BLINK": "0", "XDG_CONFIG_HOME": str(config)}
    )
    run = show_then_quit(station_cli.argv(db=db_path), env, r"已使用默认按键")
    assert run.shown_after is not None and run.exit_code == 0, run.text[-2000:]
    assert "签到" in run.text  # and the dashboard is there with its default keys


def test_the_first_frame_takes_the_facts_read_ahead_once(db_path: Path) -> None:
    from concurrent.futures import Future

    from station_tui.app import StationApp
    from station_tui.screens.dashboard import gather

    with Store(db_path) as store:
        seed(store)
        app = StationApp(store, language="zh_CN")
        assert app.take_first_facts(wait=10) is not None  # read ahead from the start
        assert app.take_first_facts() is None  # only once: later visits read afresh

        slow: Future = Future()
        app._first_facts = slow
        assert app.take_first_facts(wait=0) is None  # not in yet: the first frame shows "loading"
        facts = gather(store, app.today, app.monthly_minimums)
        slow.set_result(facts)
        assert app.take_first_facts() is facts  # the dashboard's worker takes it, no second read
        assert app.take_first_facts() is None


def test_first_screen_does_not_import_pydantic_or_heavy_modules(db_path: Path) -> None:
    """The startup benchmark's budget depends on this: the dashboard's figures come from plain
    SQL, and pydantic, pypinyin and openpyxl load only when a form or import needs them;
    nothing asks a package its version (importlib.metadata brings email, csv and zipfile)."""
    with Store(db_path) as store:
        seed(store)
    code = (
        "from datetime import date\n"
        "from station_tui.cli import build_parser\n"
        "from station_tui.config import quick_settings\n"
        "from station_tui.storage import Store\n"
        "import station_tui.app\n"
        "from station_tui.screens.dashboard import gather\n"
        f"store = Store({str(db_path)!r})\n"
        "facts = gather(store, date(2026, 11, 22), quick_settings().monthly_minimums)\n"
        "assert facts.figures['lectures'] == 5, facts\n"
    )
    assert modules_left(code, ("pydantic", "pypinyin", "openpyxl", "importlib.metadata")) == []


def test_without_a_terminal_station_says_to_use_a_subcommand(db_path: Path) -> None:
    out = station_cli.run(db=db_path)  # stdin /dev/null, stdout and stderr pipes: no terminal anywhere
    assert out.returncode == 2
    assert "station status" in out.stderr and "终端" in out.stderr
