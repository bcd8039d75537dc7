"""What stations call: health, enrollment, where their upload stands, and the upload itself.

Database work runs in the thread pool so a slow batch never stalls other stations' requests."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from county import batches, body, rows
from county.deps import Address, Context, CurrentStation, RawBody
from county.errors import bad_request
from county.openapi import json_body
from sync import protocol

log = logging.getLogger("county")

router = APIRouter(tags=["sync"])


@router.get(protocol.HEALTH_PATH)
async def health() -> dict[str, Any]:
    return {
        "status": "ok",
        "supported": protocol.supported_window().model_dump(),
        "server_time": protocol.utc_now(),
    }


@router.post(protocol.ENROLL_PATH, openapi_extra=json_body(protocol.EnrollRequest))
async def enroll(_address: Address, context: Context, raw: RawBody) -> JSONResponse:
    data = body.parse_json(raw)
    if isinstance(data, dict):
        batches.check_versions(
            data.get("protocol_version", protocol.PROTOCOL_VERSION),
            data.get("schema_version", protocol.MIN_SCHEMA_VERSION),
        )
    req = body.validated(protocol.EnrollRequest, data, "注册请求格式不对", "malformed enrollment")
    if not all(rows.clean_text(v) for v in (req.enrollment_code, req.epoch, req.app_version, req.station_code or "")):
        raise bad_request("注册请求含有控制字符或无效的 Unicode 字符", "enrollment has control or invalid characters")
    result = await run_in_threadpool(context.store.enroll, req)
    return JSONResponse(result.model_dump(mode="json"))


@router.get(protocol.ACK_PATH)
async def ack(station: CurrentStation, context: Context, epoch: Annotated[str, Query()]) -> JSONResponse:
    if not 1 <= len(epoch) <= 64 or not rows.clean_text(epoch):
        raise bad_request("epoch 参数不对", "epoch must be 1-64 characters")
    result = await run_in_threadpool(context.store.ack_status, station, epoch)
    return JSONResponse(result.model_dump(mode="json"))


@router.post(protocol.BATCHES_PATH, openapi_extra=json_body(protocol.Batch, gzip=True))
async def upload(station: CurrentStation, context: Context, raw: RawBody) -> JSONResponse:
    # Parsing tens of megabytes of JSON must not stall the event loop for other stations.
    parsed = await run_in_threadpool(lambda: batches.parse(body.parse_json(raw)))
    if parsed.claimed_station and parsed.claimed_station != station.code:
        log.warning(
            "station %s sent a batch claiming to be %r; stored as %s",
            station.code,
            parsed.claimed_station,
            station.code,
        )
    result = await run_in_threadpool(
        context.store.apply, station, parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items
    )
    return JSONResponse(result)
