"""The county's word back: what a station reads (its downlink, its own records for a restore)
and what county staff publish (admin token). Rules: docs/sync-protocol.md, *Downlink*."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from county import body, feed, rows
from county.deps import Context, CurrentStation, RawBody, require_admin
from county.errors import bad_request
from county.openapi import json_body
from sync import downlink, protocol

router = APIRouter(tags=["downlink"])

_Counter = Annotated[int, Query(ge=0, le=protocol.MAX_COUNTER)]


def _clean(value: str | None, what: str, longest: int) -> str | None:
    if value is not None and (len(value) > longest or not rows.clean_text(value)):
        raise bad_request(f"{what} 参数不对", f"{what} must be at most {longest} plain characters")
    return value


@router.get(downlink.DOWNLINK_PATH)
async def station_downlink(
    station: CurrentStation,
    context: Context,
    after: _Counter = 0,
    feed_id: Annotated[str | None, Query(alias="feed")] = None,
    limit: Annotated[int, Query(ge=1, le=downlink.MAX_PAGE)] = downlink.DEFAULT_PAGE,
) -> JSONResponse:
    _clean(feed_id, "feed", 64)
    data = await run_in_threadpool(feed.page, context.store, station, after, feed_id or None, limit)
    return JSONResponse(data)


@router.get(downlink.RECORDS_PATH)
async def station_records(
    station: CurrentStation,
    context: Context,
    table: Annotated[str, Query(min_length=1, max_length=64)],
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=downlink.MAX_ROWS_PAGE)] = downlink.DEFAULT_ROWS_PAGE,
) -> JSONResponse:
    if table not in protocol.SYNCED_TABLES:
        raise bad_request(f"没有这种记录表：{table[:40]}", f"unknown table {table[:40]!r}")
    _clean(after, "after", 64)
    data = await run_in_threadpool(feed.own_rows, context.store, station, table, after or None, limit)
    return JSONResponse(data)


# -- county staff ---------------------------------------------------------------------------
@router.get(downlink.FEED_PATH, dependencies=[Depends(require_admin)])
async def feed_list(
    context: Context,
    township: Annotated[str | None, Query(max_length=80)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    withdrawn: bool = False,
) -> JSONResponse:
    _clean(township, "township", 80)
    _clean(kind, "kind", 32)
    items = await run_in_threadpool(
        lambda: feed.list_items(context.store, township=township, kind=kind, withdrawn=withdrawn)
    )
    state = await run_in_threadpool(feed.feed_state, context.store)
    return JSONResponse({**state, "items": items})


@router.post(
    downlink.FEED_PATH, dependencies=[Depends(require_admin)], openapi_extra=json_body(downlink.PublishRequest)
)
async def feed_publish(context: Context, raw: RawBody) -> JSONResponse:
    req = body.parse_model(downlink.PublishRequest, raw, "发布请求格式不对", "malformed publish request")
    for value, what, longest in ((req.township, "township", 80), (req.station, "station", 40)):
        _clean(value, what, longest)
    item = await run_in_threadpool(
        lambda: feed.publish(
            context.store, req.kind, req.body, township=req.township, station=req.station, notice_id=req.notice_id
        )
    )
    return JSONResponse(item)


@router.delete(downlink.FEED_PATH + "/{item_id}", dependencies=[Depends(require_admin)])
async def feed_withdraw(context: Context, item_id: str) -> JSONResponse:
    _clean(item_id, "item_id", 160)
    seq = await run_in_threadpool(feed.withdraw, context.store, item_id)
    return JSONResponse({"id": item_id, "seq": seq, "deleted": True})
