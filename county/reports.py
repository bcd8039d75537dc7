"""The county report: per station, per township and in total, the same ``figures`` that
``station status --json`` prints, computed with the same rules over the county's copy of
each station's records (station_tui/storage/figures.py is the reference).

Deleted records count nowhere; hours are summed in integer tenths and formatted once.
A record that breaks the county's row rules (held from before they had their bounds: a
20-digit audience) counts nowhere either; the report lists it under ``excluded``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from county import ratings
from county import rows as row_rules
from station_tui.domain.hours import format_tenths
from station_tui.domain.models import Figures
from station_tui.domain.periods import period_bounds
from station_tui.domain.vocab import PLATFORMS, SERVED_REQUEST_STATES
from station_tui.domain.widths import cell_width, pad

_TABLES = (
    "lectures", "activities", "attendance", "people", "plans", "plan_items", "teams", "hours_entries", "requests",
)


@dataclass
class _StationRows:
    lectures: dict[str, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    people: int = 0
    volunteers: int = 0
    #: Every live event's id, whatever its date: a plan item is done when matched to one.
    live_events: set[str] = field(default_factory=set)
    #: Live plan id → its month (YYYY-MM); plan items as (plan id, lecture id, activity id).
    plan_months: dict[str, str] = field(default_factory=dict)
    plan_items: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    teams: int = 0
    #: The hours ledger's entries dated in the period: only their hours are needed.
    ledger_tenths: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)


def _in_period(row: dict[str, Any], bounds: tuple[str, str] | None, day: str = "date") -> bool:
    return bounds is None or bounds[0] <= row[day] < bounds[1]


def _tally(rows: _StationRows) -> Figures:
    """One station's figures, by the rules of station_tui/storage/figures.py."""
    t = Figures(people=rows.people, volunteers=rows.volunteers, teams=rows.teams,
                hours_credited_tenths=rows.ledger_tenths)
    signed: dict[tuple[str, str], int] = defaultdict(int)  # named 群众 + headcounts per event
    for a in rows.attendance:
        key = ("lecture", a["lecture_id"]) if a.get("lecture_id") is not None else ("activity", a["activity_id"])
        if a.get("person_id") is not None:
            signed[key] += 1 if a.get("role") == "群众" else 0
        else:
            signed[key] += a.get("headcount") or 0
        event = rows.lectures.get(key[1]) if key[0] == "lecture" else rows.activities.get(key[1])
        if event is not None:
            t.volunteer_tenths += a.get("credited_tenths") or 0
            t.attendance += 1 if a.get("person_id") is not None else a["headcount"]
    for lid, lecture in rows.lectures.items():
        t.lectures += 1
        t.lecture_audience += max(lecture["audience"], signed.get(("lecture", lid), 0))
    for aid, activity in rows.activities.items():
        t.activities += 1
        t.activity_served += max(activity["served"], signed.get(("activity", aid), 0))
        t.activities_by_platform[activity["platform"]] += 1
        t.volunteer_tenths += activity["volunteer_tenths"]
    t.brand_projects = len({a.get("brand_project") for a in rows.activities.values()} - {None, ""})
    for request in rows.requests:
        t.requests_received += 1
        t.requests_completed += request["state"] in SERVED_REQUEST_STATES
        t.requests_escalated += request.get("escalated_to") is not None
        if request.get("rating") is not None:
            t.rating_sum += request["rating"]
            t.rating_count += 1
    return t


def _tally_plans(rows: _StationRows, bounds: tuple[str, str] | None, t: Figures) -> None:
    """Plan items of the plans whose month lies in the period; done when matched to a live
    lecture or activity (by the rules of station_tui/storage/plan_figures.py)."""
    for plan_id, lecture_id, activity_id in rows.plan_items:
        month = rows.plan_months.get(plan_id)
        if month is None or (bounds is not None and not bounds[0] <= f"{month}-01" < bounds[1]):
            continue
        t.plan_items += 1
        if (lecture_id is not None and lecture_id in rows.live_events) or (
            activity_id is not None and activity_id in rows.live_events
        ):
            t.plan_items_done += 1


def build(store: Any, year: int | None, month: int | None = None) -> dict[str, Any]:
    """The report as JSON-ready data (shape in docs and README)."""
    bounds = period_bounds(year, month)
    per_station: dict[int, _StationRows] = defaultdict(_StationRows)
    excluded: list[tuple[int, str, str, str]] = []
    for station_id, tbl, row_json in store.live_rows((*_TABLES, "self_check_reviews")):
        problem = row_rules.stored_problem(tbl, row_json)
        if problem is not None:
            excluded.append((station_id, tbl, _record_id(row_json), problem))
            continue
        row = json.loads(row_json)
        bucket = per_station[station_id]
        if tbl == "people":
            bucket.people += 1
            bucket.volunteers += 1 if row.get("is_volunteer") else 0
        elif tbl == "teams":
            bucket.teams += 1
        elif tbl == "attendance":
            bucket.attendance.append(row)
        elif tbl == "self_check_reviews":
            continue  # checked here only to be listed when excluded; ratings.latest reads them
        elif tbl == "plans":
            bucket.plan_months[row["id"]] = row["month"]
        elif tbl == "plan_items":
            bucket.plan_items.append((row["plan_id"], row.get("lecture_id"), row.get("activity_id")))
        elif tbl == "hours_entries":
            if _in_period(row, bounds):
                bucket.ledger_tenths += row["tenths"]
        elif tbl == "requests":
            if _in_period(row, bounds, "received_on"):
                bucket.requests.append(row)
        else:
            bucket.live_events.add(row["id"])
            if _in_period(row, bounds):
                getattr(bucket, tbl)[row["id"]] = row

    total = Figures()
    townships: dict[str, Figures] = {}
    stations_out: list[dict[str, Any]] = []
    rated = ratings.latest(store, year)
    for s in store.all_stations():
        station_rows = per_station.get(s["id"], _StationRows())
        tally = _tally(station_rows)
        _tally_plans(station_rows, bounds, tally)
        total.add(tally)
        townships.setdefault(s["township"], Figures()).add(tally)
        stations_out.append(
            {
                "code": s["code"],
                "name": s["name"],
                "township": s["township"],
                "last_sync": s["last_sync"],
                **tally.as_json(),
                "ratings": rated.get(s["id"]),
            }
        )
    codes = {s["id"]: s["code"] for s in store.all_stations()}
    return {
        "period": None if year is None else (f"{year:04d}-{month:02d}" if month else f"{year:04d}"),
        "total": {**total.as_json(), "stations": len(stations_out)},
        "townships": [{"name": name, **t.as_json()} for name, t in sorted(townships.items())],
        "stations": stations_out,
        "excluded": [{"code": codes.get(sid), "table": tbl, "id": rid, "reason": why}
                     for sid, tbl, rid, why in excluded],
    }


