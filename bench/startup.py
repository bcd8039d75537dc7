"""Startup benchmark: cold start of ``station`` to its first painted dashboard on a 10-year
database, against a bare Textual app (Header, 100-row DataTable, Footer) in the same run.

Each start is a fresh process on its own pseudo-terminal (80×24). With
``STATION_EXIT_AFTER_PAINT=1`` both apps exit right after their first full paint — for the
station app, once the dashboard shows the month's figures read from the database. Wall time is
measured from spawn to exit; peak RSS is the child's ``ru_maxrss`` from ``os.wait4``. Runs
alternate between the two apps; the medians are compared.

Budget: station ≤ 1.3× the bare app's wall time and ≤ 1.5× its peak RSS.

    uv run python bench/startup.py            # makes bench/.data/ten-years.db on first use
    uv run python bench/startup.py --runs 9 --db path/to/station.db
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / ".data" / "ten-years.db"
WALL_BUDGET = 1.3
RSS_BUDGET = 1.5


def ensure_database(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating a 10-year demo database at {path} (about a minute) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "station_tui", "--db", str(path), "demo", "--years", "10"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_once(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple[float, int, float]:
    """Start ``argv`` on an 80×24 pty; returns (wall seconds, peak RSS in KiB, CPU seconds)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def drain() -> None:  # a terminal that reads everything, like a real one
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError(f"{argv} did not exit within {timeout} s")
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    os.close(master)
    reader.join(timeout=1)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited with {proc.returncode}")
    return wall, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_database(args.db)

    env = {**os.environ, "STATION_EXIT_AFTER_PAINT": "1", "TERM": os.environ.get("TERM", "xterm-256color")}
    env.pop("STATION_DB", None)
    commands = {
        "bare": [sys.executable, str(HERE / "bare_app.py")],
        "station": [sys.executable, "-m", "station_tui", "--db", str(args.db)],
    }
    for argv in commands.values():  # warm the OS file cache and .pyc files once
        run_once(argv, env)
    results: dict[str, list[tuple[float, int, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            results[name].append(run_once(argv, env))

    med = {
        name: tuple(statistics.median(run[i] for run in runs) for i in range(3)) for name, runs in results.items()
    }
    wall_ratio = med["station"][0] / med["bare"][0]
    rss_ratio = med["station"][1] / med["bare"][1]
    print(f"database: {args.db} ({args.db.stat().st_size / 1e6:.1f} MB), runs: {args.runs} each, medians")
    for name, (wall, rss, cpu) in med.items():
        print(f"  {name:8s} wall {wall * 1000:7.0f} ms   peak RSS {rss / 1024:6.1f} MiB   CPU {cpu * 1000:6.0f} ms")
    wall_ok = wall_ratio <= WALL_BUDGET
    rss_ok = rss_ratio <= RSS_BUDGET
    print(f"  ratio    wall {wall_ratio:.2f}× (budget ≤ {WALL_BUDGET}×) {'ok' if wall_ok else 'OVER'}")
    print(f"           RSS  {rss_ratio:.2f}× (budget ≤ {RSS_BUDGET}×) {'ok' if rss_ok else 'OVER'}")
    # CPU time is not budgeted; it is steadier than wall time on a busy machine.
    print(f"           CPU  {med['station'][2] / med['bare'][2]:.2f}× (for information)")
    return 0 if wall_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
