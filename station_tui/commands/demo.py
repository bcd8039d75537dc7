"""``station demo``: fill a database with a realistic history of a village station, to try the
app, train a 专管员 or benchmark; and the database behind ``station --demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from station_tui.commands.common import CommandError, open_store, whole_number

if TYPE_CHECKING:
    from collections.abc import Callable

    from filelock import FileLock

    from station_tui.demo import DemoSummary

#: Dates must stay after 2000 and the history believable.
MAX_YEARS = 20


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo",
        parents=[parent],
        help="生成演示数据 / fill a database with demo records",
        description="向数据库写入一个村级实践站的演示记录（人员、队伍、宣讲、活动、签到），"
        "只用于试用和培训。已有记录的数据库默认拒绝写入。"
        " Fill a database with a village station's demo records; refuses a database that has records.",
    )
    p.add_argument("--years", type=whole_number("年数", "--years", 1, MAX_YEARS), default=1,
                   help="生成几年的记录（默认 1）/ years of records (default 1)")
    p.add_argument("--seed", type=whole_number("随机种子", "--seed"),
                   help="随机种子，相同种子生成相同数据 / seed: the same seed gives the same data")
    p.add_argument(
        "--size",
        choices=("standard", "small"),
        default="standard",
        help="规模：standard 每年约 500 场，small 每年约 60 场 / events per year: ~500 or ~60",
    )
    p.add_argument("--force", action="store_true", help="数据库已有记录时仍然写入 / add to a database that has records")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station_tui.demo import DEFAULT_SEED, demo_state, generate, has_records

    seed = DEFAULT_SEED if args.seed is None else args.seed
    with open_store(args, program="station demo") as store, _fill_lock(store.path):
        if has_records(store) and not args.force:
            if demo_state(store) == "started":
                raise CommandError(
                    f"数据库 {store.path} 里是一次没有完成（被中断）的演示数据。请删除这个文件后重新运行，"
                    "或加 --force 在其上继续写入。\n"
                    f"The database {store.path} holds demo data whose generation was interrupted.\n"
                    "Delete the file and run again, or add --force to write on top of it."
                )
            raise CommandError(
                f"数据库 {store.path} 里已经有记录，为免与真实台账混在一起，没有写入演示数据。\n"
                "如确要写入，请加 --force；或用 --db 指定另一个文件。\n"
                f"The database {store.path} already has records; no demo data was written.\n"
                "Add --force to write it anyway, or choose another file with --db."
            )
        summary = generate(store, years=args.years, seed=seed, size=args.size, progress=_progress(args.years))
        print(describe(summary))
        print(f"数据库 / database: {store.path}")
    return 0


def _progress(years: int) -> Callable[[int, int], None] | None:
    """A running count on a terminal for long runs; silent in scripts and short runs."""
    if years < 3 or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r正在生成 / generating: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


def describe(summary: DemoSummary) -> str:
    s = summary.station
    lines = [
        f"已生成演示数据 / demo data created: {s.name}（{s.code}），{s.county}{s.township}",
        f"  时间 / period: {summary.first_day.isoformat()} 至 {summary.last_day.isoformat()}",
        f"  人员 / people: {summary.people}（志愿者 / volunteers {summary.volunteers}）",
        f"  队伍 / teams: {summary.teams}（成员 / members {summary.team_members}），场所 / venues: {summary.venues}",
        f"  理论宣讲 / lectures: {summary.lectures}，文明实践活动 / activities: {summary.activities}",
        f"  签到 / attendance: {summary.attendance}"
        f"（具名 / named {summary.named_lines}，人数 / headcount {summary.headcount_lines}）",
        f"  已删除的重复录入 / deleted duplicates: {summary.deleted}",
        f"  活动计划 / monthly plans: {summary.plans}（计划项目 / planned items {summary.plan_items}）",
        f"  时长补录 / late hours entries: {summary.late_entries}（作废 / voided {summary.voided}），"
        f"签到时长更正 / roster hours corrected: {summary.corrected_lines}",
        f"  爱心超市 / supermarket: 物品 / goods {summary.market.goods}，兑换 / redemptions "
        f"{summary.market.redemptions}（已领取 {summary.market.picked_up}，待领取 {summary.market.pending}，"
        f"已取消 {summary.market.cancelled}）",
        f"  群众点单 / villager requests: {summary.requests}",
        f"  志愿服务记录证明 / certificates: {summary.certificates}",
    ]
    if not summary.station_created:
        lines.insert(1, "  站点信息保持不变 / the station's identity was kept as it was")
    return "\n".join(lines)


def demo_database(db: str | None, *, fill: bool = True) -> Path:
    """The database ``station --demo`` opens: ``--db`` if given, else ``demo.db`` in the data
    directory (never ``STATION_DB``, which is the station's real ledger). Filled with a year
    of demo records the first time; the default file is made again if that was interrupted."""
    from station_tui.config import data_dir
    from station_tui.demo import DEFAULT_SEED, demo_state, generate, has_records

    path = Path(db).expanduser() if db else data_dir() / "demo.db"
    if not fill:
        return path
    target = argparse.Namespace(db=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two `station --demo` started at once on a fresh machine: the second waits for the
    # first to finish instead of seeing a half-filled file (and remaking it under it).
    with _fill_lock(path):
        with open_store(target, program="station demo") as store:
            unfinished = has_records(store) and demo_state(store) == "started"
        if unfinished and db is not None:
            print(
                f"注意：{path} 里的演示数据上次没有生成完整。/ note: demo data in {path} is incomplete"
                " (its generation was interrupted).",
                file=sys.stderr,
            )
        elif unfinished:
            # Only ever our own default demo file, half filled: nothing in it is anyone's work.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        with open_store(target, program="station demo") as store:
            if not has_records(store):
                print("正在生成一年的演示数据…… / creating a year of demo records…", file=sys.stderr, flush=True)
                generate(store, years=1, seed=DEFAULT_SEED)
    return path


def _fill_lock(path: Path) -> FileLock:
    from filelock import FileLock

    return FileLock(f"{path}.lock")
