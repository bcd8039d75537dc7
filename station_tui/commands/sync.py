"""``station sync``: upload pending changes to the county center, then receive what it published
for this station, then the photo files it lacks, with exit codes for schedulers.

0 done or nothing to do · 75 offline, county busy or another sync running, or the photo files
cut off part-way (try later) · 77 token refused · 1 anything else.
"""

from __future__ import annotations

import argparse
import sys

from station_tui.cli_args import decimal_number
from station_tui.commands.common import whole_number


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sync",
        parents=[parent],
        help="把本站的修改上传到县中心 / upload pending changes to the county center",
        description="把还没有上传的修改上传到县中心。退出码：0 完成或无事可做；75 网络不通、县中心忙或另一个同步"
        "正在进行（稍后再试）；77 凭据被拒绝（需重新登记）；1 其他错误。"
        " Exit codes: 0 done, 75 try later, 77 token refused, 1 other error.",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="显示每一批的详情 / log every batch")
    p.add_argument("--batch-size", type=whole_number("每批条数", "--batch-size", 1), default=500, metavar="N",
                   help="第一批的修改条数（之后自动调整）/ "
                   "changes in the first batch, adapted afterwards (default 500)")
    p.add_argument("--downlink-page", type=whole_number("每页条数", "--downlink-page", 1, 500), default=None,
                   metavar="N", help="每次向县中心取多少条下发内容（默认由县中心决定）/ "
                   "items per page of what the county publishes (default: the county's)")
    p.add_argument("--max-photo-mb", type=decimal_number("照片流量上限", "--max-photo-mb", 0), default=None,
                   metavar="N", help="本次最多上传多少 MB 照片（按流量计费的 4G），其余下次上传；默认不限 / "
                   "at most N MB of photo files this run (metered link); the rest goes next run (default: no limit)")
    p.add_argument("--photo-chunk-kb", type=whole_number("照片分块大小", "--photo-chunk-kb", 4, 1024), default=256,
                   metavar="KB", help="照片每块多少 KB（默认 256，64 kbit/s 约半分钟一块）/ "
                   "photo chunk size in KiB (default 256: about half a minute at 64 kbit/s)")
    p.add_argument("--recheck-photos", action="store_true",
                   help="向县中心重新核对全部照片（县中心从备份恢复后用）/ ask the county about every photo again "
                   "(after the county was restored from a backup)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station_tui.config import resolve_db_path
    from sync.client import sync
    from sync.errors import SyncError

    def log(message: str) -> None:
        if args.verbose:
            print(f"[sync] {message}", file=sys.stderr, flush=True)

    from sync.batch_size import BatchSize

    if not 1 <= args.batch_size <= 5000:
        print("--batch-size 应在 1 到 5000 之间 / must be 1..5000", file=sys.stderr)
        return 2
    db_path = resolve_db_path(args.db)
    try:
        max_photo_bytes = None if args.max_photo_mb is None else int(args.max_photo_mb * 1024 * 1024)
        report = sync(db_path, log=log, batch=BatchSize(current=args.batch_size), downlink_page=args.downlink_page,
                      max_photo_bytes=max_photo_bytes, photo_chunk=args.photo_chunk_kb * 1024,
                      recheck_photos=args.recheck_photos)
    except SyncError as exc:
        print(exc.zh, file=sys.stderr)
        if exc.en:
            print(exc.en, file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a scheduler needs an exit code and a sentence, not only a traceback
        import traceback

        print(f"同步时出现意外错误，修改仍保存在本机：{exc}", file=sys.stderr)
        print(f"Unexpected error during sync ({type(exc).__name__}); nothing was marked sent.", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return 1
    if report.new_epoch_reason:
        print(f"发现数据库是从备份恢复的，已重新上传全部修改。 ({report.new_epoch_reason})")
    if report.rewound_to is not None:
        print(f"县中心的数据比本站记录的少（可能从备份恢复），已从第 {report.rewound_to} 条之后重新上传。")
    print(report.summary_zh())
    print(report.summary_en())
    for seq, table, reason in report.quarantined:
        print(f"  县中心暂存待查：第 {seq} 条（{table}）：{reason}")
    return report.exit_code
