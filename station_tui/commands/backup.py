"""``station backup [DIR]`` and ``station restore FILE``.

Exit codes for a scheduler: 0 done · 75 the database is busy (a restore or a sync is running;
try at the next run) · 1 anything else, a person must look (the message says what) · 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from station_tui.commands.common import whole_number


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[parent],
        help="备份数据库和照片 / back up the database and photos",
        description="在程序开着时也能安全地备份数据库（和照片），检查备份完好，按日期时间命名，只保留最近几个。"
        "不给文件夹时备份到数据目录下的 backups。退出码：0 成功；75 数据库正忙（稍后再试）；1 其他错误。"
        " Back up the database (and photos) while the app may be open; checked, named by date and time, "
        "the last N kept. Exit codes: 0 done, 75 busy (try later), 1 other error.",
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="备份到这个文件夹（例如 U 盘）/ folder to write to (e.g. a USB stick)"
    )
    p.add_argument(
        "--keep",
        type=whole_number("保留个数", "--keep", 1, 1000),
        metavar="N",
        help="这个文件夹里只保留最近 N 个备份（默认读设置 backup_keep，为 10）/ "
        "keep the last N backups there (default: setting backup_keep, 10)",
    )
    p.set_defaults(func=run_backup)

    r = sub.add_parser(
        "restore",
        parents=[parent],
        help="从备份文件或县中心恢复数据库 / restore the database from a backup file or the county",
        description="station restore FILE：用备份文件替换当前数据库：先检查备份完好、属于本站，当前数据库改名保存"
        "（不删除），然后开始新的同步批次，下次同步时把记录重新上传到县中心。请先退出程序。"
        " station restore --from-county：从县中心取回本站同步过的全部记录，放进一个新的数据库（新的上传批次，"
        "没有需要重新上传的修改），需先 station enroll；已有记录的数据库只有加 --force 才会被替换。"
        " Replace the current database with a backup (checked first, the current one kept aside, a new"
        " sync epoch), or get this station's records back from the county (enroll first).",
    )
    r.add_argument("file", metavar="FILE", nargs="?",
                   help="备份文件 / the backup file (station-YYYY-MM-DD-HHMM.db)")
    r.add_argument(
        "--force-other-station",
        action="store_true",
        help="允许恢复另一个站（区划代码不同）的备份 / allow a backup of another station",
    )
    r.add_argument("--from-county", action="store_true",
                   help="从县中心取回本站的记录（需先 station enroll）/ from the county (enroll first)")
    r.add_argument("--force", action="store_true",
                   help="（--from-county）数据库里已有记录也替换，原数据库改名保留 / "
                   "replace a database that holds records")
    r.add_argument("--verbose", "-v", action="store_true", help="（--from-county）显示每一步 / log every step")
    r.set_defaults(func=run_restore_either)


def run_restore_either(args: argparse.Namespace) -> int:
    """One ``restore`` command, two sources: a backup FILE, or ``--from-county``."""
    from station_tui.commands.common import EXIT_USAGE, CommandError

    if args.from_county and args.file:
        raise CommandError("请只选一个来源：备份文件，或 --from-county。\n"
                           "Give a backup FILE or --from-county, not both.", code=EXIT_USAGE)
    if args.from_county:
        from station_tui.commands import restore_county

        return restore_county.run(args)
    if not args.file:
        raise CommandError("请给出备份文件，或用 --from-county 从县中心取回。\nGive a backup FILE, or --from-county.",
                           code=EXIT_USAGE)
    return run_restore(args)


def _say_error(exc: Exception) -> None:
    zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", "")
    print(zh, file=sys.stderr)
    if en:
        print(en, file=sys.stderr)


def run_backup(args: argparse.Namespace) -> int:
    from station_tui.config import SettingsError, load_settings, resolve_db_path
    from station_tui.storage.backup import BackupError, backup, readable_size

    db_path = resolve_db_path(args.db)
    keep = args.keep
    if keep is None:
        try:
            keep = load_settings().backup_keep
        except SettingsError as exc:
            print(f"{exc}（按默认保留 10 个备份）/ settings unreadable, keeping 10", file=sys.stderr)
            keep = 10
    target = Path(args.dir).expanduser() if args.dir else None
    try:
        done = backup(db_path, target, keep=keep, create_parents=target is None)
    except BackupError as exc:
        _say_error(exc)
        return exc.exit_code
    except Exception as exc:  # a scheduler needs an exit code and a sentence
        print(f"备份时出现意外错误，没有生成备份：{exc}", file=sys.stderr)
        print(f"Unexpected error during the backup ({type(exc).__name__}); no backup was made.", file=sys.stderr)
        return 1
    print(f"已备份到 {done.path}（{readable_size(done.size)}，完整性检查通过）。")
    print(f"Backed up to {done.path} ({readable_size(done.size)}, integrity check passed).")
    if done.photos_total:
        print(
            f"照片 {done.photos_total} 张，本次新复制 {done.photos_copied} 张。"
            f" / {done.photos_total} photos, {done.photos_copied} copied this time."
        )
    if done.removed:
        print(
            f"只保留最近 {keep} 个备份，已删除较早的 {len(done.removed)} 个。"
            f" / Kept the last {keep} backups, removed {len(done.removed)} older ones."
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from station_tui.config import resolve_db_path
    from station_tui.storage.backup import BackupError, count_labels, restore

    db_path = resolve_db_path(args.db)
    try:
        done = restore(Path(args.file).expanduser(), db_path, force_other_station=args.force_other_station)
    except BackupError as exc:
        _say_error(exc)
        return exc.exit_code
    print(f"已从 {done.source} 恢复 {done.station_name}（{done.station_code}）的数据库 {done.db_path}。")
    print(f"Restored {done.db_path} from {done.source} ({done.station_code}).")
    print(f"恢复后的记录：{count_labels(done.counts)}。 / Records: {count_labels(done.counts, 'en')}.")
    for moved in done.aside[:1]:
        print(f"原来的数据库已改名保存为 {moved}（没有删除）。 / The previous database was kept as {moved}.")
    if not done.aside:
        print("原来没有数据库，不需要另存。 / There was no previous database.")
    if done.other_station:
        print(
            f"注意：原来的数据库属于 {done.other_station} 站。 / Note: the previous database was station "
            f"{done.other_station}'s."
        )
    if done.schema_from < done.schema_to:
        print(
            f"备份的数据库结构已从版本 {done.schema_from} 升级到 {done.schema_to}。"
            f" / Migrated from schema {done.schema_from} to {done.schema_to}."
        )
    if done.restamped:
        print(
            f"{done.restamped} 条记录与原来的数据库不同（或无法比较），已重新标记：同步后县中心以恢复后的内容为准。"
            f" / {done.restamped} records differ from the previous database (or it could not be read) and were "
            "stamped again, so the county takes them as restored."
        )
    if done.photos_copied:
        print(f"已从备份复制照片 {done.photos_copied} 张。 / {done.photos_copied} photos copied back.")
    print("已开始新的同步批次：下次同步（station sync）会把全部修改重新上传到县中心，县中心已有的不会重复。")
    print(
        f"A new sync epoch ({done.epoch}) was started: the next `station sync` re-sends every change; "
        "the county keeps one copy of each."
    )
    return 0
