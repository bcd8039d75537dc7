"""Startup benchmark: cold start of ``station`` to its first painted dashboard on a 10-year
database, against a bare Textual app (Header, 100-row DataTable, Footer) in the same run.

Each start is a fresh process on its own pseudo-terminal (80×24). Wall time is measured from
spawn until the terminal shows the app's content — for the station app, the month's figures
read from the database; for the bare app, its table's rows — as a user would see it. Then
Ctrl+Q quits the app; peak RSS and CPU time are the child's, from ``os.wait4``. Runs alternate
between the two apps; the medians are compared.

Budget: station ≤ 1.3× the bare app's wall time and ≤ 1.5× its peak RSS.

    uv run python bench/startup.py            # makes bench/.data/ten-years.db on first use
    uv run python bench/startup.py --runs 9 --db path/to/station.db
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.terminal import show_then_quit  # noqa: E402  (one meaning of "it shows", tests and bench)

DEFAULT_DB = HERE / ".data" / "ten-years.db"
WALL_BUDGET = 1.3
RSS_BUDGET = 1.5
#: What each app shows once it has started: the dashboard's figures, the bare table's rows.
SHOWN = {"station": r"签到 \d+ 人次", "bare": r"活动 0 "}


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


def run_once(name: str, argv: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Start ``argv`` on an 80×24 pty; returns (seconds until it shows its content, peak RSS in
    KiB, CPU seconds until it has quit)."""
    run = show_then_quit(argv, env, SHOWN[name])
    if run.shown_after is None or run.exit_code != 0:
        raise RuntimeError(f"{argv} did not show {SHOWN[name]!r} (exit {run.exit_code}): {run.text[-500:]}")
    return run.shown_after, run.peak_rss_kib, run.cpu_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_database(args.db)

    env = {**os.environ, "TERM": os.environ.get("TERM", "xterm-256color")}
    env.pop("STATION_DB", None)
    commands = {
        "bare": [sys.executable, str(HERE / "bare_app.py")],
        # In Chinese whatever the settings say: SHOWN is the Chinese figures line.
        "station": [sys.executable, "-m", "station_tui", "--db", str(args.db), "--lang", "zh_CN"],
    }
    for name, argv in commands.items():  # warm the OS file cache and .pyc files once
        run_once(name, argv, env)
    results: dict[str, list[tuple[float, int, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            results[name].append(run_once(name, argv, env))

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
