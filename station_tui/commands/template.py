"""``station template KIND``: the CSV header line a spreadsheet must start with."""

from __future__ import annotations

import argparse

HEADERS: dict[str, tuple[str, ...]] = {
    "lectures": ("日期", "开始时间", "结束时间", "主题", "宣讲人", "形式", "地点", "受众人数", "备注"),
    "activities": (
        "日期",
        "开始时间",
        "结束时间",
        "名称",
        "平台",
        "地点",
        "服务人次",
        "志愿者人数",
        "志愿服务时长",
        "备注",
    ),
    "people": ("姓名", "性别", "出生年份", "手机号", "是否志愿者", "志愿者编号", "所属队伍", "备注"),
}


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "template",
        help="打印导入模板的表头 / print an import template's header line",
        description="打印导入文件的表头行（CSV）。Print the CSV header line of an import file.",
    )
    p.add_argument("kind", choices=sorted(HEADERS), help="lectures 宣讲 | activities 活动 | people 人员")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(",".join(HEADERS[args.kind]))
    return 0
