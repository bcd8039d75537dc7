"""Photo files: stations upload them in chunks after their records; county staff fetch them.
Rules: docs/sync-protocol.md, *Photo files*; the store: county/photo_store.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from county import body
from county.deps import Context, CurrentStation, RawBody, require_admin
from county.errors import ApiError, bad_request, too_large
from county.openapi import json_body
from sync import protocol

router = APIRouter(tags=["photos"])

_Sha = Annotated[str, Path(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")]


@router.post(protocol.PHOTOS_STATUS_PATH, openapi_extra=json_body(protocol.PhotoStatusRequest))
async def photo_status(station: CurrentStation, context: Context, raw: RawBody) -> JSONResponse:
    req = body.parse_model(protocol.PhotoStatusRequest, raw, "照片查询格式不对", "malformed photo status")
    answer = await run_in_threadpool(context.photos.status, station, req.sha256)
    return JSONResponse(answer.model_dump(mode="json"))


@router.post(
    protocol.PHOTOS_PATH + "/{sha256}",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def photo_chunk(
    request: Request,
    station: CurrentStation,
    context: Context,
    sha256: _Sha,
    offset: Annotated[int, Query(ge=0, le=protocol.MAX_PHOTO_BYTES)],
) -> JSONResponse:
    """Bytes ``offset``… of the photo. Whatever part of the body arrives before the link is
    cut (or the body stalls) is kept, so the station resends none of it."""
    limits = context.limits
    cap = limits.max_photo_chunk
    encoding = (request.headers.get("content-encoding") or "").strip().lower()
    if encoding not in ("", "identity"):
        raise bad_request("照片分块应原样上传（不压缩）", "send photo chunks raw (no Content-Encoding)")
    body.check_declared_length(request.headers.get("content-length"), cap)
    parts: list[bytes] = []
    got = 0
    try:
        async for piece in body.timed_pieces(
            request.stream(), deadline=limits.body_timeout, idle_timeout=limits.body_idle_timeout
        ):
            got += len(piece)
            if got > cap:
                raise too_large(cap, inflated=False)
            parts.append(piece)
    except (ClientDisconnect, ApiError) as exc:
        if parts and not (isinstance(exc, ApiError) and exc.status == 413):
            # A cut link or a stalled body: what did arrive is kept (the next chunk starts there).
            try:
                await run_in_threadpool(context.photos.append, station, sha256, offset, b"".join(parts))
            except ApiError:
                pass  # (not this station's, or another offset: nothing kept, nothing lost)
        raise
    answer = await run_in_threadpool(context.photos.append, station, sha256, offset, b"".join(parts))
    return JSONResponse(answer.model_dump(mode="json"))


@router.get(protocol.PHOTOS_PATH + "/{sha256}", dependencies=[Depends(require_admin)],
            responses={200: {"content": {"image/jpeg": {}}}})
async def photo_get(context: Context, sha256: _Sha) -> Response:
    """A photo's bytes for county staff (admin token; a station token gets 403)."""
    data = await run_in_threadpool(context.photos.open, sha256)
    if data is None:
        raise ApiError(404, "not_found", "县中心没有这张照片（还没有上传完，或编号不对）。",
                       f"the county holds no photo {sha256}")
    return Response(data, media_type="image/jpeg", headers={
        "ETag": f'"{sha256}"', "Cache-Control": "private, max-age=31536000, immutable"})
