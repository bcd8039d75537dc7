"""``station enroll``: exchange the county's one-time enrollment code for this station's token."""

from __future__ import annotations

import argparse

from station_tui.commands.common import CommandError, open_store, require_station


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "enroll",
        parents=[parent],
        help="用县中心给的登记码登记本站 / enroll this station with the county center",
        description="用县中心给的一次性登记码换取本站的上传凭据，保存在本机（仅本用户可读）。"
        " Exchange a one-time enrollment code for this station's upload token.",
    )
    p.add_argument("--server", required=True, help="县中心地址，如 https://county.example.cn / county URL")
    p.add_argument("--code", required=True, help="县中心给的登记码 / the one-time enrollment code")
    p.add_argument("--ca-bundle", help="县中心自有证书的 CA 文件（PEM）/ CA bundle for the county's certificate")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from station_tui import __version__
    from sync import credentials, protocol
    from sync.county_api import CountyAPI
    from sync.errors import CountyBusy, Offline, SyncError

    server = args.server.strip()
    if not server.startswith(("http://", "https://")):
        raise CommandError(
            f"县中心地址应以 http:// 或 https:// 开头：{server}\nThe server URL must start with http:// or https://."
        )
    ca_bundle = None
    if args.ca_bundle:
        ca = Path(args.ca_bundle).expanduser().resolve()
        if not ca.is_file():
            raise CommandError(f"找不到证书文件 {ca}\nCA bundle not found: {ca}")
        ca_bundle = str(ca)
    with open_store(args) as store:
        station = require_station(store)
        epoch = store.meta("epoch") or ""
        schema = int(store.query_value("PRAGMA user_version"))
    request = protocol.EnrollRequest(
        enrollment_code=args.code.strip(), epoch=epoch, app_version=__version__,
        schema_version=schema, station_code=station.code,
    )
    try:
        with CountyAPI(server, verify=ca_bundle or True) as api:
            answer = api.enroll(request)
    except Offline as exc:
        # The sync wording ("修改都还保存在本机，下次同步时会接着上传") does not fit: nothing retries an enrollment.
        raise CommandError(
            f"连不上县中心 {server}（网络不通、地址写错或县中心没有开机）。登记码没有用掉，"
            f"请检查后再运行一次 station enroll。\n{exc.en}", code=exc.exit_code) from exc
    except CountyBusy as exc:
        raise CommandError(
            "县中心暂时忙，请过几分钟再运行一次 station enroll。若那时提示登记码已用过，请向县中心索取新的登记码。"
            f"\n{exc.en}", code=exc.exit_code) from exc
    except SyncError as exc:
        raise CommandError(str(exc), code=exc.exit_code) from exc
    if answer.station.code != station.code:
        raise CommandError(
            f"这个登记码属于站点 {answer.station.code}（{answer.station.name}），不是本站 {station.code}。\n"
            f"The code belongs to station {answer.station.code}, not {station.code}."
        )
    replaced = credentials.credentials_path().exists()
    path = credentials.save(credentials.Credentials(
        server=server, token=answer.token, station_code=answer.station.code,
        ca_bundle=ca_bundle, enrolled_at=answer.server_time,
    ))
    print(f"已登记到县中心：{answer.station.name}（{answer.station.code}），{answer.station.township}")
    note = "（已替换原来的登记 / replaced the previous one）" if replaced else ""
    print(f"凭据保存在 / token saved in: {path}{note}")
    print("以后运行 station sync 即可上传。Run `station sync` to upload.")
    return 0
