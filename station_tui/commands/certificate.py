"""``station certificate``: issue a 志愿服务记录证明, list the register, reprint one by number."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from station_tui.commands.common import EXIT_USAGE, CommandError, open_store, require_station, whole_number

if TYPE_CHECKING:
    from station_tui.domain import Person
    from station_tui.storage import Store

_DAY = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_day(text: str, what: str = "日期") -> date:
    """``2026-03-01``, ``2026/3/1`` or ``2026年3月1日``; a clear message in both languages otherwise."""
    found = _DAY.match(text or "")
    if found:
        try:
            return date(*(int(g) for g in found.groups()))
        except ValueError:
            pass
    raise CommandError(f"{what} {text!r} 看不懂，请写成 2026-03-01。\nUnreadable date {text!r}; write 2026-03-01.",
                       code=EXIT_USAGE)


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "certificate",
        parents=[parent],
        help="志愿服务记录证明：开具、登记簿、补打 / volunteer service certificates: issue, list, reprint",
        description="按时长台账为志愿者开具志愿服务记录证明（Word 文档），并登记在证明登记簿里（随同步上传县中心）。"
        " Issue a volunteer service record certificate from the hours ledger (.docx); it is registered and synced.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    issue = actions.add_parser(
        "issue", parents=[parent], help="开具一份证明 / issue one",
        description="开具证明：PERSON 为姓名（同名时用编号区分）或人员编号。"
        " Issue a certificate; PERSON is a name (an id when two people share it).",
    )
    issue.add_argument("person", metavar="PERSON", help="姓名或人员编号 / name or person id")
    issue.add_argument("--from", dest="period_from",
                       help="起始日期，默认为最早一条服务记录 / first day (default: the first service)")
    issue.add_argument("--to", dest="period_to", help="截止日期，默认为今天 / last day (default: today)")
    issue.add_argument("--issuer",
                       help="负责人，默认为站点的专管员 / the person in charge (default: the station's manager)")
    issue.add_argument("--operator", help="经办人，默认为当前用户 / who issues it (default: the OS user)")
    issue.add_argument("--output", type=Path,
                       help="输出文件 / output file (default: 志愿服务记录证明-<编号>-<姓名>.docx)")
    issue.set_defaults(func=run_issue)
    listing = actions.add_parser("list", parents=[parent], help="列出登记簿 / list the register")
    listing.add_argument("--year", type=whole_number("年份", "year", 2000, 2999), help="年份 / year")
    listing.set_defaults(func=run_list)
    reprint = actions.add_parser("print", parents=[parent], help="按编号补打 / reprint one by its number")
    reprint.add_argument("number", metavar="NUMBER", help="证明编号 / certificate number")
    reprint.add_argument("--output", type=Path, help="输出文件 / output file")
    reprint.set_defaults(func=run_print)


def find_person(store: Store, text: str) -> Person:
    """A person by id, or by exact name when only one person has it; otherwise a message that
    lists the namesakes (with their ids) or the nearest matches."""
    text = text.strip()
    by_id = store.people.get(text)
    if by_id is not None:
        return by_id
    found = store.people.named(text)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "\n".join(
            f"  {p.id}  {p.name} {p.gender or ''} {p.birth_year or ''} {p.volunteer_no or ''}".rstrip() for p in found)
        raise CommandError(f"有 {len(found)} 位叫 {text} 的人，请用人员编号指定：\n{listed}\n"
                           f"{len(found)} people are called {text}; give the id instead.")
    near = store.people.search(text, limit=5)
    hint = ("，相近的有：" + "、".join(p.name for p in near)) if near else ""
    raise CommandError(f"找不到人员 {text}{hint}。\nNo person {text!r}.")


def allowed_whole(column: str) -> bool:
    """Whether the station's settings let this personal column leave the PC whole (PIPL:
    ``upload_id_numbers`` for 身份证号, ``upload_phones`` for phones); otherwise it is masked."""
    from station_tui.config import load_settings
    from station_tui.storage.privacy import allowed

    return allowed(load_settings())[column]


def run_issue(args: argparse.Namespace) -> int:
    from station_tui.reports import certificate as report
    from station_tui.storage.repositories.base import NotFound
    from station_tui.storage.repositories.certificates import CertificateRefusal

    to = parse_day(args.period_to, "截止日期") if args.period_to else date.today()
    start = parse_day(args.period_from, "起始日期") if args.period_from else None
    with open_store(args, must_exist=True) as store:
        station = require_station(store)
        person = find_person(store, args.person)
        if start is None:
            start = store.hours.first_date(str(person.id)) or to
        issuer = (args.issuer or station.manager or "").strip()
        if not issuer:
            raise CommandError("请用 --issuer 写明负责人（站点信息里没有专管员）。\n"
                               "Give the person in charge with --issuer (the station has no manager set).",
                               code=EXIT_USAGE)
        try:
            issued = store.certificates.issue(str(person.id), start, to, issuer=issuer, operator=args.operator)
        except (CertificateRefusal, NotFound) as exc:
            raise CommandError(f"{exc}。\nNot issued; nothing registered.") from exc
        doc = report.gather(store, issued, full_id_number=allowed_whole("id_number"))
    path = args.output or Path(report.default_name(doc))
    _write(doc, path)
    print(f"已开具志愿服务记录证明 {issued.number}：{issued.person_name}，{issued.period_from} 至 {issued.period_to}，"
          f"{issued.entry_count} 次，累计 {_hours(issued.total_tenths)} 小时，文件 {path}。\n"
          f"Issued {issued.number}; written to {path}.")
    return 0


def run_print(args: argparse.Namespace) -> int:
    from station_tui.reports import certificate as report
    from station_tui.storage.repositories.certificates import CertificateRefusal

    with open_store(args, must_exist=True) as store:
        found = store.certificates.by_number(args.number)
        if found is None:
            raise CommandError(f"登记簿里没有编号为 {args.number} 的证明。\nNo certificate numbered {args.number!r}.")
        try:
            doc = report.gather(store, found, full_id_number=allowed_whole("id_number"))
        except CertificateRefusal as exc:
            raise CommandError(f"{exc}。\nCannot reprint it.") from exc
    path = args.output or Path(report.default_name(doc))
    _write(doc, path)
    print(f"已补打证明 {found.number}（{found.issued_on} 开具）：{path}。\nReprinted to {path}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from station_tui.domain.widths import pad

    with open_store(args, must_exist=True) as store:
        rows = store.certificates.page(args.year, limit=1_000_000)
    if not rows:
        print("登记簿里还没有证明。 / No certificates yet.")
        return 0
    for c in rows:
        print(f"{pad(c.number, 22)}  {pad(c.person_name, 8)}  {c.period_from} 至 {c.period_to}  "
              f"{_hours(c.total_tenths):>7} 小时  {c.entry_count:>4} 次  {c.issued_on}  {c.issuer}/{c.operator}")
    print(f"共 {len(rows)} 份。 / {len(rows)} certificates.")
    return 0


def _hours(tenths: int) -> str:
    from station_tui.domain.hours import format_tenths

    return format_tenths(tenths)


def _write(doc: object, path: Path) -> None:
    from station_tui.reports import certificate as report

    try:
        report.write(doc, path)  # type: ignore[arg-type]
    except OSError as exc:
        raise CommandError(
            f"无法写入 {path}：{exc.strerror or exc}；证明已登记，可用 station certificate print 补打。\n"
            "The file could not be written; the certificate is registered: reprint it with `certificate print`."
        ) from exc
