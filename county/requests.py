"""Villager requests at the county: the requests stations escalated (上报) to the township or
the county, or those in any state, from the county's copy of each station's records.

Each request is listed under the station whose token uploaded it (never what its row says),
with the reason it was escalated (its latest 上报 move). Phones are shown masked, and only
a station that uploads phones (``upload_phones``) has any here at all.
"""

from __future__ import annotations

import json
from typing import Any

from county import rows as row_rules
from station_tui.domain.masking import mask_phone
from station_tui.domain.vocab import REQUEST_STATES

#: What ``--state`` takes besides a state: every request, whatever its state.
ANY_STATE = "全部"
DEFAULT_STATE = "已上报"


def _masked(phone: Any) -> str | None:
    """A stored phone as the station's lists show it (domain/masking.py); None for none."""
    return mask_phone(phone) if isinstance(phone, str) and phone else None


def listing(store: Any, township: str | None = None, state: str | None = DEFAULT_STATE) -> list[dict[str, Any]]:
    """The requests in ``state`` (``全部`` or None: any), optionally of one township's stations,
    by township, station and 点单日期."""
    if state is not None and state != ANY_STATE and state not in REQUEST_STATES:
        raise ValueError(f"状态“{row_rules.quote(state)[1:-1]}”不对，应为 {'、'.join(REQUEST_STATES)} 或 {ANY_STATE}")
    if township is not None and (not row_rules.clean_text(township) or len(township) > 80):
        raise ValueError(f"乡镇（街道）名称 {row_rules.quote(township)} 不对：不能含控制字符，最多 80 个字")
    wanted = None if state in (None, ANY_STATE) else state
    requests: dict[tuple[str, str], dict[str, Any]] = {}
    escalations: dict[tuple[str, str], dict[str, Any]] = {}
    for r in store.station_rows(("requests", "request_moves"), township):
        if row_rules.stored_problem(r["tbl"], r["row_json"]) is not None:
            continue  # the report lists such records under "excluded"
        row = json.loads(r["row_json"])
        if r["tbl"] == "request_moves":
            if row.get("action") == "escalate":
                key = (r["code"], row["request_id"])
                seen = escalations.get(key)
                if seen is None or str(row.get("moved_at") or "") >= str(seen.get("moved_at") or ""):
                    escalations[key] = row
            continue
        if wanted is not None and row["state"] != wanted:
            continue
        requests[(r["code"], row["id"])] = {
            "station": {"code": r["code"], "name": r["name"], "township": r["township"]},
            "id": row["id"],
            "received_on": row["received_on"],
            "wish": row["wish"],
            "content": row.get("content"),
            "request_type": row.get("request_type"),
            "requester": row["requester"],
            "phone": _masked(row.get("phone")),
            "address": row.get("address"),
            "expected_on": row.get("expected_on"),
            "state": row["state"],
            "escalated_to": row.get("escalated_to"),
            "rating": row.get("rating"),
        }
    out = []
    for key, item in requests.items():
        move = escalations.get(key)
        item["escalation"] = (
            None
            if move is None
            else {"reason": move.get("note"), "at": move.get("moved_at"), "by": move.get("moved_by")}
        )
        out.append(item)
    out.sort(key=lambda i: (i["station"]["township"], i["station"]["code"], i["received_on"], i["id"]))
    return out


def to_text(items: list[dict[str, Any]], state: str | None) -> str:
    """The listing for a terminal: one block per request."""
    from county.printable import printable

    what = "全部点单" if state in (None, ANY_STATE) else f"“{state}”的点单"
    if not items:
        return f"没有{what}。"
    lines = [f"{what}：共 {len(items)} 条", ""]
    for i in items:
        s = i["station"]
        lines.append(
            f"{i['received_on']}  {s['township']}  {s['code']} {s['name']}  [{i['state']}]"
            + (f" 上报到{i['escalated_to']}" if i["escalated_to"] else "")
        )
        phone = f"  {i['phone']}" if i["phone"] else ""
        kind = f"  类别：{printable(i['request_type'])}" if i["request_type"] else ""
        lines.append(f"  心愿：{printable(i['wish'])}  点单人：{printable(i['requester'])}{phone}{kind}")
        if i["content"]:
            lines.append(f"  内容：{printable(i['content'])}")
        if i["escalation"] and i["escalation"]["reason"]:
            lines.append(f"  上报原因：{printable(i['escalation']['reason'])}")
    return "\n".join(lines)


def answer(store: Any, code: str, request_id: str, *, served: bool, note: str, by: str) -> dict[str, Any]:
    """Answer a request the station ``code`` escalated: sent down to that station alone
    (``sync/downlink.py`` ``request_answer``), applied there on its next sync: 答复退回 (back to
    the station with the answer) or, with ``served``, 上级办结. Answering again replaces the
    answer not yet received. Refused (``ValueError``) unless the county holds the request as
    已上报 from that station."""
    from county import feed

    held = [r for r in listing(store, None, DEFAULT_STATE) if r["station"]["code"] == code and r["id"] == request_id]
    if not held:
        raise ValueError(f"站点 {row_rules.quote(code)} 没有上报过编号为 {row_rules.quote(request_id)} 的群众点单"
                         "（或已经处理，请用 county-center requests 查看）")
    body = {"request_id": request_id, "outcome": "serve_above" if served else "answer", "note": note, "by": by}
    return feed.publish(store, "request_answer", body, station=code)
