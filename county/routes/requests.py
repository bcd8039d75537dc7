"""What county staff call: the villager requests stations escalated (admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from county import body, requests
from county.deps import Context, RawBody, require_admin
from county.errors import bad_request
from county.openapi import json_body
from sync import protocol

router = APIRouter(tags=["requests"])

#: GET ?township=&state= (admin token); ``state`` defaults to 已上报, 全部 lists every state.
REQUESTS_PATH = f"{protocol.API_PREFIX}/requests"
#: POST (admin token): answer an escalated request; it reaches its station on the next sync.
ANSWER_PATH = f"{REQUESTS_PATH}/answer"


class AnswerRequest(BaseModel):
    station: str = Field(min_length=1, max_length=40)
    request_id: str = Field(min_length=1, max_length=64)
    note: str = Field(min_length=1, max_length=500)
    #: True: served above (上级办结); False: back to the station with the answer (答复退回).
    served: bool = False
    by: str = Field(default="县中心", min_length=1, max_length=40)


@router.get(REQUESTS_PATH, dependencies=[Depends(require_admin)])
async def escalated_requests(
    context: Context, township: str | None = None, state: str = requests.DEFAULT_STATE
) -> JSONResponse:
    try:
        data = await run_in_threadpool(requests.listing, context.store, township, state)
    except ValueError as exc:
        raise bad_request(str(exc), str(exc)) from None
    return JSONResponse({"state": state, "township": township, "requests": data})


@router.post(ANSWER_PATH, dependencies=[Depends(require_admin)], openapi_extra=json_body(AnswerRequest))
async def answer_request(context: Context, raw: RawBody) -> JSONResponse:
    req = body.parse_model(AnswerRequest, raw, "答复格式不对", "malformed answer")
    try:
        item = await run_in_threadpool(
            lambda: requests.answer(context.store, req.station, req.request_id, served=req.served, note=req.note,
                                    by=req.by)
        )
    except ValueError as exc:
        raise bad_request(str(exc), "no such escalated request from that station") from None
    return JSONResponse(item)
