"""``station import KIND FILE``: add lectures, activities or people from a CSV or Excel file.

All or nothing: every row is checked first and any bad row stops the import with all of
them listed; a clean file is written in one transaction. Rows already stored are skipped,
so importing the same file twice adds nothing.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from station_tui.commands.common import CommandError, err, open_store, require_station
from station_tui.imports.headers import HEADERS, KIND_NAMES

if TYPE_CHECKING:
    from station_tui.imports import Plan

_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（带 BOM）",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
    "xlsx": "Excel 工作簿",
}


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[parent],
        help="从 CSV 或 Excel 文件导入记录 / import records from a CSV or .xlsx file",
        description="从 CSV（UTF-8 或 GBK）或 .xlsx 文件导入宣讲、活动、人员、活动计划或群众点单。"
        "有任何一行不对就一条也不导入；"
        "已有的记录不会重复导入。表头见 station template KIND。"
        " Import lectures, activities, people or plan items; all or nothing; re-importing adds nothing.",
    )
    p.add_argument("kind", choices=tuple(HEADERS), help=" | ".join(f"{k} {w}" for k, w in KIND_NAMES.items()))
    p.add_argument("file", help="要导入的 .csv 或 .xlsx 文件 / the file to import")
    p.set_defaults(func=run)


def _settings_context(kind: str) -> dict[str, object]:
    """The station's own lists a kind's rows are checked against (a request's 点单类别)."""
    if kind != "requests":
        return {}
    from station_tui.config import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise CommandError(str(exc)) from None
    return {"request_categories": list(settings.request_categories)}


def run(args: argparse.Namespace) -> int:
    import sqlite3

    from station_tui.imports import FileProblem, read_plan, write_plan
    from station_tui.storage import DiskFull

    with open_store(args) as store:
        require_station(store)
        try:
            plan = read_plan(args.kind, args.file, context=_settings_context(args.kind))
        except FileProblem as exc:
            raise CommandError(str(exc)) from None
        if plan.problem_count:
            raise CommandError(_failure(plan))
        err(f"正在写入 {len(plan.rows)} 行… / writing {len(plan.rows)} rows…")
        try:
            outcome = write_plan(store, plan)
        except DiskFull as exc:
            raise CommandError(f"没有导入任何记录。{exc}") from exc
        except sqlite3.DatabaseError as exc:
            # Locked for too long by another program, disk full, a damaged file: the
            # transaction was rolled back, so say plainly that nothing changed.
            raise CommandError(
                f"写入数据库失败，没有导入任何记录（{exc}）。请稍后重试；如果一直失败，请检查磁盘空间。\n"
                f"Writing to the database failed; nothing was imported ({exc})."
            ) from exc
    word = KIND_NAMES[args.kind]
    print(f"导入 {outcome.added} 条，已存在 {outcome.skipped} 条（未重复导入）。")
    extras = []
    if outcome.repeated:
        extras.append(f"其中文件内重复 {outcome.repeated} 行")
    if outcome.teams_created:
        extras.append(f"新建队伍 {outcome.teams_created} 个")
    if outcome.memberships_added:
        extras.append(f"加入队伍 {outcome.memberships_added} 人次")
    if outcome.plans_created:
        extras.append(f"新建月计划 {outcome.plans_created} 份")
    if extras:
        print("；".join(extras) + "。")
    print(
        f"Imported {outcome.added} {args.kind}; {outcome.skipped} already present (not imported again)."
        f"  [{word} · {_ENCODING_NAMES.get(plan.encoding, plan.encoding)} · {plan.path.name}]"
    )
    return 0


def _failure(plan: Plan) -> str:
    rows = plan.bad_rows
    lines = [f"导入失败：{plan.path.name} 有 {rows} 行不对，没有导入任何记录。请改正以下问题后重新导入："]
    lines += [f"  {p}" for p in plan.problems]
    if plan.unlisted:
        lines.append(f"  ……还有 {plan.unlisted:,} 个问题没有列出（共 {plan.problem_count:,} 个）。")
    lines.append(f"Import failed: {rows} row(s) have problems; nothing was imported.")
    if plan.unlisted:
        lines.append(f"({len(plan.problems)} of {plan.problem_count:,} problems listed.)")
    return "\n".join(lines)
