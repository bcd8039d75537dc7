"""What county staff call: the villager requests stations escalated (admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from county import requests
from county.deps import Context, require_admin
from county.errors import bad_request
from sync import protocol

router = APIRouter(tags=["requests"])

#: GET ?township=&state= (admin token); ``state`` defaults to 已上报, 全部 lists every state.
REQUESTS_PATH = f"{protocol.API_PREFIX}/requests"


@router.get(REQUESTS_PATH, dependencies=[Depends(require_admin)])
async def escalated_requests(
    context: Context, township: str | None = None, state: str = requests.DEFAULT_STATE
) -> JSONResponse:
    try:
        data = await run_in_threadpool(requests.listing, context.store, township, state)
    except ValueError as exc:
        raise bad_request(str(exc), str(exc)) from None
    return JSONResponse({"state": state, "township": township, "requests": data})
