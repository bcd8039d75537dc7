"""FastAPI dependencies: who is asking (address, station token, admin token) and the body.

Order matters and is the point: the address is throttled before any token or code is looked
up, so a flood of made-up tokens costs no database work."""

from __future__ import annotations

import math
import os
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from county import auth, body
from county.context import CountyContext
from county.errors import ApiError
from county.rate_limits import RateLimiter
from county.store import StationRow

ADMIN_TOKEN_ENV = "COUNTY_ADMIN_TOKEN"

# auto_error=False: a missing or malformed header is the county's own 401 (ErrorBody), not
# FastAPI's; the scheme is declared so the OpenAPI schema says how to authenticate.
_station_bearer = HTTPBearer(
    auto_error=False, scheme_name="station_token", description="`station_token` from /api/v1/enroll"
)
_admin_bearer = HTTPBearer(
    auto_error=False, scheme_name="admin_token", description="`county-center admin-token` or $COUNTY_ADMIN_TOKEN"
)


def county_context(request: Request) -> CountyContext:
    context: CountyContext = request.app.state.county
    return context


Context = Annotated[CountyContext, Depends(county_context)]


def client_address(request: Request) -> str:
    """The peer's address, or the one a trusted proxy forwarded (``serve --trusted-proxy``)."""
    return request.client.host if request.client else "?"


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


async def throttled_address(request: Request, context: Context) -> str:
    address = client_address(request)
    await throttle(context.per_address, f"ip:{address}")
    return address


Address = Annotated[str, Depends(throttled_address)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials.strip() or None if credentials is not None else None


async def current_station(
    _address: Address,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_station_bearer)],
) -> StationRow:
    """The station the bearer token belongs to (401 otherwise), then its own throttle."""
    token = _token(credentials)
    station = await run_in_threadpool(context.store.authenticate, token)
    await throttle(context.per_token, f"t:{auth.digest(token or '')}")
    return station


CurrentStation = Annotated[StationRow, Depends(current_station)]


async def require_admin(
    _address: Address,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    token = _token(credentials)
    configured = os.environ.get(ADMIN_TOKEN_ENV)
    allowed = token is not None and (
        (configured is not None and secrets.compare_digest(token.encode(), configured.encode()))
        or await run_in_threadpool(context.store.is_admin, token)
    )
    if not allowed:
        raise ApiError(
            403,
            "forbidden",
            "这项功能只对县中心工作人员开放，需要县中心管理员凭证（county-center admin-token）。",
            "this needs the county admin token (county-center admin-token)",
        )


async def raw_body(request: Request, context: Context) -> bytes:
    """The request body, bounded in size (before and after gzip) and in time."""
    limits = context.limits
    return await body.read_body(
        request.stream(),
        content_length=request.headers.get("content-length"),
        content_encoding=request.headers.get("content-encoding"),
        max_body=limits.max_body,
        max_inflated=limits.max_inflated,
        deadline=limits.body_timeout,
        idle_timeout=limits.body_idle_timeout,
    )


RawBody = Annotated[bytes, Depends(raw_body)]