def _record_id(row_json: str) -> str:
    """A stored record's id for the list of excluded ones (stored ids passed the id rule)."""
    try:
        rid = json.loads(row_json).get("id")
    except (ValueError, RecursionError, AttributeError):
        return "?"
    return rid if isinstance(rid, str) else "?"


def excluded_note(report: dict[str, Any]) -> str | None:
    """One line saying how many records the figures leave out, and where they are listed."""
    n = len(report.get("excluded") or ())
    if not n:
        return None
    return (f"另有 {n} 条记录不合县中心的规则（如人数、时长超出上限），未计入汇总；"
            f"详见 --format json 的 excluded。 {n} record(s) break the row rules and are not counted.")


# -- output formats ---------------------------------------------------------------------------
_COLUMNS: list[tuple[str, str]] = [
    ("lectures", "宣讲场次"),
    ("lecture_audience", "宣讲覆盖人次"),
    ("activities", "活动场次"),
    ("activity_served", "活动服务人次"),
    *[(f"platform:{p}", p) for p in PLATFORMS],
    ("volunteer_hours", "志愿服务时长（小时）"),
    ("people", "人员"),
    ("volunteers", "志愿者"),
    ("attendance", "签到人次"),
    ("teams", "志愿服务队伍"),
    ("brand_projects", "志愿服务项目"),
    ("hours_credited", "服务时长（小时）"),
    ("plan_items", "计划项目"),
    ("plan_items_done", "计划已完成"),
    ("requests_received", "群众点单"),
    ("requests_completed", "点单办结"),
    ("requests_escalated", "点单上报"),
    ("requests_rating", "平均评价（星）"),
]
HEADER = [
    "级别", "乡镇（街道）", "站点代码", "站点名称", "上次同步", *[label for _, label in _COLUMNS], *ratings.HEADER,
]


def _figure_cells(fig: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for key, _ in _COLUMNS:
        if key.startswith("platform:"):
            cells.append(fig["activities_by_platform"][key.split(":", 1)[1]])
        elif key in ("volunteer_hours", "hours_credited"):
            cells.append(format_tenths(round(fig[key] * 10)))
        elif key == "requests_rating":
            cells.append("" if fig[key] is None else f"{fig[key]:.1f}")
        else:
            cells.append(fig[key])
    return cells


def local_time(utc: str | None) -> str:
    """A stored UTC time (``2026-11-22T14:19:13Z``) as this computer's local time for people
    reading a table (``2026-11-22 22:19:13``); JSON keeps UTC. ``从未同步`` when there is none."""
    if not utc:
        return "从未同步"
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    except ValueError:
        return utc
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def table_rows(report: dict[str, Any]) -> list[list[Any]]:
    """Header first, then stations, townships, total — the rows of csv, xlsx and the table."""
    out: list[list[Any]] = [HEADER]
    for s in report["stations"]:
        out.append(["站点", s["township"], s["code"], s["name"], local_time(s["last_sync"]), *_figure_cells(s),
                    *ratings.cells(s.get("ratings"))])
    for t in report["townships"]:
        out.append(["乡镇合计", t["name"], "", "", "", *_figure_cells(t), *ratings.cells(None)])
    total = report["total"]
    out.append(["全县合计", "", "", f"{total['stations']} 个站点", "", *_figure_cells(total), *ratings.cells(None)])
    return out


def to_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(table_rows(report))
    return buf.getvalue()


def to_text(report: dict[str, Any]) -> str:
    period = report["period"] or "全部"
    lines = [f"县级汇总（{period}）  共 {report['total']['stations']} 个站点", ""]
    rows = table_rows(report)
    short = [0, 1, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19]  # the widest columns stay in csv/xlsx
    widths = [max(cell_width(str(r[i])) for r in rows) for i in short]
    for r in rows:
        lines.append("  ".join(pad(str(r[i]), w) for i, w in zip(short, widths, strict=True)).rstrip())
    note = excluded_note(report)
    if note:
        lines += ["", note]
    return "\n".join(lines)


def write_xlsx(report: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"汇总{report['period'] or ''}"[:31]
    for r in table_rows(report):
        ws.append([_number(v) for v in r])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _number(value: Any) -> Any:
    """Hours go into the sheet as numbers so that a county clerk can sum them."""
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return float(value)
    return value
