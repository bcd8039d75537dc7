"""``station status``: who this station is, what it holds, what is waiting to upload."""

from __future__ import annotations

import argparse
import json
from typing import Any

from station_tui.commands.common import CommandError, open_store, require_station, whole_number
from station_tui.domain.clock import readable_moment


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "status",
        parents=[parent],
        help="本站概况与待上传数 / station figures and pending uploads",
        description="显示本站信息、记录统计、待上传的修改和上次同步。"
        " Show the station, its figures, pending changes and the last sync.",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON（供脚本使用）/ print JSON for scripts")
    p.add_argument("--year", type=whole_number("年份", "--year"), help="只统计这一年 / limit figures to a year")
    p.add_argument("--month", type=whole_number("月份", "--month"),
                   help="只统计这一月（需同时给 --year）/ and a month (needs --year)")
    p.set_defaults(func=run)


def collect(store: Any, year: int | None, month: int | None) -> dict[str, Any]:
    from station_tui.storage import figures

    station = store.station.current()
    try:
        numbers = figures.compute(store, year, month)
    except ValueError as exc:
        raise CommandError(str(exc), code=2) from exc
    return {
        "station": {
            "code": station.code,
            "name": station.name,
            "township": station.township,
            "county": station.county,
            "manager": station.manager,
        },
        "period": _period(year, month),
        "figures": numbers.as_json(),
        "outbox": {"pending": store.pending_changes()},
        "last_sync": store.last_sync(),
        "database": str(store.path),
    }


def _period(year: int | None, month: int | None) -> str | None:
    if year is None:
        return None
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def run(args: argparse.Namespace) -> int:
    with open_store(args, must_exist=True) as store:
        require_station(store)
        data = collect(store, args.year, args.month)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(data))
    return 0


def render(data: dict[str, Any]) -> str:
    s, f = data["station"], data["figures"]
    period = f"（{data['period']}）" if data["period"] else "（全部）"
    lines = [
        f"{s['name']}  {s['code']}",
        f"{s['county']} {s['township']}" + (f"  专管员：{s['manager']}" if s.get("manager") else ""),
        "",
        f"统计{period}",
        f"  理论宣讲   {f['lectures']} 场，覆盖 {f['lecture_audience']} 人次",
        f"  文明实践活动 {f['activities']} 场，服务 {f['activity_served']} 人次",
    ]
    for platform, n in f["activities_by_platform"].items():
        lines.append(f"    {platform:　<7} {n}")
    lines += [
        f"  志愿服务时长 {f['volunteer_hours']:.1f} 小时",
        f"  签到人次   {f['attendance']}",
        f"  人员 {f['people']} 人，其中志愿者 {f['volunteers']} 人",
        f"  活动计划   计划 {f['plan_items']} 项，已完成 {f['plan_items_done']} 项",
        f"  志愿服务队伍 {f['teams']} 个，志愿服务项目（品牌项目）{f['brand_projects']} 个",
        f"  时长台账记入 {f['hours_credited']:.1f} 小时",
        "",
        f"待上传的修改：{data['outbox']['pending']} 条",
        f"上次同步：{readable_moment(data['last_sync']) or '从未同步'}",
        f"数据库：{data['database']}",
    ]
    return "\n".join(lines)
