"""``station export volunteer-hours``: hours per volunteer per activity, as an .xlsx for the
national volunteer platform (中国志愿服务网)."""

from __future__ import annotations

import argparse
from pathlib import Path

from station_tui.commands.common import EXIT_USAGE, CommandError, open_store, require_station


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export",
        parents=[parent],
        help="导出数据（Excel）/ export data (xlsx)",
        description="导出数据表格。 Export data as spreadsheets.",
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    hours = what.add_parser(
        "volunteer-hours", parents=[parent],
        help="志愿服务时长（按人按活动，供录入全国志愿服务信息系统）/ hours per volunteer per activity",
        description="按人、按活动导出期间内的志愿服务时长，含志愿服务记录办法要求的各项（姓名、性别、出生年月、联系方式、"
        "服务技能；活动名称、日期、地点、服务内容、服务时间、时长、负责人、记录人）。"
        " Hours per volunteer per activity with the fields the national platform asks for.",
    )
    hours.add_argument("--from", dest="period_from", required=True, help="起始日期 / first day, 2026-01-01")
    hours.add_argument("--to", dest="period_to", required=True, help="截止日期 / last day, 2026-12-31")
    hours.add_argument("--output", type=Path, help="输出文件 / output file (default: 志愿服务时长-<期间>.xlsx)")
    hours.set_defaults(func=run_volunteer_hours)


def run_volunteer_hours(args: argparse.Namespace) -> int:
    from station_tui.commands.certificate import allowed_whole, parse_day
    from station_tui.domain.hours import format_tenths
    from station_tui.reports import volunteer_hours

    start, end = parse_day(args.period_from, "起始日期"), parse_day(args.period_to, "截止日期")
    if start > end:
        raise CommandError(f"起始日期 {start} 晚于截止日期 {end}。\nThe first day is after the last day.",
                           code=EXIT_USAGE)
    with open_store(args, must_exist=True) as store:
        station = require_station(store)
        lines = volunteer_hours.gather(store, start, end, full_phones=allowed_whole("phone"))
    if not lines:
        raise CommandError(f"{start} 至 {end} 期间没有记入的志愿服务时长，没有生成文件。\n"
                           "No hours in that period; no file written.")
    path = args.output or Path(volunteer_hours.default_name(start, end))
    try:
        volunteer_hours.write_xlsx(lines, path, station=station.name, period_from=start, period_to=end)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror or exc}\nCannot write the file.") from exc
    people = len({line.name for line in lines})
    total = format_tenths(sum(line.tenths for line in lines))
    print(f"已导出 {path}：{people} 人，{len(lines)} 条，合计 {total} 小时。\nWritten {path}.")
    return 0
