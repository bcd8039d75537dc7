"""``station init``: give a new database its station identity."""

from __future__ import annotations

import argparse

from station_tui.commands.common import CommandError, open_store


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "init",
        parents=[parent],
        help="设置本站信息 / set up the station's identity",
        description="设置本站信息（已设置过则更新）。Set up (or update) the station's identity.",
    )
    p.add_argument("--code", required=True, help="12 位统计用区划代码 / 12-digit division code")
    p.add_argument("--name", required=True, help="站点名称 / station name")
    p.add_argument("--township", required=True, help="所属乡镇（街道）/ township")
    p.add_argument("--county", required=True, help="所属县（区）/ county")
    p.add_argument("--manager", help="专管员姓名 / manager")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from station_tui.domain import Station, explain

    try:
        station = Station(
            code=args.code, name=args.name, township=args.township, county=args.county, manager=args.manager
        )
    except ValidationError as exc:
        raise CommandError(
            "站点信息有误 / invalid station details:\n" + "\n".join(f"  {p}" for p in explain(exc))
        ) from exc
    with open_store(args) as store:
        existed = store.station.current() is not None
        saved = store.station.setup(station)
        verb = "已更新" if existed else "已创建"
        print(f"{verb}站点：{saved.name}（{saved.code}），{saved.county}{saved.township}")
        print(f"数据库 / database: {store.path}")
    return 0
