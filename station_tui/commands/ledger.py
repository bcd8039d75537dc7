"""``station ledger``: the 台账 of a month or a year, as a Word document or a spreadsheet."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from station_tui.commands.common import EXIT_USAGE, CommandError, open_store, require_station


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "ledger",
        parents=[parent],
        help="生成台账（Word 或 Excel）/ write the ledger (docx or xlsx)",
        description="按月或按年生成台账：每场宣讲和活动一页（含照片），最后是汇总。"
        " Write the month's or year's ledger: a page per lecture and activity (with photos), then the summary.",
    )
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="月份，如 2026-11 / a month such as 2026-11")
    when.add_argument("--year", help="年份，如 2026 / a year such as 2026")
    p.add_argument("--format", choices=("docx", "xlsx"), default="docx", help="文件格式 / file format (docx)")
    p.add_argument("--output", type=Path, help="输出文件 / output file (default: 台账-<站点>-<期间>.<格式>)")
    p.set_defaults(func=run)


def parse_period(month: str | None, year: str | None) -> tuple[int, int | None]:
    text = (month or year or "").strip()
    found = re.fullmatch(r"([12][0-9]{3})(?:-(0?[1-9]|1[0-2]))?", text)
    if found is None or (month is not None and found.group(2) is None):
        wanted = "2026-11" if month is not None else "2026"
        raise CommandError(f"期间 {text!r} 看不懂，请写成 {wanted}。\nUnreadable period; write {wanted}.",
                           code=EXIT_USAGE)
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def default_name(station_name: str, period: str, fmt: str) -> str:
    from station_tui.reports.ledger import default_name as name

    return name(station_name, period, fmt)


def run(args: argparse.Namespace) -> int:
    from station_tui.config import load_settings
    from station_tui.reports import ledger

    year, month = parse_period(args.month, args.year)
    with open_store(args, must_exist=True) as store:
        station = require_station(store)
        try:
            data = ledger.gather(store, year, month, load_settings().monthly_minimums, made_on=date.today())
        except ledger.EmptyPeriod as exc:
            raise CommandError(f"{exc}。\nNo lectures or activities in that period; no file written.") from exc
    path = args.output or Path(default_name(station.name, data.period, args.format))
    write(data, path, args.format)
    photos, missing = ledger.photos_said(data)
    gone = f"另有 {missing} 张照片的文件缺失，没有印出。" if missing else ""
    print(f"已生成台账 {path}：{len(data.sheets)} 场，照片 {photos} 张。{gone}Written.")
    return 0


def write(data: object, path: Path, fmt: str) -> None:
    """Write the ledger (reports/ledger.py ``save``: a temporary name, then renamed)."""
    from station_tui.reports import ledger

    try:
        ledger.save(data, path, fmt)  # type: ignore[arg-type]
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror or exc}\nCannot write the file.") from exc
