"""The ``county-center`` command: run the service, manage stations, print reports.

Every command takes ``--db URL`` (or ``COUNTY_DB``); without either the store is a SQLite
file in the platform's user data directory. Heavy modules load inside each command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from station_tui.cli_args import Parser, decimal_number, whole_number

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: ``certificate``: the certificate's hours differ from what its station uploaded.
EXIT_DIFFERS = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def _open(args: argparse.Namespace) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from county.store import CountyStore, resolve_url

    url = resolve_url(getattr(args, "db", None))
    try:
        return CountyStore(url)
    except SQLAlchemyError as exc:
        raise CliError(
            f"打不开县中心数据库 {_safe(url)}：{exc.__class__.__name__}: {str(exc).splitlines()[0]}\n"
            f"Cannot open the county database {_safe(url)}."
        ) from exc
    except RuntimeError as exc:
        raise CliError(str(exc)) from exc


def _print_table(table: list[list[str]]) -> None:
    """Rows of cells in columns as wide as their widest cell (Chinese counts two)."""
    from station_tui.domain.widths import cell_width, pad

    widths = [max(cell_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())


def _photos(args: argparse.Namespace, store: Any) -> Any:
    """The county's photo files, where ``--photos-dir`` / ``--photo-store`` (or the environment) say."""
    from county.photo_store import PhotoStore

    try:
        return PhotoStore.configured(store, getattr(args, "photos_dir", None), getattr(args, "photo_store", None))
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def _safe(url: str) -> str:
    """A URL for messages, without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # only for a message
        return "<url>"


def _print_json(data: Any) -> None:
    from county.printable import json_text

    print(json_text(data))


# -- serve ------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    import logging
    import socket

    import uvicorn

    from county.app import Limits, create_app
    from county.connections import protocol_with

    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("--tls-cert 与 --tls-key 需同时给出 / give both --tls-cert and --tls-key", EXIT_USAGE)
    for path in (args.tls_cert, args.tls_key):
        if path and not Path(path).is_file():
            raise CliError(f"找不到证书文件 {path} / certificate file not found: {path}", EXIT_USAGE)
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    store = _open(args)
    try:
        photos = _photos(args, store)
    except CliError:
        store.close()
        raise
    limits = Limits(
        max_body=args.max_body,
        max_inflated=args.max_inflated,
        rate=args.rate,
        burst=args.burst,
        address_rate=args.address_rate,
        address_burst=args.address_burst,
        body_timeout=args.body_timeout,
        body_idle_timeout=args.body_idle_timeout,
    )
    trusted = [ip.strip() for value in args.trusted_proxy for ip in value.split(",") if ip.strip()]
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns on TCP_NODELAY only for sockets that say so, and
    # without it every answer on a kept-alive connection waited ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        raise CliError(
            f"无法在 {args.host}:{args.port} 上监听：{exc.strerror}\nCannot listen on {args.host}:{args.port}."
        ) from exc
    sock.listen(2048)  # connections queue from now on, before the app has even started
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        create_app(store, limits, photos),
        log_level=args.log_level,
        access_log=args.access_log,
        timeout_keep_alive=30,
        # The head of each request is timed too (county/connections.py); bodies by the app.
        http=protocol_with(args.head_timeout),
        # A client's address is the socket's peer unless the peer is a proxy the county named.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or [],
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
    )
    server = uvicorn.Server(config)
    _tune_collector()
    scheme = "https" if args.tls_cert else "http"
    print(f"county center store: {_safe(store.url)}", flush=True)
    where = photos.directory if photos.keep == "disk" else "the database (photo_blobs)"
    print(f"photos kept in: {where}", flush=True)
    print(f"listening on {scheme}://{shown}:{port}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        store.close()
    return EXIT_OK


def _tune_collector() -> None:
    """A batch allocates tens of thousands of short-lived containers (the decoded changes). With
    the default threshold the cycle collector would run dozens of times per batch, rescanning
    everything alive each time; reference counting frees these objects anyway. So collect
    less often, and never rescan what start-up loaded."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)


