"""What the county publishes to its stations, and what a station may read back of its own.

The feed (docs/sync-protocol.md, *Downlink*): one row per item in ``county_feed``; each
publication or withdrawal gives the item the next ``seq`` of one counter (``county_meta``
``feed_seq``), taken under a row lock in the same transaction, so publications commit in
``seq`` order and a reader that sees the counter at M sees every item up to M. A station's
page is read as: the counter M first, then its items in (after, M]; with no more items the
station's cursor moves to M, past the items meant for others.

The token alone decides what a station receives: items for every station, for its township
(the county's own record of the station, never what the station says) or for itself.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select

from county.errors import ApiError
from county.schema import county_feed, county_meta, records, stations
from sync import downlink
from sync.protocol import utc_now

if TYPE_CHECKING:
    from county.store import CountyStore, StationRow


#: What no item may hold: control characters other than tab and line breaks (a notice has
#: paragraphs), and lone surrogates (they cannot be encoded as UTF-8).
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


def clean_text(value: str) -> bool:
    return _UNSTORABLE.search(value) is None


def _bad(zh: str, en: str) -> ApiError:
    return ApiError(400, "bad_request", zh, en)


def _meta(conn: Any, key: str, *, lock: bool = False) -> str:
    query = select(county_meta.c.value).where(county_meta.c.key == key)
    if lock:
        query = query.with_for_update()
    value = conn.execute(query).scalar()
    return str(value or "")


def _set_meta(conn: Any, key: str, value: str) -> None:
    conn.execute(county_meta.update().where(county_meta.c.key == key).values(value=value))


def _next_seq(conn: Any) -> int:
    seq = int(_meta(conn, "feed_seq", lock=True) or 0) + 1
    _set_meta(conn, "feed_seq", str(seq))
    return seq


# -- staff: publish, withdraw, list -----------------------------------------------------------
def publish(
    store: CountyStore,
    kind: str,
    body: Any,
    *,
    township: str | None = None,
    station: str | None = None,
    notice_id: str | None = None,
) -> dict[str, Any]:
    """Publish (or replace) one item; returns it as ``list_items`` shows it."""
    try:
        checked = downlink.check_body(kind, body)
    except ValueError as exc:
        raise _bad(f"发布内容不对：{exc}", f"invalid {kind} body: {exc}") from None
    township = (township or "").strip() or None
    station = (station or "").strip() or None
    if not all(clean_text(v) for v in (*_texts(checked.model_dump(mode="json")), township or "", station or "")):
        raise _bad("发布内容含有控制字符或无效的 Unicode 字符", "the item has control or invalid characters")
    if township and station:
        raise _bad("发布范围只能是一个乡镇或一个站点，不能两者都给", "give a township or a station, not both")
    if kind == "notice" and not notice_id:
        notice_id = uuid.uuid4().hex[:16]
    key = downlink.natural_key(kind, checked, notice_id)
    text = json.dumps(checked.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    now = utc_now()
    with store.engine.begin() as conn:
        station_id = None
        if station:
            station_id = store._station_by_code(conn, station).id
        elif township and not conn.execute(select(stations.c.id).where(stations.c.township == township)).first():
            raise _bad(
                f"县中心没有乡镇（街道）“{township}”的站点（用 county-center station list 查看）",
                f"no station in township {township!r}",
            )
        iid = downlink.item_id(key, township, station)
        seq = _next_seq(conn)
        values = {
            "seq": seq, "kind": kind, "township": township, "station_id": station_id,
            "deleted": 0, "body": text, "published_at": now,
        }  # fmt: skip
        done = conn.execute(county_feed.update().where(county_feed.c.item_id == iid).values(**values)).rowcount
        if not done:
            conn.execute(county_feed.insert().values(item_id=iid, **values))
    return {"id": iid, "seq": seq, "kind": kind, "township": township, "station": station,
            "deleted": False, "body": checked.model_dump(mode="json"), "published_at": now}  # fmt: skip


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def withdraw(store: CountyStore, item_id: str) -> int:
    """Withdraw an item: it goes out once more as deleted, and stations drop it. Returns its seq."""
    with store.engine.begin() as conn:
        row = conn.execute(
            select(county_feed.c.deleted).where(county_feed.c.item_id == item_id).with_for_update()
        ).first()
        if row is None:
            raise ApiError(404, "bad_request", f"没有编号为 {item_id} 的发布内容", f"no published item {item_id!r}")
        seq = _next_seq(conn)
        conn.execute(
            county_feed.update()
            .where(county_feed.c.item_id == item_id)
            .values(seq=seq, deleted=1, body="{}", published_at=utc_now())
        )
    return seq


def list_items(
    store: CountyStore, *, township: str | None = None, kind: str | None = None, withdrawn: bool = False
) -> list[dict[str, Any]]:
    query = (
        select(county_feed, stations.c.code)
        .select_from(county_feed.outerjoin(stations, stations.c.id == county_feed.c.station_id))
        .order_by(county_feed.c.seq)
    )
    if township:
        query = query.where(county_feed.c.township == township)
    if kind:
        query = query.where(county_feed.c.kind == kind)
    if not withdrawn:
        query = query.where(county_feed.c.deleted == 0)
    with store._reading() as conn:
        rows = conn.execute(query).mappings().all()
    return [_item(r) for r in rows]


def _item(r: Any) -> dict[str, Any]:
    return {
        "id": r["item_id"],
        "seq": int(r["seq"]),
        "kind": r["kind"],
        "township": r["township"],
        "station": r["code"],
        "deleted": bool(r["deleted"]),
        "body": json.loads(r["body"]),
        "published_at": r["published_at"],
    }


def feed_state(store: CountyStore) -> dict[str, Any]:
    with store._reading() as conn:
        return {"feed_id": _meta(conn, "feed_id"), "last_seq": int(_meta(conn, "feed_seq") or 0)}


def new_feed_id(store: CountyStore, *, unless_not: str | None = None) -> str:
    """Start a new life of the feed: every station starts again from 0 and replaces what it has.
    With ``unless_not``, only if the feed id is still that one (two stations noticing at once
    make one new id)."""
    with store.engine.begin() as conn:
        current = _meta(conn, "feed_id", lock=True)
        if unless_not is not None and current != unless_not:
            return current
        fresh = uuid.uuid4().hex
        _set_meta(conn, "feed_id", fresh)
    return fresh


# -- stations: the downlink ------------------------------------------------------------------
def page(store: CountyStore, station: StationRow, after: int, feed: str | None, limit: int) -> dict[str, Any]:
    """The items after ``after`` that reach ``station``, shaped as ``downlink.DownlinkPage``."""
    limit = max(1, min(limit, downlink.MAX_PAGE))
    with store._reading() as conn:
        # The counter first: every item up to it has committed (publications hold its lock).
        last = int(_meta(conn, "feed_seq") or 0)
        feed_id = _meta(conn, "feed_id")
    reset = False
    if after > last and (not feed or feed == feed_id):
        # The station has received past the county's last item: the county went back (restored
        # from a backup). Every station must start again, not only this one.
        feed_id = new_feed_id(store, unless_not=feed_id)
    if feed != feed_id or after > last:
        reset, after = after > 0 or bool(feed), 0
    with store._reading() as conn:
        last = int(_meta(conn, "feed_seq") or 0)
        rows = (
            conn.execute(
                select(county_feed)
                .where(
                    and_(
                        county_feed.c.seq > after,
                        county_feed.c.seq <= last,
                        or_(county_feed.c.township.is_(None), county_feed.c.township == station.township),
                        or_(county_feed.c.station_id.is_(None), county_feed.c.station_id == station.id),
                    )
                )
                .order_by(county_feed.c.seq)
                .limit(limit)
            )
            .mappings()
            .all()
        )
    items = [
        {**_item({**r, "code": station.code if r["station_id"] is not None else None})}
        for r in rows
    ]
    more = len(items) == limit and items[-1]["seq"] < last
    return {
        "protocol_version": downlink.PROTOCOL_VERSION,
        "feed_id": feed_id,
        "after": after,
        "next_after": items[-1]["seq"] if more else last,
        "more": more,
        "reset": reset,
        "items": items,
        "server_time": utc_now(),
    }


def reaching(conn: Any, station: StationRow) -> list[dict[str, Any]]:
    """The live items that reach ``station`` (every station's, its township's, its own), as a
    station holds them once it has received the whole feed: for the county's copy of it."""
    rows = (
        conn.execute(
            select(county_feed)
            .where(
                and_(
                    county_feed.c.deleted == 0,
                    or_(county_feed.c.township.is_(None), county_feed.c.township == station.township),
                    or_(county_feed.c.station_id.is_(None), county_feed.c.station_id == station.id),
                )
            )
            .order_by(county_feed.c.seq)
        )
        .mappings()
        .all()
    )
    return [_item({**r, "code": station.code if r["station_id"] is not None else None}) for r in rows]


# -- stations: their own records, for a restore -------------------------------------------------
def own_rows(store: CountyStore, station: StationRow, table: str, after: str | None, limit: int) -> dict[str, Any]:
    """The station's own records of ``table`` (tombstones too) after the id ``after``, by id."""
    limit = max(1, min(limit, downlink.MAX_ROWS_PAGE))
    query = select(records.c.record_id, records.c.row_version, records.c.deleted, records.c.row_json).where(
        and_(records.c.station_id == station.id, records.c.tbl == table)
    )
    if after:
        query = query.where(records.c.record_id > after)
    with store._reading() as conn:
        rows = conn.execute(query.order_by(records.c.record_id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "protocol_version": downlink.PROTOCOL_VERSION,
        "table": table,
        "rows": [
            {"id": r[0], "row_version": int(r[1]), "deleted": bool(r[2]), "row": r[3]} for r in rows
        ],
        "next_after": rows[-1][0] if rows else after,
        "more": more,
        "server_time": utc_now(),
    }
