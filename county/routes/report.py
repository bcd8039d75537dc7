"""What county staff call: the report over every station (admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from county import reports
from county.deps import Context, require_admin
from county.errors import bad_request
from sync import protocol

router = APIRouter(tags=["report"])


@router.get(protocol.REPORT_PATH, dependencies=[Depends(require_admin)])
async def report(context: Context, year: int | None = None, month: int | None = None) -> JSONResponse:
    try:
        data = await run_in_threadpool(reports.build, context.store, year, month)
    except ValueError as exc:
        raise bad_request(str(exc), str(exc)) from None
    return JSONResponse(data)
