"""The county center's HTTP API (FastAPI). Endpoints and rules: docs/sync-protocol.md.

Database work runs in the thread pool so a slow batch never stalls other stations'
requests. Every answer that is not a success is an ``ErrorBody``; an unexpected exception
is logged and answered 500 with nothing stored (the batch's transaction rolls back).
"""

from __future__ import annotations

import logging
import math
import os
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from sync import protocol
from county import auth, batches, body, reports, rows
from county.errors import ApiError, bad_request
from county.rate_limits import RateLimiter
from county.store import CountyStore

log = logging.getLogger("county")

ADMIN_TOKEN_ENV = "COUNTY_ADMIN_TOKEN"


@dataclass
class Limits:
    max_body: int = protocol.MAX_COMPRESSED_BYTES
    max_inflated: int = protocol.MAX_DECOMPRESSED_BYTES
    #: Requests per second per station token, and burst.
    rate: float = 50.0
    burst: float = 200.0
    #: Requests per second and burst per client address, checked before any token is looked up
    #: (None: twice the per-token figures, room for a few stations behind one NAT).
    address_rate: float | None = None
    address_burst: float | None = None
    #: Seconds a whole request body may take to arrive, and the longest wait for its next piece.
    body_timeout: float = 300.0
    body_idle_timeout: float = 30.0
    #: Limits held in the store, shared by every county process on the database.
    shared_limits: bool = True


def _error(exc: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body().model_dump(mode="json"), status_code=exc.status, headers=headers)


def _address(request: Request) -> str:
    """The peer's address, or the one a trusted proxy forwarded (``serve --trusted-proxy``)."""
    return request.client.host if request.client else "?"