# -- stations ---------------------------------------------------------------------------------
def cmd_station_add(args: argparse.Namespace) -> int:
    with _open(args) as store:
        code = store.add_station(args.code, args.name, args.township, args.expires_in)
    if args.json:
        _print_json({"code": args.code.strip(), "enrollment_code": code})
    else:
        print(f"已添加站点 {args.code}（{args.name}，{args.township}）。")
        print(f"一次性注册码：{code}（{args.expires_in:g} 天内有效 / valid for {args.expires_in:g} days）")
        print(f"请把注册码交给站点，在站点电脑上运行：station enroll --server URL --code {code}")
        print("The code works once; the station exchanges it for its own secret token.")
    return EXIT_OK


def cmd_station_code(args: argparse.Namespace) -> int:
    with _open(args) as store:
        code = store.issue_enrollment_code(args.code, args.expires_in)
    if args.json:
        _print_json({"code": args.code.strip(), "enrollment_code": code})
    else:
        print(
            f"站点 {args.code} 的新一次性注册码：{code}"
            f"（{args.expires_in:g} 天内有效 / valid for {args.expires_in:g} days）"
        )
    return EXIT_OK


def cmd_station_revoke(args: argparse.Namespace) -> int:
    with _open(args) as store:
        n = store.revoke_station(args.code)
    if args.json:
        _print_json({"code": args.code.strip(), "revoked_tokens": n})
    else:
        print(
            f"已注销站点 {args.code} 的 {n} 个同步凭证；该站再上传将被拒绝，直到用新注册码重新注册"
            f"（county-center station code {args.code}）。"
        )
    return EXIT_OK


def cmd_station_list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        rows = store.list_stations()
    if args.json:
        _print_json(rows)
        return EXIT_OK
    if not rows:
        print("还没有站点。用 county-center station add 添加。")
        return EXIT_OK
    from county.printable import printable
    from county.reports import local_time

    table = [["代码", "名称", "乡镇（街道）", "已注册", "上次同步", "已确认序号", "程序版本", "隔离"]]
    for r in rows:
        table.append(
            [
                r["code"],
                r["name"],
                r["township"],
                "是" if r["enrolled"] else "否",
                local_time(r["last_sync"]),
                str(r["acked_seq"]),
                printable(r["app_version"] or "") or "-",
                str(r["quarantined"]),
            ]
        )
    _print_table(table)
    return EXIT_OK


def cmd_quarantine(args: argparse.Namespace) -> int:
    with _open(args) as store:
        rows = store.quarantined(args.station)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    if not rows:
        print("没有被隔离的修改。")
    from county.printable import printable

    for r in rows:
        print(f"{r['received_at']}  站点 {r['code']}  seq {r['seq']}  {r['change_id']}")
        print(f"  原因：{printable(r['reason'])}")
        print(f"  原文：{printable(r['raw'])}")
    return EXIT_OK


