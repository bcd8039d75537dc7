"""What county staff call: check a 志愿服务记录证明 by its number (admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from county import certificates
from county.deps import Context, require_admin
from county.errors import ApiError
from sync import protocol

router = APIRouter(tags=["certificates"])

#: GET (admin token): the certificate as the county holds it, and its hours against the hours
#: entries its station uploaded (``matches``: 一致).
CERTIFICATE_PATH = f"{protocol.API_PREFIX}/certificates/{{number}}"


@router.get(CERTIFICATE_PATH, dependencies=[Depends(require_admin)])
async def certificate(context: Context, number: str) -> JSONResponse:
    try:
        result = await run_in_threadpool(certificates.check, context.store, number)
    except certificates.UnknownCertificate as exc:
        raise ApiError(404, "bad_request", str(exc), f"no certificate numbered {number!r} was uploaded") from None
    return JSONResponse(result)
