"""What county staff call: a station's 台账 as a file (admin token), made as
``county-center ledger`` makes it (county/ledger.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from county import feed, ledger
from county.deps import Context, require_admin
from county.errors import bad_request

router = APIRouter(tags=["ledger"])


@router.get(ledger.LEDGER_PATH, dependencies=[Depends(require_admin)])
async def station_ledger(
    context: Context, station: str, month: str | None = None, year: str | None = None, format: str = "docx"
) -> Response:
    if not 1 <= len(station) <= 40 or not feed.clean_text(station):
        raise bad_request("站点代码不对", "station code must be 1-40 printable characters")
    if (month is None) == (year is None):
        raise bad_request("请给出 month（如 2026-11）或 year（如 2026）之一", "give month=YYYY-MM or year=YYYY")
    try:
        y, m = ledger.parse_period(month, year)
    except ValueError as exc:
        zh, _, en = str(exc).partition("\n")
        raise bad_request(zh, en or zh) from None
    if format not in ledger.FORMATS:
        raise bad_request("format 应为 docx 或 xlsx", "format must be docx or xlsx")

    def make() -> tuple[bytes, str]:
        with tempfile.TemporaryDirectory(prefix="county-ledger-out-") as out:
            built = ledger.build(context.store, station, y, m, format, out_dir=Path(out), photo_store=context.photos)
            return built.path.read_bytes(), built.path.name

    content, name = await run_in_threadpool(make)
    return Response(
        content,
        media_type=ledger.MEDIA_TYPES[format],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