# -- report -----------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    from county import reports

    with _open(args) as store:
        try:
            data = reports.build(store, args.year, args.month)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
    fmt = args.format
    note = reports.excluded_note(data)
    if note and fmt != "table":  # the table says it under the figures
        print(note, file=sys.stderr)
    if fmt == "xlsx":
        out = Path(args.output or f"county-report-{data['period'] or 'all'}.xlsx")
        reports.write_xlsx(data, out)
        print(f"已写入 {out}", file=sys.stderr)
        return EXIT_OK
    if fmt == "json":
        from county.printable import json_text

        text = json_text(data) + "\n"
    elif fmt == "csv":
        text = reports.to_csv(data)
    else:
        text = reports.to_text(data) + "\n"
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        # Excel opens a CSV as UTF-8 only with the byte order mark.
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        print(f"已写入 {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- a station's 台账 --------------------------------------------------------------------------
def cmd_ledger(args: argparse.Namespace) -> int:
    from county import ledger

    try:
        year, month = ledger.parse_period(args.month, args.year)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    photos_from = args.photos_from
    if photos_from is not None and not photos_from.is_dir():
        raise CliError(f"照片目录 {photos_from} 不存在 / no such folder: {photos_from}", EXIT_USAGE)
    with _open(args) as store:
        try:
            built = ledger.build(store, args.station, year, month, args.format, args.output,
                                 photos_dir=photos_from, photo_store=_photos(args, store))
        except OSError as exc:
            raise CliError(f"无法写入台账：{exc.strerror or exc}\nCannot write the file.") from exc
    if built.skipped:
        print(f"注意：县中心保存的 {len(built.skipped)} 条记录放不进站点的表，台账中没有它们："
              f"{'；'.join(built.skipped[:3])}", file=sys.stderr)
    missing = (f"另有 {built.missing_photos} 张照片县中心还没有（未上传），页面上已注明。"
               if built.missing_photos else "")
    print(f"已生成站点 {built.code} 的台账 {built.path}：{built.sheets} 场，照片 {built.photos} 张。{missing}")
    print(f"Written {built.path}: {built.sheets} records, {built.photos} photos"
          f"{f', {built.missing_photos} not uploaded yet' if built.missing_photos else ''}.")
    return EXIT_OK


# -- requests ---------------------------------------------------------------------------------
def cmd_requests(args: argparse.Namespace) -> int:
    from county import requests

    with _open(args) as store:
        try:
            items = requests.listing(store, args.township, args.state)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
    if args.json:
        _print_json(items)
    else:
        print(requests.to_text(items, args.state))
    return EXIT_OK


def cmd_answer_request(args: argparse.Namespace) -> int:
    from county import requests
    from county.errors import ApiError

    with _open(args) as store:
        try:
            item = requests.answer(store, args.station, args.request_id, served=args.served, note=args.note,
                                   by=args.by)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
        except ApiError as exc:
            raise CliError(f"{exc.message}\n{exc.message_en}", EXIT_USAGE) from exc
    outcome = "上级办结" if args.served else "答复退回"
    print(f"已答复（{outcome}），站点 {args.station} 下次同步时收到：{item['id']}。"
          f" Answered; the station gets it on its next sync.")
    return EXIT_OK


def cmd_certificate(args: argparse.Namespace) -> int:
    from county import certificates

    with _open(args) as store:
        try:
            result = certificates.check(store, args.number)
        except certificates.UnknownCertificate as exc:
            raise CliError(f"{exc}\nNo certificate numbered {args.number!r} was uploaded.") from exc
    if args.json:
        _print_json(result)
    else:
        print(certificates.to_text(result))
    return EXIT_OK if result["matches"] else EXIT_DIFFERS


def cmd_admin_token(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if args.revoke_all:
            n = store.revoke_admin_tokens()
            print(f"已注销 {n} 个管理员凭证。")
            return EXIT_OK
        token = store.new_admin_token()
    print(token)
    print("县中心管理员凭证（只显示这一次）：查看汇总时作为 Authorization: Bearer 发送。", file=sys.stderr)
    return EXIT_OK


# -- photos ---------------------------------------------------------------------------------
def cmd_photo_get(args: argparse.Namespace) -> int:
    from sync import protocol

    sha = args.sha256.strip().lower()
    if not protocol.is_sha256(sha):
        raise CliError("照片编号应为 64 位十六进制 SHA-256（county-center photos --station 可查）/ "
                       "give the photo's 64-hex-digit sha256", EXIT_USAGE)
    with _open(args) as store:
        data = _photos(args, store).open(sha)
    if data is None:
        raise CliError(f"县中心没有这张照片（还没有上传完，或编号不对）：{sha}\nThe county holds no photo {sha}.")
    out = Path(args.output or f"{sha}.jpg")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"已写入 {out}（{len(data)} 字节）/ wrote {out} ({len(data)} bytes)", file=sys.stderr)
    return EXIT_OK


def cmd_photos(args: argparse.Namespace) -> int:
    with _open(args) as store:
        items = _photos(args, store).listing(args.station)
    if args.json:
        _print_json(items)
        return EXIT_OK
    if not items:
        print(f"县中心还没有站点 {args.station} 的照片记录。No photo records of station {args.station}.")
        return EXIT_OK
    from county.printable import printable

    kinds = {"lectures": "宣讲", "activities": "活动", "requests": "点单"}
    table = [["日期", "记录", "说明", "大小", "文件", "SHA-256"]]
    for i in items:
        arrived = "已收到" if i["arrived"] else (f"传了 {i['received']} 字节" if i["received"] else "未收到")
        title = f"{kinds.get(i['record_table'], i['record_table'])} {printable(str(i['record_title'] or ''))}"
        table.append([str(i["record_date"] or "-"), title[:30], printable(str(i["caption"] or ""))[:20] or "-",
                      f"{(i['size_bytes'] or 0) / 1024:.0f} KB", arrived, i["sha256"]])
    _print_table(table)
    held = sum(1 for i in items if i["arrived"])
    print(f"共 {len(items)} 张照片记录，文件已收到 {held} 张。{len(items)} photo records, {held} files arrived.")
    return EXIT_OK


# -- the county's word to its stations (sync/downlink.py) -------------------------------------
def _published(args: argparse.Namespace, kind: str, body: dict[str, Any], notice_id: str | None = None) -> int:
    from county import feed

    with _open(args) as store:
        item = feed.publish(store, kind, body, township=args.township, station=args.station, notice_id=notice_id)
    if args.json:
        _print_json(item)
        return EXIT_OK
    scope = _scope(item)
    print(f"已发布（{scope}）：{item['id']}，序号 {item['seq']}。各站下次同步时收到。")
    print(f"Published {item['id']} at seq {item['seq']}; stations receive it on their next sync.")
    return EXIT_OK


def _scope(item: dict[str, Any]) -> str:
    if item.get("station"):
        return f"站点 {item['station']}"
    if item.get("township"):
        return f"乡镇（街道）{item['township']} 的各站"
    return "全县各站"


def _listed(value: str) -> list[str]:
    import re

    return [v.strip() for v in re.split(r"[,，、;；\n]", value) if v.strip()]


def cmd_publish_theme(args: argparse.Namespace) -> int:
    return _published(args, "theme", {"month": args.month.strip(), "theme": args.theme.strip()})


def cmd_publish_minimums(args: argparse.Namespace) -> int:
    minimums: dict[str, Any] = {}
    for pair in args.pairs:
        platform, sep, count = pair.replace("＝", "=").partition("=")
        if not sep or not count.strip().isdigit():
            raise CliError(f"应写成 平台=场次（如 理论宣讲=4），不是“{pair}” / write PLATFORM=N", EXIT_USAGE)
        minimums[platform.strip()] = int(count.strip())
    return _published(args, "minimums", {"minimums": minimums})


def cmd_publish_categories(args: argparse.Namespace) -> int:
    items = [item for value in args.items for item in _listed(value)]
    return _published(args, "categories", {"kind": args.kind, "items": items})


def cmd_publish_notice(args: argparse.Namespace) -> int:
    from datetime import date

    body = {"date": args.date or date.today().isoformat(), "title": args.title.strip(),
            "body": (args.body or "").replace("\r\n", "\n").strip()}  # fmt: skip
    return _published(args, "notice", body, args.id)


def cmd_publish_rubric(args: argparse.Namespace) -> int:
    """The rubric file is checked here by the station's own rules before anything is stored
    (the same check the feed makes for the HTTP publish): a broken one is refused with where."""
    import json

    from station_tui.domain.rubric import RubricError, parse

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"找不到评分细则文件 {path} / no such file: {path}", EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"无法读取评分细则文件 {path}：{exc} / cannot read {path}", EXIT_USAGE) from None
    try:
        rubric = parse(text, str(path))
    except RubricError as exc:
        raise CliError(f"{exc}\n评分细则没有发布。The rubric was refused; nothing was published.", EXIT_USAGE) from None
    return _published(args, "rubric", {"rubric": json.loads(rubric.model_dump_json())})