def create_app(store: CountyStore, limits: Limits | None = None) -> FastAPI:
    limits = limits or Limits()
    lease = store.lease_permits if limits.shared_limits else None
    per_token = RateLimiter(limits.rate, limits.burst, lease)
    per_address = RateLimiter(
        limits.rate * 2 if limits.address_rate is None else limits.address_rate,
        limits.burst * 2 if limits.address_burst is None else limits.address_burst,
        lease,
    )
    app = FastAPI(
        title="县新时代文明实践中心 · 同步服务", version=str(protocol.PROTOCOL_VERSION), docs_url=None, redoc_url=None
    )
    app.state.store = store

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = (
            {"Retry-After": str(max(1, round(exc.extra["retry_after"])))} if exc.extra.get("retry_after") else None
        )
        if exc.status == 408:
            # The rest of the body may still come: the connection cannot carry another request.
            headers = {"Connection": "close"}
        return _error(exc, headers)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _exc: ClientDisconnect) -> JSONResponse:
        # A village link that dropped mid-upload: nothing was stored, the station sends it again.
        log.info("client %s went away during %s %s; nothing stored", _address(request), request.method, request.url.path)
        return _error(bad_request("连接在上传途中断开", "client disconnected"))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(
            bad_request(f"请求参数不对：{where} {first.get('msg', '')}", f"bad request: {where} {first.get('msg', '')}")
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "bad_request" if exc.status_code < 500 else "server_error"
        return JSONResponse(
            protocol.ErrorBody(
                error=code, message=f"请求无法处理（{exc.status_code}）", message_en=str(exc.detail)
            ).model_dump(mode="json"),
            status_code=exc.status_code,
        )

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("store unavailable on %s %s: %s", request.method, request.url.path, exc)
        return _error(
            ApiError(
                503,
                "unavailable",
                "县中心数据库暂时不可用，请稍后再同步，本站数据已安全保存在本机。",
                "county store unavailable; retry later",
                retry_after=30.0,
            ),
            {"Retry-After": "30"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(
            ApiError(
                500,
                "server_error",
                "县中心内部出错，本次上传未保存任何内容，请稍后再试。" if request.url.path == protocol.BATCHES_PATH
                else "县中心内部出错，本次请求未能完成，请稍后再试。",
                f"internal error ({type(exc).__name__}); "
                + ("nothing was stored, retry later" if request.url.path == protocol.BATCHES_PATH else "retry later"),
            )
        )

    async def throttle(limiter: RateLimiter, key: str) -> None:
        wait = limiter.take(key)
        if wait is None:
            wait = await run_in_threadpool(limiter.lease, key)
        if wait:
            raise ApiError(
                429,
                "rate_limited",
                f"请求太频繁，请 {math.ceil(wait)} 秒后再试。",
                f"rate limited; retry in {wait:.1f}s",
                retry_after=wait,
            )

    async def by_address(request: Request) -> None:
        """Before anything is looked up: a flood of made-up tokens or codes costs no database work."""
        await throttle(per_address, f"ip:{_address(request)}")

    async def station_of(request: Request) -> Any:
        await by_address(request)
        token = auth.bearer(request.headers.get("authorization"))
        station = await run_in_threadpool(store.authenticate, token)
        await throttle(per_token, f"t:{auth.digest(token)}")
        return station

    async def raw_body(request: Request) -> bytes:
        return await body.read_body(
            request.stream(),
            content_length=request.headers.get("content-length"),
            content_encoding=request.headers.get("content-encoding"),
            max_body=limits.max_body,
            max_inflated=limits.max_inflated,
            deadline=limits.body_timeout,
            idle_timeout=limits.body_idle_timeout,
        )

    @app.get(protocol.HEALTH_PATH)
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "supported": protocol.supported_window().model_dump(),
            "server_time": protocol.utc_now(),
        }

    @app.post(protocol.ENROLL_PATH)
    async def enroll(request: Request) -> JSONResponse:
        await by_address(request)
        data = body.parse_json(await raw_body(request))
        if isinstance(data, dict):
            batches.check_versions(
                data.get("protocol_version", protocol.PROTOCOL_VERSION),
                data.get("schema_version", protocol.MIN_SCHEMA_VERSION),
            )
        try:
            req = protocol.EnrollRequest.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise bad_request(
                f"注册请求格式不对：{where} {first.get('msg')}", f"malformed enrollment: {where}"
            ) from None
        if not all(
            rows.clean_text(v) for v in (req.enrollment_code, req.epoch, req.app_version, req.station_code or "")
        ):
            raise bad_request(
                "注册请求含有控制字符或无效的 Unicode 字符", "enrollment has control or invalid characters"
            )
        result = await run_in_threadpool(store.enroll, req)
        return JSONResponse(result.model_dump(mode="json"))

    @app.get(protocol.ACK_PATH)
    async def ack(request: Request, epoch: str) -> JSONResponse:
        station = await station_of(request)
        if not 1 <= len(epoch) <= 64 or not rows.clean_text(epoch):
            raise bad_request("epoch 参数不对", "epoch must be 1-64 characters")
        result = await run_in_threadpool(store.ack_status, station, epoch)
        return JSONResponse(result.model_dump(mode="json"))

    @app.post(protocol.BATCHES_PATH)
    async def upload(request: Request) -> JSONResponse:
        station = await station_of(request)
        raw = await raw_body(request)
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
            store.apply, station, parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items
        )
        return JSONResponse(result)

    @app.get(protocol.REPORT_PATH)
    async def report(request: Request, year: int | None = None, month: int | None = None) -> JSONResponse:
        await by_address(request)
        token = auth.bearer(request.headers.get("authorization"))
        configured = os.environ.get(ADMIN_TOKEN_ENV)
        allowed = bool(token) and (
            (configured is not None and secrets.compare_digest(token.encode(), configured.encode()))
            or await run_in_threadpool(store.is_admin, token)
        )
        if not allowed:
            raise ApiError(
                403,
                "forbidden",
                "查看汇总需要县中心管理员凭证（county-center admin-token）。",
                "the report needs the county admin token",
            )
        try:
            data = await run_in_threadpool(reports.build, store, year, month)
        except ValueError as exc:
            raise bad_request(str(exc), str(exc)) from None
        return JSONResponse(data)

    return app
