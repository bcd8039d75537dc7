"""`station` opens the app in a real process on a terminal; its start-up path stays lean."""

from __future__ import annotations

import os
import pty
import struct
import subprocess
import sys
import time
from pathlib import Path

from station_tui.storage import Store
from tests.tui.conftest import seed


def _run_on_pty(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple[int, str]:
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if time.monotonic() > deadline:
            proc.kill()
            break
    os.close(master)
    return proc.wait(timeout=10), output.decode("utf-8", "replace")


def test_station_without_subcommand_paints_the_dashboard(db_path: Path) -> None:
    with Store(db_path) as store:
        seed(store)
    env = {**os.environ, "STATION_EXIT_AFTER_PAINT": "1", "TERM": "xterm-256color", "STATION_CURSOR_BLINK": "0"}
    code, screen = _run_on_pty([sys.executable, "-m", "station_tui", "--db", str(db_path)], env)
    assert code == 0, screen[-2000:]
    assert "甄家庄社区新时代文明实践站" in screen
    assert "五大平台" in screen and "最近记录" in screen

    code, screen = _run_on_pty([sys.executable, "-m", "station_tui", "--db", str(db_path), "--lang", "en"], env)
    assert code == 0, screen[-2000:]
    assert "Latest records" in screen


def test_first_screen_does_not_import_pydantic_or_heavy_modules(db_path: Path) -> None:
    """The startup benchmark's budget depends on this: the dashboard's figures come from plain
    SQL, and pydantic, pypinyin and openpyxl load only when a form or import needs them."""
    with Store(db_path) as store:
        seed(store)
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from station_tui.cli import build_parser\n"
        "from station_tui.config import quick_settings\n"
        "from station_tui.storage import Store\n"
        "import station_tui.app\n"
        "from station_tui.screens.dashboard import gather\n"
        f"store = Store({str(db_path)!r})\n"
        "facts = gather(store, date(2026, 11, 22), quick_settings().monthly_minimums)\n"
        "assert facts.figures['lectures'] == 5, facts\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pypinyin', 'openpyxl'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_without_a_terminal_station_says_to_use_a_subcommand(db_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "station_tui", "--db", str(db_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "station status" in out.stderr and "终端" in out.stderr
