"""``county-center ledger`` (and ``GET /api/v1/ledger``): a station's 台账 made at the county
from the county's copy of its records, for an inspection without going to the village.

It is the station's own document, not a second one: the station's rows as the county holds
them are put into a new station database in a temporary directory (station_tui/storage/
replica.py: the station's own migrations, the rows as its capture triggers wrote them, what the
county published for it), and the station's own builder (station_tui/reports/ledger.py, with
ledger_docx.py and ledger_xlsx.py) reads it. So the same records give the same pages, the same
numbers and the same masking (no phone or ID number is printed; the replica does not even hold
them). This is the one place the county runs station code: lazily, inside the functions below,
so ``county`` and its server import none of it until a ledger is asked for, and the replica is
the county's own file, made and deleted here: the county never opens a station's database.

The monthly minimums the summary measures against are those the county published for the
station (as the station's dashboard and ledger use them); where it published none, the
station's defaults (a station's own settings.json never reaches the county).

Photos: the ledger takes each photo's file through one lookup, ``sha256 -> Path | None``:
a folder given with ``--photos-from`` first (a copy of the station's photo folder, for photos
not uploaded yet), then the county's own photo store (county/photo_store.py: the files
``station sync`` uploaded, on disk or in the database). A photo whose file the county does not
have is left out of its page with a note (“（1 张照片未上传）”), never an error.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select

from county import feed
from county.errors import ApiError
from county.schema import records
from sync.protocol import API_PREFIX

if TYPE_CHECKING:
    from county.photo_store import PhotoStore
    from county.store import CountyStore, StationRow

#: GET ?station=CODE&month=YYYY-MM (or &year=YYYY)&format=docx|xlsx (admin token): the file.
LEDGER_PATH = f"{API_PREFIX}/ledger"
FORMATS = ("docx", "xlsx")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: What a page says of a photo whose file the county does not hold.
MISSING_NOTE = "照片未上传"

PhotoLookup = Callable[[str], "Path | None"]


class EmptyPeriod(ApiError):
    """The station has no lecture or activity in the period: no file is written."""

    def __init__(self, code: str, period: str) -> None:
        super().__init__(
            404, "bad_request",
            f"站点 {code} 在 {period} 没有宣讲和活动记录（该月没有记录），没有生成台账",
            f"station {code} has no lectures or activities in {period}; no file written",
        )  # fmt: skip


@dataclass
class Built:
    path: Path
    code: str
    name: str
    period: str
    sheets: int
    photos: int
    missing_photos: int
    #: Rows of the county's copy the station's schema refused ("table id: reason").
    skipped: list[str] = field(default_factory=list)


def parse_period(month: str | None, year: str | None) -> tuple[int, int | None]:
    """``2026-11`` or ``2026``; ``ValueError`` in both languages otherwise."""
    text = (month if month is not None else year or "").strip()
    found = re.fullmatch(r"([12][0-9]{3})(?:-(0?[1-9]|1[0-2]))?", text)
    if found is None or (month is not None and found.group(2) is None) or (month is None and found.group(2)):
        wanted = "2026-11" if month is not None else "2026"
        raise ValueError(f"期间 {text[:20]!r} 看不懂，请写成 {wanted}。\nUnreadable period; write {wanted}.")
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def county_photos(photos: PhotoStore | None, work: Path) -> PhotoLookup:
    """The photo files the county itself holds, by SHA-256: a file kept on disk as it is, one
    kept in the database written under ``work`` (the ledger's temporary directory, deleted
    afterwards); None when the county does not hold it whole."""
    if photos is None:
        return lambda _sha: None

    def find(sha256: str) -> Path | None:
        on_disk = photos.path(sha256)
        if on_disk is not None:
            return on_disk
        data = photos.open(sha256)
        if data is None:
            return None
        copy = work / "photos" / f"{sha256}.jpg"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(data)
        return copy

    return find


def photo_lookup(photos_dir: Path | None, then: PhotoLookup | None = None) -> PhotoLookup:
    """A photo's file in ``photos_dir`` (``--photos-from``: a copy of a station's ``<db>-photos``
    folder, ``ab/abcd….jpg``, or files named ``<sha256>.jpg`` side by side), else ``then``'s."""

    def find(sha256: str) -> Path | None:
        if photos_dir is not None and re.fullmatch(r"[0-9a-f]{64}", sha256):
            for candidate in (photos_dir / sha256[:2] / f"{sha256}.jpg", photos_dir / f"{sha256}.jpg"):
                if candidate.is_file():
                    return candidate
        return then(sha256) if then is not None else None

    return find


def build(
    store: CountyStore,
    code: str,
    year: int,
    month: int | None,
    fmt: str,
    output: Path | None = None,
    *,
    out_dir: Path | None = None,
    photos_dir: Path | None = None,
    photo_store: PhotoStore | None = None,
    made_on: date | None = None,
) -> Built:
    """Write station ``code``'s ledger of the period to ``output`` (default: the station's own
    file name in ``out_dir`` or the current directory). Photos come from ``photos_dir`` when
    given, else from the county's ``photo_store``. ``ApiError`` for an unknown station,
    a station that never synced, or an empty period (nothing written then)."""
    from station_tui.config import default_minimums
    from station_tui.reports import ledger
    from station_tui.storage import replica

    if fmt not in FORMATS:
        raise ApiError(400, "bad_request", f"格式应为 {' 或 '.join(FORMATS)}", f"format must be one of {FORMATS}")
    with tempfile.TemporaryDirectory(prefix="county-ledger-") as work:
        with store._reading() as conn:
            station = store._station_by_code(conn, code)
            copy = replica.build(Path(work) / "station.db", _rows(conn, station), feed.reaching(conn, station))
        try:
            if copy.store.station.current() is None:
                raise ApiError(
                    404, "bad_request",
                    f"站点 {station.code}（{station.name}）还没有同步过站点信息，县中心没有它的台账可印",
                    f"station {station.code} has not synced its station record yet",
                )  # fmt: skip
            try:
                photos = photo_lookup(photos_dir, county_photos(photo_store, Path(work)))
                data = ledger.gather(copy.store, year, month, default_minimums(), made_on=made_on or date.today(),
                                     photo_path=photos, missing_note=MISSING_NOTE)
            except ledger.EmptyPeriod:
                raise EmptyPeriod(station.code, _period(year, month)) from None
        finally:
            copy.store.close()
        path = output or (out_dir or Path()) / ledger.default_name(data.station_name, data.period, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        ledger.save(data, path, fmt)
    printed, missing = ledger.photos_said(data)
    return Built(path=path, code=station.code, name=data.station_name, period=data.period,
                 sheets=len(data.sheets), photos=printed, missing_photos=missing, skipped=copy.skipped)  # fmt: skip


def _period(year: int, month: int | None) -> str:
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _rows(conn: Any, station: StationRow) -> Iterator[tuple[str, str]]:
    """Every row the county holds for the station (tombstones too), table by table in the
    station's dependency order, streamed."""
    from station_tui.domain.kinds import SYNCED_TABLES

    for table in SYNCED_TABLES:
        result = conn.execution_options(yield_per=1000).execute(
            select(records.c.row_json)
            .where(and_(records.c.station_id == station.id, records.c.tbl == table))
            .order_by(records.c.record_id)
        )
        for (row_json,) in result:
            yield table, row_json



