"""``station photo``: attach photos to a lecture, an activity or a villager request, list,
caption and remove them.

A record is named by its date (a request's: the day it came in) when it is the only one that day, or by the last
8 or more characters of its id (its first ones are a time stamp that records made together
share); a date with several lists them with theirs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from station_tui.commands.common import EXIT_USAGE, CommandError, open_store, require_station


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "photo",
        parents=[parent],
        help="活动照片 / photos of lectures, activities and requests",
        description="给宣讲、活动或群众点单添加照片（自动转正、去除位置等 EXIF 信息、缩到 1920 像素），"
        "列出、加说明、删除。"
        " Attach photos to a lecture, activity or villager request (turned upright, EXIF and GPS"
        " removed, scaled to 1920 px), list, caption and remove them.",
    )
    actions = p.add_subparsers(dest="photo_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help="添加照片 / attach photos")
    add.add_argument("record", metavar="RECORD",
                     help="宣讲、活动或点单的日期（当天只有一条时）或编号后 8 位 / its date, or its id's last 8+ chars")
    add.add_argument("files", metavar="FILE", nargs="+", type=Path, help="照片文件 / photo files")
    add.add_argument("--caption", help="照片说明 / caption")
    show = actions.add_parser("list", parents=[parent], help="列出照片 / list a record's photos")
    show.add_argument("record", metavar="RECORD")
    rm = actions.add_parser("remove", parents=[parent], help="删除一张照片 / remove a photo")
    rm.add_argument("photo", metavar="PHOTO", help="照片编号（至少后 8 位）/ the photo's id")
    cap = actions.add_parser("caption", parents=[parent], help="修改照片说明 / set a caption")
    cap.add_argument("photo", metavar="PHOTO")
    cap.add_argument("text", metavar="TEXT", help="说明；空字符串清除 / caption; empty clears it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station_tui.storage import photos
    from station_tui.storage.photos import short_id

    with open_store(args, must_exist=True) as store:
        require_station(store)
        try:
            if args.photo_action == "add":
                table, record_id, title = _record(store, args.record)
                added = photos.add(store, table, record_id, args.files, caption=args.caption)
                for photo in added.photos:
                    print(f"已添加 {photo.original_name} → {short_id(photo.id)}（{photo.width}×{photo.height}，"
                          f"{photo.size_bytes // 1024} KB）")
                for _path, why in added.refused:
                    print(f"未添加：{why}")
                print(f"{title}：现有照片 {photos.count_of(store, table, record_id)} 张。"
                      f" Added {len(added.photos)}, refused {len(added.refused)}.")
                return 1 if added.refused else 0
            if args.photo_action == "list":
                table, record_id, title = _record(store, args.record)
                found = photos.of_record(store, table, record_id)
                print(f"{title}：照片 {len(found)} 张")
                for photo in found:
                    print(f"  {short_id(photo.id)}  {photo.width}×{photo.height}  {photo.original_name or ''}"
                          f"  {photo.caption or ''}".rstrip())
                return 0
            photo = photos.find(store, args.photo)
            if args.photo_action == "remove":
                photos.remove(store, photo)
                print(f"已删除照片 {short_id(photo.id)}。Removed.")
            else:
                photos.set_caption(store, photo, args.text or None)
                print(f"已修改照片 {short_id(photo.id)} 的说明。Caption set.")
        except photos.PhotoError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:  # a caption too long, from the model
            raise CommandError(f"没有修改：{exc}", code=EXIT_USAGE) from exc
    return 0


def _record(store: Any, typed: str) -> tuple[str, str, str]:
    """(table, id, how people know it) of the lecture, activity or request ``typed`` names: its
    date (a request's: the day it came in) when it is the only one that day, else the last 8 or
    more characters of its id."""
    import re

    from station_tui.storage.photos import PhotoError, short_id

    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", typed):
        where, param, nothing = "{date} = ?", typed, f"{typed} 没有宣讲、活动或点单"
    elif len(typed) >= 8:
        where, param = "id LIKE ?", "%" + typed.replace("%", "").replace("_", "")
        nothing = f"找不到编号为 {typed} 的宣讲、活动或点单"
    else:
        raise PhotoError("请写宣讲、活动或点单的日期（如 2026-11-05），或编号的后 8 位")
    found = [
        (table, row["id"], f"{row['day']} {label} {row['what']}")
        for table, date, what, label in (
            ("lectures", "date", "topic", "宣讲"),
            ("activities", "date", "title", "活动"),
            ("requests", "received_on", "requester || '：' || wish", "点单"),
        )
        for row in store.query(
            f"SELECT id, {date} AS day, {what} AS what FROM {table} "
            f"WHERE deleted = 0 AND {where.format(date=date)} ORDER BY created_at",
            (param,),
        )
    ]
    if not found:
        raise PhotoError(nothing)
    if len(found) > 1:
        listed = "\n".join(f"  {short_id(record_id)}  {title}" for _, record_id, title in found[:20])
        raise PhotoError(f"{typed} 对应的记录不止一条，请改用编号：\n{listed}")
    return found[0]
