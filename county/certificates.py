"""Checking a 志愿服务记录证明 at the county: the certificate as the county holds it, and its
hours against the hours entries the same station uploaded for that person and period.

A number is ``<station code>-<year>-<serial>``: the code says which station's records to look
in, and only a certificate that station's token uploaded counts (a station cannot vouch for
another's numbers). The hours uploaded for the period are the sum of every entry dated in it
(voids included), as the station's own ledger balance is; a difference is explained by the
certificate's entries voided since, entries added since, and entries not uploaded yet.
"""

from __future__ import annotations

import json
import re
from typing import Any

from county import rows as row_rules
from station_tui.domain.hours import format_tenths, tenths_to_float

_NUMBER = re.compile(r"^(?P<code>[^\s-]{1,40})-(?P<year>[0-9]{4})-(?P<serial>[0-9]{1,6})$")


class UnknownCertificate(LookupError):
    """No certificate with this number was uploaded by the station its number names."""


def _held(rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """The rows of ``table`` that today's rules accept (as the reports do), read."""
    found = []
    for r in rows:
        if r["tbl"] == table and row_rules.stored_problem(table, r["row_json"]) is None:
            found.append(json.loads(r["row_json"]))
    return found


def check(store: Any, number: str) -> dict[str, Any]:
    """The certificate numbered ``number`` and how its hours compare with what its station
    uploaded. Raises UnknownCertificate (with the reason in Chinese)."""
    number = number.strip()
    shape = _NUMBER.match(number)
    if shape is None:
        raise UnknownCertificate(f"证明编号 {row_rules.quote(number)} 格式不对，应为 站点代码-年份-序号，例如 "
                                 "140105001001-2026-0007")
    station, rows = store.rows_of_station(shape["code"], ("certificates",), containing=number)
    if station is None:
        raise UnknownCertificate(f"县中心没有代码为 {shape['code']} 的站点，查不到证明 {number}")
    found = [c for c in _held(rows, "certificates") if c["number"] == number]
    if not found:
        raise UnknownCertificate(f"站点 {station['code']} {station['name']} 没有上传过编号为 {number} 的证明"
                                 "（可能是伪造的，或该站尚未同步）")
    cert = found[0]
    person_id = cert["person_id"]
    _, theirs = store.rows_of_station(station["code"], ("hours_entries", "people"), containing=person_id)
    people = [p for p in _held(theirs, "people") if p["id"] == person_id]
    start, end = cert["period_from"], cert["period_to"]
    entries = [e for e in _held(theirs, "hours_entries") if e["person_id"] == person_id and start <= e["date"] <= end]
    by_id = {e["id"]: e for e in entries}
    voids = {e.get("voids_id"): e for e in entries if e.get("voids_id")}
    listed = list(cert["entry_ids"])
    listed_set = set(listed)
    uploaded = sum(int(e["tenths"]) for e in entries)
    certified = int(cert["total_tenths"])
    voided_since = [_line(by_id[i], voids[i]) for i in listed if i in by_id and i in voids]
    added_since = [
        _line(e) for e in sorted(entries, key=lambda e: (e["date"], e["id"]))
        if e["id"] not in listed_set and not e.get("voids_id") and e["id"] not in voids
    ]
    missing = [i for i in listed if i not in by_id]
    return {
        "number": number,
        "station": station,
        "person": {"id": person_id, "name": cert["person_name"],
                   "current_name": people[0]["name"] if people else None},
        "period_from": start,
        "period_to": end,
        "issued_on": cert["issued_on"],
        "issuer": cert.get("issuer"),
        "operator": cert.get("operator"),
        "entry_count": cert["entry_count"],
        "certified_hours": tenths_to_float(certified),
        "uploaded_hours": tenths_to_float(uploaded),
        "difference_hours": tenths_to_float(uploaded - certified),
        "matches": uploaded == certified and not missing,
        "voided_since": voided_since,
        "added_since": added_since,
        "not_uploaded": len(missing),
    }


def _line(entry: dict[str, Any], void: dict[str, Any] | None = None) -> dict[str, Any]:
    line = {"date": entry["date"], "hours": tenths_to_float(int(entry["tenths"])),
            "what": entry.get("content") or entry.get("entry_kind") or ""}
    if void is not None:
        line["void_reason"] = void.get("reason")
    return line


def to_text(result: dict[str, Any]) -> str:
    """The check for a terminal."""
    from county.printable import printable

    s, p = result["station"], result["person"]
    lines = [
        f"志愿服务记录证明 {result['number']}",
        f"  出具站点：{s['township']} {s['code']} {printable(s['name'])}",
        f"  志愿者：{printable(p['name'])}",
        f"  服务期间：{result['period_from']} 至 {result['period_to']}",
        f"  证明时长：{result['certified_hours']:.1f} 小时（{result['entry_count']} 次）",
        f"  开具日期：{result['issued_on']}  负责人：{printable(result['issuer'] or '')}  "
        f"经办人：{printable(result['operator'] or '')}",
        f"  县中心收到的该站同期时长：{result['uploaded_hours']:.1f} 小时",
    ]
    if result["matches"]:
        lines.append("核验结果：一致 / matches")
        return "\n".join(lines)
    diff = result["difference_hours"]
    lines.append(f"核验结果：不一致，相差 {format_tenths(round(diff * 10))} 小时 / differs by {diff:+.1f} h")
    for v in result["voided_since"]:
        lines.append(f"  证明所列的 {v['date']} {v['hours']:.1f} 小时已被作废：{printable(v.get('void_reason') or '')}")
    for a in result["added_since"]:
        lines.append(f"  证明之外的 {a['date']} {a['hours']:.1f} 小时（{printable(a['what'])}）")
    if result["not_uploaded"]:
        lines.append(f"  证明所列的 {result['not_uploaded']} 条服务记录该站尚未上传")
    return "\n".join(lines)