def cmd_publish_withdraw(args: argparse.Namespace) -> int:
    from county import feed

    with _open(args) as store:
        seq = feed.withdraw(store, args.item_id.strip())
    print(f"已撤回 {args.item_id}（序号 {seq}）。各站下次同步时删除。")
    print("Withdrawn; stations drop it on their next sync.")
    return EXIT_OK


def cmd_publish_list(args: argparse.Namespace) -> int:
    from county import feed

    with _open(args) as store:
        items = feed.list_items(store, township=args.township, kind=args.kind, withdrawn=args.withdrawn)
        state = feed.feed_state(store)
    if args.json:
        _print_json({**state, "items": items})
        return EXIT_OK
    if not items:
        print("还没有发布任何内容。用 county-center publish theme / minimums / categories / notice / rubric 发布。")
    from county.printable import printable

    for item in items:
        gone = "（已撤回）" if item["deleted"] else ""
        print(f"{item['seq']:>5}  {printable(item['id'])}  [{_scope(item)}] {printable(_what(item))}{gone}")
    print(f"feed {state['feed_id']}，最新序号 {state['last_seq']}")
    return EXIT_OK


def _what(item: dict[str, Any]) -> str:
    b, kind = item["body"], item["kind"]
    if kind == "theme":
        return f"{b.get('month')} 主题：{b.get('theme')}"
    if kind == "minimums":
        return "每月最低场次：" + "，".join(f"{k} {v}" for k, v in b.get("minimums", {}).items())
    if kind == "categories":
        return ("队伍" if b.get("kind") == "team" else "群众点单") + "类别：" + "、".join(b.get("items", []))
    if kind == "notice":
        return f"{b.get('date')} 通知：{b.get('title')}"
    if kind == "rubric":
        rubric = b.get("rubric", {})
        items = rubric.get("items", [])
        total = sum(int(i.get("points", 0)) for i in items)
        return f"评分细则：{rubric.get('name')}（{len(items)} 项，满分 {total}）"
    return str(kind)


