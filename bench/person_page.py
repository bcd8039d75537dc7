"""Person page benchmark: a person's page and their hours balance on the 10-year demo database.

The 10-year demo (`station demo --years 10`: 3,000 people, about 100,000 attendance lines, of
which about 19,000 credit hours and so are hours-ledger entries) is the database of a busy
village after a decade. For a sample
of people — the twenty with the longest ledgers and eighty drawn at random (seeded) among
those who have a ledger at all — it times:

- **page**: ``store.hours.person_page(id)``, everything the person's page shows, read in one
  snapshot: the person, their teams, every ledger entry with what it was for and whether it
  was voided, grouped by year with year totals, and the balance;
- **balance**: ``store.hours.balance(id)``, the balance alone (the 人员 list's hours column);
- **floor**: the raw SQL sum, ``SELECT sum(tenths) FROM hours_entries WHERE person_id = ?`` on
  the same connection: the least any balance can cost.

Budget: the page's p95 ≤ 50 ms (opening a page feels instant), on the shared 2-core machine.
Both are also printed as a ratio against the floor's p95 in the same run, so a slower or faster
machine can be told apart from a slower page.

    uv run python bench/person_page.py              # makes bench/.data/ten-years.db once
    uv run python bench/person_page.py --runs 10
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DEFAULT_DB = HERE / ".data" / "ten-years.db"
PAGE_BUDGET_MS = 50.0
LONGEST, DRAWN = 20, 80


def ensure_database(path: Path) -> None:
    """The same database bench/startup.py uses (and makes, if it is not there yet)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating a 10-year demo database at {path} (a minute or two) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "station_tui", "--db", str(path), "demo", "--years", "10"], check=True
    )


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return seconds * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=5, help="passes over the sample of people")
    args = parser.parse_args()
    ensure_database(args.db)

    from station_tui.storage import Actor, Store

    with Store(args.db, actor=Actor(user="bench", program="bench")) as store:
        people = store.query_value("SELECT count(*) FROM people WHERE deleted = 0")
        lines = store.query_value("SELECT count(*) FROM attendance WHERE deleted = 0")
        entries = store.query_value("SELECT count(*) FROM hours_entries")
        print(f"database: {people} people, {lines} attendance lines, {entries} ledger entries")
        longest = [
            r[0] for r in store.query(
                "SELECT e.person_id FROM hours_entries e JOIN people p ON p.id = e.person_id AND p.deleted = 0"
                " GROUP BY e.person_id ORDER BY count(*) DESC LIMIT ?",
                (LONGEST,),
            )
        ]
        # Drawn among the people who have a ledger at all: a page without entries costs nothing.
        with_hours = sorted(
            r[0] for r in store.query(
                "SELECT DISTINCT e.person_id FROM hours_entries e JOIN people p ON p.id = e.person_id"
                " WHERE p.deleted = 0"
            )
        )
        sample = longest + random.Random(2026).sample(with_hours, DRAWN)
        most = max(len(store.hours.lines(pid)) for pid in longest)
        print(f"sample: {len(sample)} people (the longest ledger holds {most} entries)")

        for pid in sample:  # warm up: imports, statements prepared, the pages read once (cached)
            store.hours.person_page(pid)
        page, balance, floor = [], [], []
        for _ in range(args.runs):
            # The sums in a loop of their own: right after a page, the next statement also
            # paid for collecting the page's garbage, and the 10 µs floor was timed 50× slower.
            for pid in sample:
                started = time.perf_counter()
                store.query_value("SELECT sum(tenths) FROM hours_entries WHERE person_id = ?", (pid,))
                floor.append(time.perf_counter() - started)
                started = time.perf_counter()
                store.hours.balance(pid)
                balance.append(time.perf_counter() - started)
            for pid in sample:
                started = time.perf_counter()
                shown = store.hours.person_page(pid)
                page.append(time.perf_counter() - started)
                assert shown is not None and shown.balance == store.hours.balance(pid)

    floor_p95 = p95(floor)
    print(f"{'':10}{'median':>10}{'p95':>10}{'p95 / floor':>14}")
    for name, samples in (("floor", floor), ("balance", balance), ("page", page)):
        print(
            f"{name:10}{ms(statistics.median(samples)):>8.2f}ms{ms(p95(samples)):>8.2f}ms"
            f"{p95(samples) / floor_p95:>13.1f}×"
        )
    ok = ms(p95(page)) <= PAGE_BUDGET_MS
    print(f"budget: page p95 ≤ {PAGE_BUDGET_MS:.0f} ms → {'OK' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
