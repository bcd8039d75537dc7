"""Benchmark: time and peak memory of `station import` on files built to exhaust it.

Each file is imported by a fresh `station import` process (as a user runs it) into a copy
of the same new station database; wall time is spawn to exit, peak RSS comes from `wait4`.
The floor is the same command importing a clean 3-row file, in the same run.

Budgets (docs/import-formats.md, "Limits"): every hostile file ends with exit 1 and a message,
never a traceback, in at most 10x the floor's wall time and 3x its peak RSS; the valid
20,000-row file (the most a file may hold) imports in at most 20x the floor's time and 3x its
memory.

The files are the sizes that broke the station before the limits (a 1.1 GB cell, a 100 MB
line of commas, a million rows); the first run writes them to bench/.data/hostile/ (~60 MB,
about a minute).

Run: ``uv run python bench/hostile_imports.py``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the files are built by the tests' own generators

from bench.station_db import new_station  # noqa: E402
from tests.imports import hostile_files as hostile  # noqa: E402

DATA = HERE / ".data" / "hostile"
HOSTILE_TIME_BUDGET = 10.0
HOSTILE_MEMORY_BUDGET = 3.0
VALID_TIME_BUDGET = 20.0
VALID_MEMORY_BUDGET = 3.0


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    make: Callable[[Path], Path]
    valid: bool = False


CASES = [
    Case("floor.xlsx", "3 valid lectures (the floor)", lambda p: hostile.many_rows_xlsx(p, 3), valid=True),
    Case("declared.xlsx", "declares A1:XFD1048576, one cell at XFD1048576", hostile.declared_whole_sheet_xlsx),
    Case("bomb.xlsx", "one cell inflating to 1.1 GB", lambda p: hostile.inflating_cell_xlsx(p, 1126)),
    Case("commas.csv", "one 100 MB line of 100 million empty cells", lambda p: hostile.empty_cells_csv(p, 100_000_000)),
    Case("line.csv", "one 20 MB line of empty cells", lambda p: hostile.empty_cells_csv(p, 20_000_000)),
    Case("huge-cell.csv", "one cell of 3 million characters", lambda p: hostile.huge_cell_csv(p, 3_000_000)),
    Case(
        "bad-rows.csv",
        "5,000 rows, each with a date that does not exist",
        lambda p: hostile.many_bad_rows_csv(p, 5_000),
    ),
    Case("rows-1m.xlsx", "1,000,000 valid rows", lambda p: hostile.many_rows_xlsx(p, 1_000_000)),
    Case("rows-100k.xlsx", "100,000 valid rows", lambda p: hostile.many_rows_xlsx(p, 100_000)),
    Case(
        "rows-20k.xlsx",
        "20,000 valid rows (the most a file may hold)",
        lambda p: hostile.many_rows_xlsx(p, 20_000),
        valid=True,
    ),
]


@dataclass(frozen=True)
class Result:
    case: Case
    size: int
    seconds: float
    peak_mib: float
    code: int
    last_line: str


def run_import(template: Path, work: Path, case: Case, file: Path) -> Result:
    db = work / "station.db"
    shutil.copy(template, db)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "station_tui", "--db", str(db), "import", "lectures", str(file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    # Output is small (problems are capped), so reading it after wait4 cannot block.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    process.stdout and process.stdout.close()
    if "Traceback" in output:
        raise SystemExit(f"{case.name}: traceback\n{output}")
    lines = [line for line in output.splitlines() if line.strip()]
    return Result(
        case,
        file.stat().st_size,
        seconds,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        lines[0] if lines else "",
    )


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        path = DATA / case.name
        if not path.exists():
            print(f"writing {case.name} …", flush=True)
            case.make(path)
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template.db"
        new_station(template).close()
        for case in CASES:
            results.append(run_import(template, work, case, DATA / case.name))
    floor = results[0]
    failed = []
    print(f"\n{'file':<15} {'size':>9} {'wall':>8} {'×floor':>7} {'peak RSS':>9} {'×floor':>7}  exit  first line")
    for result in results:
        time_ratio = result.seconds / floor.seconds
        memory_ratio = result.peak_mib / floor.peak_mib
        print(
            f"{result.case.name:<15} {result.size / 1e6:>7.2f}MB {result.seconds:>7.2f}s {time_ratio:>6.1f}× "
            f"{result.peak_mib:>7.1f}Mi {memory_ratio:>6.2f}×  {result.code:>4}  {result.last_line[:60]}"
        )
        if result is floor:
            continue
        time_budget = VALID_TIME_BUDGET if result.case.valid else HOSTILE_TIME_BUDGET
        memory_budget = VALID_MEMORY_BUDGET if result.case.valid else HOSTILE_MEMORY_BUDGET
        expected_code = 0 if result.case.valid else 1
        if result.code != expected_code:
            failed.append(f"{result.case.name}: exit {result.code}, expected {expected_code}")
        if time_ratio > time_budget:
            failed.append(f"{result.case.name}: {time_ratio:.1f}× the floor's time (budget {time_budget}×)")
        if memory_ratio > memory_budget:
            failed.append(f"{result.case.name}: {memory_ratio:.2f}× the floor's memory (budget {memory_budget}×)")
    print()
    for line in failed:
        print("OVER BUDGET:", line)
    if not failed:
        print("all within budget")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
