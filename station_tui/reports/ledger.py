"""The 台账 a station is inspected on: for a month or a year, a sheet per lecture and activity
(date, time, place, theme, platform, organizer, speaker, people reached, volunteers with their
hours, summary, photos, recorder) and then the period's summary (each platform against the
county's minimums, person-times, hours).

This module reads the records into plain data (``Ledger``); ``ledger_docx`` and
``ledger_xlsx`` write it. The numbers are the figures' own (``storage/figures.py``), so a
ledger and ``station status --json`` for the same month always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.domain.hours import format_tenths
from station_tui.domain.periods import period_bounds
from station_tui.domain.request_flow import average_tenths
from station_tui.domain.vocab import PLATFORMS
from station_tui.reports.files import write_whole

if TYPE_CHECKING:
    from collections.abc import Callable

    from station_tui.storage.store import Store

    #: Where a photo's file is, by its SHA-256: None when this computer does not have it.
    PhotoLookup = Callable[[str], Path | None]

#: At most this many photos of a record go into its sheet: inspectors want to see the event
#: happened, not the album.
PHOTOS_PER_SHEET = 4


@dataclass(frozen=True)
class Helper:
    """A named person on the roster who served: 宣讲员 or 志愿者, with the hours credited."""

    name: str
    role: str
    tenths: int


@dataclass(frozen=True)
class Sheet:
    kind: str  # "lecture" / "activity"
    date: date
    time: str
    place: str
    theme: str
    platform: str
    organizer: str
    speaker: str
    reached: int
    helpers: tuple[Helper, ...]
    summary: str
    photos: tuple[Path, ...]
    captions: tuple[str, ...]
    recorder: str
    #: Photos of the sheet (among its first ``PHOTOS_PER_SHEET``) whose file is not here: the
    #: page says so instead of printing them (at the county: not uploaded yet).
    missing_photos: int = 0

    @property
    def photo_count(self) -> int:
        """The photos the sheet stands for, printed or not: the same at the station and the county."""
        return len(self.photos) + self.missing_photos

    @property
    def helper_tenths(self) -> int:
        return sum(h.tenths for h in self.helpers)


@dataclass
class Ledger:
    station_name: str
    station_code: str
    township: str
    county: str
    manager: str
    period: str  # "2026-11" or "2026"
    sheets: list[Sheet]
    figures: dict[str, Any]
    #: Per platform: (done, the county's monthly minimum × months in the period).
    against_minimums: dict[str, tuple[int, int]] = field(default_factory=dict)
    made_on: date = field(default_factory=date.today)
    #: What a sheet says of photos whose file is not here: "照片文件缺失" at the station,
    #: "照片未上传" at the county.
    missing_note: str = "照片文件缺失"

    @property
    def title(self) -> str:
        return f"{self.station_name} {self.period} 台账"


class EmptyPeriod(LookupError):
    """Nothing to put in a ledger: the caller says so instead of writing an empty file."""


def station_photos(db_path: Path) -> PhotoLookup:
    """The station's own photo files: ``<db stem>-photos/`` beside its database."""
    from station_tui.storage.photos import file_of

    def find(sha256: str) -> Path | None:
        path = file_of(db_path, sha256)
        return path if path.is_file() else None

    return find


