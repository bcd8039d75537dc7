"""Each station's 五有 / 星级 ratings in the county report: its own 自评, the township's 审核
and the county's 评定, as the station recorded them (synced ``self_check_reviews``).

For each station and level the latest one of the report's year counts (by date, then by when
it was recorded); a report over all years takes each station's latest year.
"""

from __future__ import annotations

import json
from typing import Any

from county import rows as row_rules

LEVELS = ("自评", "乡镇审核", "县级评定")


def latest(store: Any, year: int | None) -> dict[int, dict[str, Any]]:
    """station id → {"year": Y, "自评": {"score", "stars", "date", "reviewer"}, …}."""
    found: dict[int, list[dict[str, Any]]] = {}
    for station_id, tbl, row_json in store.live_rows(("self_check_reviews",)):
        if row_rules.stored_problem(tbl, row_json) is not None:
            continue  # the report lists it under "excluded" with the other tables' rows
        row = json.loads(row_json)
        if row.get("level") in LEVELS and (year is None or row.get("year") == year):
            found.setdefault(station_id, []).append(row)
    out: dict[int, dict[str, Any]] = {}
    for station_id, rows in found.items():
        chosen_year = max(r["year"] for r in rows)
        mine = sorted((r for r in rows if r["year"] == chosen_year),
                      key=lambda r: (r["date"], r.get("created_at") or ""))
        entry: dict[str, Any] = {"year": chosen_year}
        for r in mine:  # later ones replace earlier ones of the same level
            entry[r["level"]] = {"score": r["score"], "stars": r["stars"], "date": r["date"],
                                 "reviewer": r["reviewer"]}
            if r["level"] == "自评":  # the rubric it was scored by (None before schema 13)
                entry["自评"].update(rubric=r.get("rubric"), rubric_total=r.get("rubric_total"))
        out[station_id] = entry
    return out


def cells(rating: dict[str, Any] | None) -> list[Any]:
    """The report table's rating cells: 自评得分, 自评细则, 自评星级, 乡镇审核星级, 县级评定星级.

    A self-score is the station's, by the rubric it scored by (the default, its own file or
    the county's, as it was when the station submitted): 自评细则 names it and its full score,
    so 85 of 100 and 85 of 120 are not read as the same."""
    rating = rating or {}
    own = rating.get("自评") or {}
    return [own.get("score", ""), rubric_cell(own), own.get("stars", ""),
            (rating.get("乡镇审核") or {}).get("stars", ""), (rating.get("县级评定") or {}).get("stars", "")]


def rubric_cell(own: dict[str, Any]) -> str:
    if not own:
        return ""
    name, total = own.get("rubric"), own.get("rubric_total")
    if not name:
        return "（未注明）"  # submitted by a station program older than schema 13
    return f"{name}，满分 {total}" if total else str(name)


HEADER = ["自评得分", "自评细则", "自评星级", "乡镇审核星级", "县级评定星级"]