def cmd_publish_new_feed_id(args: argparse.Namespace) -> int:
    from county import feed

    with _open(args) as store:
        fresh = feed.new_feed_id(store)
    print(f"新的发布序列编号：{fresh}。各站下次同步时重新接收全部发布内容（从备份恢复县中心数据库后运行）。")
    print("New feed id: every station receives the whole feed again on its next sync.")
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    from sync import protocol

    parent = Parser(add_help=False)
    parent.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="数据库 URL 或 SQLite 文件 / store URL, e.g. postgresql+psycopg://user@host/db (env COUNTY_DB)",
    )
    parent.add_argument(
        "--photos-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="照片文件目录（默认在 SQLite 数据库旁：county-photos/）/ where photo files are kept "
        "(env COUNTY_PHOTOS_DIR; default beside a SQLite store, county.db -> county-photos/)",
    )
    parser = Parser(
        prog="county-center",
        parents=[parent],
        description="县新时代文明实践中心：接收各站同步的数据并汇总。"
        " The county center: receives the stations' changes and reports on them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", parents=[parent], help="运行同步服务 / run the HTTP service")
    p.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=whole_number("端口", "--port", 0, 65535), default=8750,
                   help="端口，0 = 任选 / port, 0 picks a free one (default 8750)")
    p.add_argument(
        "--max-body",
        type=whole_number("请求体上限", "--max-body", 1),
        default=protocol.MAX_COMPRESSED_BYTES,
        help="压缩后请求体上限（字节）/ compressed body cap in bytes",
    )
    p.add_argument(
        "--max-inflated",
        type=whole_number("解压后上限", "--max-inflated", 1),
        default=protocol.MAX_DECOMPRESSED_BYTES,
        help="解压后上限（字节）/ decompressed body cap in bytes",
    )
    p.add_argument(
        "--rate",
        type=decimal_number("请求频率", "--rate", 0),
        default=50.0,
        help="每个凭证每秒请求数，0 = 不限 / requests per second per token, 0 = no limit",
    )
    p.add_argument("--burst", type=decimal_number("突发请求数", "--burst", 0), default=200.0,
                   help="突发请求数 / burst size per token")
    p.add_argument("--address-rate", type=decimal_number("每个地址的请求频率", "--address-rate", 0), default=None,
                   help="每个客户端地址每秒请求数（在核对凭证之前），默认为 --rate 的两倍 / "
                   "requests per second per client address, checked before any token (default 2 x --rate)")
    p.add_argument("--address-burst", type=decimal_number("每个地址的突发请求数", "--address-burst", 0), default=None,
                   help="每个客户端地址的突发请求数，默认为 --burst 的两倍 / burst per address (default 2 x --burst)")
    p.add_argument("--trusted-proxy", "--forwarded-allow-ips", dest="trusted_proxy", action="append", default=[],
                   metavar="IP",
                   help="只信任这些反向代理发来的 X-Forwarded-For（可重复或用逗号分隔），默认不信任任何地址 / "
                   "take X-Forwarded-For only from these proxies (repeat or comma-separate; default none)")
    p.add_argument("--head-timeout", type=decimal_number("请求头时限", "--head-timeout", 0.1), default=30.0,
                   help="连接打开或上一个回答之后，请求行和请求头最多传多少秒，超时断开连接 / "
                   "seconds a request's line and headers may take after the connection opens or the previous "
                   "answer; past it the connection is closed (default 30)")
    p.add_argument("--body-timeout", type=decimal_number("请求体总时限", "--body-timeout", 0.1), default=300.0,
                   help="一个请求体最多传多少秒，超时回答 408 / seconds a whole body may take (default 300)")
    p.add_argument("--body-idle-timeout", type=decimal_number("请求体停顿时限", "--body-idle-timeout", 0.1),
                   default=30.0, help="请求体中途最长停顿秒数，超时回答 408 / longest pause inside a body (default 30)")
    p.add_argument(
        "--tls-cert", metavar="PEM", help="HTTPS 证书（含中间证书）/ serve HTTPS with this certificate chain"
    )
    p.add_argument("--tls-key", metavar="PEM", help="HTTPS 私钥 / the certificate's private key")
    p.add_argument("--photo-store", choices=("disk", "database"), default=None,
                   help="新收到的照片存在磁盘目录（disk，默认）还是数据库里（database）/ keep new photos on disk "
                   "(default) or in the database (env COUNTY_PHOTO_STORE)")
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    p.add_argument("--access-log", action="store_true", help="记录每个请求 / log every request")
    p.set_defaults(func=cmd_serve)

    st = sub.add_parser("station", parents=[parent], help="管理站点 / manage stations")
    ss = st.add_subparsers(dest="station_command", metavar="ACTION", required=True)
    p = ss.add_parser("add", parents=[parent], help="添加站点并生成注册码 / add a station, print its enrollment code")
    p.add_argument("--code", required=True, help="12 位区划代码 / the station's 12-digit code")
    p.add_argument("--name", required=True, help="站点名称 / station name")
    p.add_argument("--township", required=True, help="乡镇（街道）/ township")
    _expires_in(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_station_add)
    p = ss.add_parser("code", parents=[parent], help="重新生成注册码 / issue a new enrollment code")
    p.add_argument("code", metavar="CODE")
    _expires_in(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_station_code)
    p = ss.add_parser("revoke", parents=[parent], help="注销站点的同步凭证 / revoke the station's tokens")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_station_revoke)
    p = ss.add_parser("list", parents=[parent], help="列出站点与同步情况 / list stations and their sync state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_station_list)

    p = sub.add_parser("quarantine", parents=[parent], help="列出被隔离的修改 / list quarantined changes")
    p.add_argument("--station", metavar="CODE", help="只看这个站点 / only this station")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quarantine)

    p = sub.add_parser("report", parents=[parent], help="汇总报表 / figures per township and station")
    p.add_argument("--year", type=whole_number("年份", "--year"), help="年份 / year")
    p.add_argument("--month", type=whole_number("月份", "--month"),
                   help="月份（需同时给 --year）/ month (needs --year)")
    p.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    p.add_argument("--output", metavar="FILE", help="写入文件 / write to a file")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("ledger", parents=[parent],
                       help="按县中心保存的记录生成某站的台账 / a station's ledger from the county's copy",
                       description="与站点 station ledger 相同的台账（Word 或 Excel），由县中心保存的该站记录生成。"
                       " The same ledger a station writes with `station ledger`, from the county's copy.")
    p.add_argument("--station", required=True, metavar="CODE", help="站点代码 / the station's code")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="月份，如 2026-11 / a month such as 2026-11")
    when.add_argument("--year", help="年份，如 2026 / a year such as 2026")
    p.add_argument("--format", choices=("docx", "xlsx"), default="docx", help="文件格式 / file format (docx)")
    p.add_argument("--output", type=Path, metavar="FILE",
                   help="输出文件 / output file (default: 台账-<站点>-<期间>.<格式>)")
    p.add_argument("--photos-from", type=Path, metavar="DIR",
                   help="另取照片的目录（站点照片目录的副本，用于尚未上传的照片）"
                   "/ a copy of the station's photo folder, for photos not uploaded yet")
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("requests", parents=[parent],
                       help="各站上报（或任一状态）的群众点单 / villager requests escalated (or in any state)")
    p.add_argument("--township", metavar="T", help="只看这个乡镇（街道）的站点 / only this township's stations")
    p.add_argument("--state", metavar="S", default="已上报",
                   help="状态（默认 已上报；全部 = 任一状态）/ state (default 已上报; 全部 = any)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_requests)

    p = sub.add_parser("answer-request", parents=[parent],
                       help="答复站点上报的群众点单 / answer a request a station escalated")
    p.add_argument("station", metavar="CODE", help="站点代码 / the station's code")
    p.add_argument("request_id", metavar="REQUEST_ID", help="点单编号（county-center requests 可见）/ the request's id")
    p.add_argument("--note", required=True, help="答复内容 / the answer")
    p.add_argument("--served", action="store_true",
                   help="上级已办结（否则退回站点办理）/ served above (else back to the station)")
    p.add_argument("--by", default="县中心", help="答复单位（默认 县中心）/ who answers (default 县中心)")
    p.set_defaults(func=cmd_answer_request)

    p = sub.add_parser("certificate", parents=[parent],
                       help="核验志愿服务记录证明 / check a volunteer service certificate",
                       description="按编号查看站点上传的志愿服务记录证明，并与该站上传的同期服务时长核对："
                       "一致时退出码为 0，不一致为 3，查无此证为 1。"
                       " Show a certificate and check its hours against the station's uploaded hours entries:"
                       " exit 0 when they match, 3 when they differ, 1 for an unknown number.")
    p.add_argument("number", metavar="CHECK-NO", help="证明编号，如 140105001001-2026-0007 / the certificate number")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_certificate)
    p = sub.add_parser("photos", parents=[parent], help="列出县中心保存的某站照片 / a station's photos at the county")
    p.add_argument("--station", required=True, metavar="CODE", help="站点代码 / the station's code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_photos)
    p = sub.add_parser("photo", parents=[parent], help="取出一张照片 / fetch one photo")
    ph = p.add_subparsers(dest="photo_command", metavar="ACTION", required=True)
    p = ph.add_parser("get", parents=[parent], help="把照片写入文件 / write a photo to a file")
    p.add_argument("sha256", metavar="SHA256", help="照片的 SHA-256（photos --station 可查）/ the photo's sha256")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="写入的文件（默认 SHA256.jpg）/ file to write (default SHA256.jpg)")
    p.set_defaults(func=cmd_photo_get)

    p = sub.add_parser("admin-token", parents=[parent], help="生成管理员凭证 / issue an admin token for the report API")
    p.add_argument("--revoke-all", action="store_true", help="注销所有管理员凭证 / revoke every admin token")
    p.set_defaults(func=cmd_admin_token)
    _publish_parsers(sub, parent)
    return parser


