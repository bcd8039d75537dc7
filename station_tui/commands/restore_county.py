"""``station restore --from-county``: this station's records back from the county center, into a
new database (sync/restore.py says how). For a new or repaired PC: ``station init``, then
``station enroll`` with a fresh enrollment code, then this. The ``restore`` command itself, with
its other source (a backup file), is registered in backup.py."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from station_tui.commands.common import CommandError
    from station_tui.config import resolve_db_path
    from sync.errors import SyncError
    from sync.restore import restore_from_county

    def log(message: str) -> None:
        if args.verbose:
            print(f"[restore] {message}", file=sys.stderr, flush=True)

    db_path = resolve_db_path(args.db)
    try:
        report = restore_from_county(db_path, force=args.force, log=log)
    except SyncError as exc:
        raise CommandError(str(exc), code=exc.exit_code) from exc
    tables = "，".join(f"{t} {n}" for t, n in report.tables.items() if n)
    print(f"已从县中心恢复 {report.total} 条记录（{tables}），其中已删除的记录 {report.tombstones} 条。")
    print(f"数据库：{report.database}（新的上传批次 {report.epoch}，没有需要重新上传的修改）")
    if report.kept_aside:
        print(f"原来的数据库保留为：{report.kept_aside}")
    if report.received is not None:
        print(report.received.summary_zh())
    if report.blank_sensitive:
        names = {"phone": "手机号", "id_number": "身份证号"}
        shown = "、".join(names.get(c, c) for c in report.blank_sensitive)
        print(f"注意：{shown}没有上传到县中心（本站设置不允许），恢复后为空，需要时请重新填写。")
    print(f"Restored {report.total} records from the county into {report.database}; nothing to upload again.")
    return 0
