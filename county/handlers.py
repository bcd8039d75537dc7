"""Every answer that is not a success is an ``ErrorBody``, whatever went wrong."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from county.deps import client_address
from county.errors import ApiError, bad_request
from sync import protocol

log = logging.getLogger("county")


def error_response(exc: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body().model_dump(mode="json"), status_code=exc.status, headers=headers)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"Retry-After": str(max(1, round(exc.extra["retry_after"])))} if exc.extra.get("retry_after") else None
    if exc.status == 408:
        # The rest of the body may still come: the connection cannot carry another request.
        headers = {"Connection": "close"}
    return error_response(exc, headers)


async def _gone(request: Request, _exc: Exception) -> JSONResponse:
    # A village link that dropped mid-upload: nothing was stored, the station sends it again
    # (a photo chunk is the exception: what arrived of it was kept, county/routes/photos.py).
    kept = "what arrived was kept" if request.url.path.startswith(protocol.PHOTOS_PATH + "/") else "nothing stored"
    log.info("client %s went away during %s %s; %s", client_address(request), request.method, request.url.path, kept)
    return error_response(bad_request("连接在上传途中断开", "client disconnected"))


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return error_response(
        bad_request(f"请求参数不对：{where} {first.get('msg', '')}", f"bad request: {where} {first.get('msg', '')}")
    )


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code: protocol.ErrorCode = "bad_request" if exc.status_code < 500 else "server_error"
    return JSONResponse(
        protocol.ErrorBody(
            error=code, message=f"请求无法处理（{exc.status_code}）", message_en=str(exc.detail)
        ).model_dump(mode="json"),
        status_code=exc.status_code,
    )


def _for_staff(request: Request) -> bool:
    """County staff ask for the report; everything else is asked by a station."""
    return request.url.path == protocol.REPORT_PATH


async def _db_down(request: Request, exc: Exception) -> JSONResponse:
    log.error("store unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        ApiError(
            503,
            "unavailable",
            "县中心数据库暂时不可用，汇总暂时无法生成，请稍后再试。"
            if _for_staff(request)
            else "县中心数据库暂时不可用，请稍后再同步，本站数据已安全保存在本机。",
            "county store unavailable; retry later",
            retry_after=30.0,
        ),
        {"Retry-After": "30"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    upload = request.url.path == protocol.BATCHES_PATH
    return error_response(
        ApiError(
            500,
            "server_error",
            "县中心内部出错，本次上传未保存任何内容，请稍后再试。"
            if upload
            else "县中心内部出错，汇总未能生成，请稍后再试。"
            if _for_staff(request)
            else "县中心内部出错，本次请求未能完成，请稍后再试。",
            f"internal error ({type(exc).__name__}); "
            + ("nothing was stored, retry later" if upload else "retry later"),
        )
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ClientDisconnect, _gone)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _db_down)
    app.add_exception_handler(Exception, _unexpected)