def _publish_parsers(sub: Any, parent: argparse.ArgumentParser) -> None:
    pub = sub.add_parser(
        "publish", parents=[parent], help="向各站发布主题、最低场次、类别、通知、评分细则 / publish to the stations"
    )
    ps = pub.add_subparsers(dest="publish_command", metavar="WHAT", required=True)

    def scoped(name: str, help_text: str) -> argparse.ArgumentParser:
        p = ps.add_parser(name, parents=[parent], help=help_text)
        scope = p.add_mutually_exclusive_group()
        scope.add_argument("--township", metavar="T", help="只发给这个乡镇（街道）的站 / only this township's stations")
        scope.add_argument("--station", metavar="CODE", help="只发给这个站 / only this station")
        p.add_argument("--json", action="store_true")
        return p

    p = scoped("theme", "每月主题 / a month's theme")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，如 2027-03 / the month")
    p.add_argument("--theme", required=True, help="主题，如 学雷锋志愿服务月 / the theme")
    p.set_defaults(func=cmd_publish_theme)
    p = scoped("minimums", "每月各平台最低场次 / monthly minimums per platform")
    p.add_argument("pairs", nargs="+", metavar="平台=场次", help="如 理论宣讲=4 教育服务=1 / e.g. 理论宣讲=4")
    p.set_defaults(func=cmd_publish_minimums)
    p = scoped("categories", "队伍或群众点单的类别 / team or request categories")
    p.add_argument("--kind", required=True, choices=("team", "request"), help="team 队伍；request 群众点单")
    p.add_argument("items", nargs="+", metavar="类别", help="类别，可用逗号或顿号分隔 / the categories")
    p.set_defaults(func=cmd_publish_categories)
    p = scoped("notice", "通知公告 / a notice")
    p.add_argument("--title", required=True, help="标题 / title")
    p.add_argument("--body", default="", help="内容 / text")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="日期，默认今天 / date (default today)")
    p.add_argument("--id", metavar="ID", help="替换以前发布的这条通知（notice:ID 中的 ID）/ replace this notice")
    p.set_defaults(func=cmd_publish_notice)
    p = scoped("rubric", "五有及星级评分细则 / the self-check rubric")
    p.add_argument("file", metavar="FILE.json",
                   help="评分细则文件（格式同 rubric_default.json）/ the rubric, shaped as rubric_default.json")
    p.set_defaults(func=cmd_publish_rubric)
    p = ps.add_parser("withdraw", parents=[parent], help="撤回一条发布内容 / withdraw an item")
    p.add_argument("item_id", metavar="ITEM_ID", help="发布内容的编号（publish list 可查）/ the item's id")
    p.set_defaults(func=cmd_publish_withdraw)
    p = ps.add_parser("list", parents=[parent], help="列出发布内容 / list what is published")
    p.add_argument("--township", metavar="T", help="只看这个乡镇（街道）的 / only this township's")
    p.add_argument("--kind", choices=("theme", "minimums", "categories", "notice", "rubric"))
    p.add_argument("--withdrawn", action="store_true", help="也列出已撤回的 / include withdrawn items")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_publish_list)
    p = ps.add_parser("new-feed-id", parents=[parent],
                      help="从备份恢复县中心数据库后运行：各站重新接收全部发布内容 / "
                      "after restoring the county from a backup: stations receive everything again")
    p.set_defaults(func=cmd_publish_new_feed_id)


def _expires_in(p: argparse.ArgumentParser) -> None:
    from county.auth import DEFAULT_CODE_DAYS

    p.add_argument("--expires-in", metavar="DAYS", type=decimal_number("注册码有效天数", "--expires-in", 0.00001),
                   default=DEFAULT_CODE_DAYS,
                   help=f"注册码有效天数（默认 {DEFAULT_CODE_DAYS:g}）/ "
                   f"days the code works (default {DEFAULT_CODE_DAYS:g})")


def main(argv: list[str] | None = None) -> int:
    from county.errors import ApiError

    args = build_parser().parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    try:
        return int(args.func(args) or 0)
    except ApiError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