def gather(store: Store, year: int, month: int | None, minimums: dict[str, int], *,
           made_on: date | None = None, photo_path: PhotoLookup | None = None,
           missing_note: str = "照片文件缺失") -> Ledger:
    """Read the period's ledger. ``minimums`` are the settings' monthly minimums, used when the
    county published none (as the dashboard measures). ``photo_path`` finds a photo's file by
    its hash (default: the station's photo directory); a photo it does not find is counted
    on its sheet, not printed."""
    from station_tui.storage import figures

    find = photo_path or station_photos(store.path)

    bounds = period_bounds(year, month)
    assert bounds is not None
    station = store.station.current()
    if station is None:
        raise LookupError("本站信息尚未设置")
    recorder = station.manager or ""
    with store.snapshot() as conn:
        events = conn.execute(
            f"""SELECT 'lecture' AS kind, e.id, e.date, e.start_time, e.end_time, e.place, v.name AS venue,
                       e.topic AS theme, '理论宣讲' AS platform, NULL AS team, e.speaker, e.summary,
                       {figures.counted_sql('audience', 'lecture_id')} AS reached, e.created_at
                FROM lectures e LEFT JOIN venues v ON v.id = e.venue_id
                WHERE e.deleted = 0 AND e.date >= ? AND e.date < ?
                UNION ALL
                SELECT 'activity', e.id, e.date, e.start_time, e.end_time, e.place, v.name,
                       e.title, e.platform, t.name, leader.name, e.summary,
                       {figures.counted_sql('served', 'activity_id')}, e.created_at
                FROM activities e LEFT JOIN venues v ON v.id = e.venue_id LEFT JOIN teams t ON t.id = e.team_id
                     LEFT JOIN people leader ON leader.id = t.leader_id
                WHERE e.deleted = 0 AND e.date >= ? AND e.date < ?
                ORDER BY 3, 4, 14""",
            (*bounds, *bounds),
        ).fetchall()
        if not events:
            raise EmptyPeriod(f"{_period(year, month)} 没有宣讲和活动记录，没有生成台账")
        helpers: dict[str, list[Helper]] = {}
        for row in conn.execute(
            """SELECT COALESCE(a.lecture_id, a.activity_id) AS event_id, p.name, a.role, a.credited_tenths
               FROM attendance a JOIN people p ON p.id = a.person_id
               WHERE a.deleted = 0 AND a.role IN ('宣讲员', '志愿者')
                 AND COALESCE(a.lecture_id, a.activity_id) IN (
                     SELECT id FROM lectures WHERE deleted = 0 AND date >= ? AND date < ?
                     UNION ALL SELECT id FROM activities WHERE deleted = 0 AND date >= ? AND date < ?)
               ORDER BY a.role DESC, p.pinyin_full, p.name""",
            (*bounds, *bounds),
        ):
            helpers.setdefault(row["event_id"], []).append(Helper(row["name"], row["role"], row["credited_tenths"]))
        photos: dict[str, list[tuple[str, str]]] = {}
        for row in conn.execute(
            """SELECT record_id, sha256, COALESCE(caption, '') AS caption FROM photos
               WHERE deleted = 0 AND record_table IN ('lectures', 'activities') ORDER BY created_at, id"""
        ):
            photos.setdefault(row["record_id"], []).append((row["sha256"], row["caption"]))
    sheets = []
    for e in events:
        mine = []
        missing = 0
        for sha, caption in photos.get(e["id"], [])[:PHOTOS_PER_SHEET]:
            found = find(sha)
            if found is None:
                missing += 1
            else:
                mine.append((found, caption))
        named = helpers.get(e["id"], [])
        speaker = e["speaker"] or "、".join(h.name for h in named if h.role == "宣讲员")
        sheets.append(Sheet(
            kind=e["kind"], date=date.fromisoformat(e["date"]), time=_time(e["start_time"], e["end_time"]),
            place=_place(e["venue"], e["place"]), theme=e["theme"], platform=e["platform"],
            organizer=e["team"] or station.name, speaker=speaker or "", reached=int(e["reached"]),
            helpers=tuple(named), summary=e["summary"] or "",
            photos=tuple(p for p, _ in mine), captions=tuple(c for _, c in mine),
            recorder=recorder, missing_photos=missing,
        ))
    numbers = figures.numbers(store, year, month)
    minimums, _ = store.county_word.minimums_or(minimums)
    months = 1 if month else 12
    done = {"理论宣讲": numbers["lectures"], **{p: n for p, n in numbers["activities_by_platform"].items()
                                               if p != "理论宣讲"}}
    return Ledger(
        station_name=station.name, station_code=station.code, township=station.township, county=station.county,
        manager=station.manager or "", period=_period(year, month), sheets=sheets, figures=numbers,
        against_minimums={p: (done.get(p, 0), minimums.get(p, 0) * months) for p in PLATFORMS},
        made_on=made_on or date.today(), missing_note=missing_note,
    )


def default_name(station_name: str, period: str, fmt: str) -> str:
    return f"台账-{station_name}-{period}.{fmt}"


def save(ledger: Ledger, path: Path, fmt: str) -> None:
    """Write the ledger as ``fmt`` (docx or xlsx) to a temporary name and rename it, so a crash
    or a full disk never leaves half a document where the last good one was. ``OSError`` when
    it cannot be written (nothing is left behind)."""
    from station_tui.reports import ledger_docx, ledger_xlsx

    writer = ledger_docx.write if fmt == "docx" else ledger_xlsx.write
    write_whole(path, lambda partial: writer(ledger, partial))


def photos_said(ledger: Ledger) -> tuple[int, int]:
    """Photos printed, and photos left out because their file is not here."""
    return sum(len(s.photos) for s in ledger.sheets), sum(s.missing_photos for s in ledger.sheets)


def summary_lines(ledger: Ledger) -> list[tuple[str, str]]:
    """The period's summary as (what, how much) lines, the same in docx and xlsx."""
    f = ledger.figures
    lines = [
        ("理论宣讲", f"{f['lectures']} 场，覆盖 {f['lecture_audience']} 人次"),
        ("文明实践活动", f"{f['activities']} 场，服务 {f['activity_served']} 人次"),
    ]
    for platform, (done, needed) in ledger.against_minimums.items():
        verdict = "达到" if done >= needed else f"差 {needed - done} 场"
        lines.append((f"  {platform}", f"{done} 场（要求不少于 {needed} 场，{verdict}）"))
    lines += [
        ("活动计划", f"计划 {f.get('plan_items', 0)} 项，已完成 {f.get('plan_items_done', 0)} 项"),
        ("签到人次", f"{f['attendance']} 人次"),
        ("志愿服务时长", f"{format_tenths(f['volunteer_tenths'])} 小时"),
        ("登记人员", f"{f['people']} 人，其中志愿者 {f['volunteers']} 人"),
    ]
    if "requests_received" in f:
        tenths = average_tenths(f["rating_sum"], f["rating_count"])
        rating = format_tenths(tenths) if tenths is not None else None
        lines.append(("群众点单", f"收到 {f['requests_received']} 件，办结 {f['requests_completed']} 件，"
                                  f"上报 {f['requests_escalated']} 件，满意度 {rating or '暂无评价'}"))
    return lines



def _period(year: int, month: int | None) -> str:
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _place(venue: str | None, place: str | None) -> str:
    """The venue and the place typed, each once (a place typed as the venue's name is the venue)."""
    if venue and place and (venue in place or place in venue):
        return place if len(place) >= len(venue) else venue
    return "，".join(p for p in (venue, place) if p)


def _time(start: str | None, end: str | None) -> str:
    if start and end:
        return f"{start[:5]}-{end[:5]}"
    return (start or "")[:5]
