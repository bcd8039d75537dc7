"""Each station's 自评, the township's 审核 and the county's 评定 reach the county report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from station_tui.domain import Station
from station_tui.domain.models import SelfCheckReview
from station_tui.storage import Actor, Store, self_check
from tests.county.test_report import upload
from tests.county_server import County


def _station(path: Path, code: str, township: str, reviews: list[tuple[int, str, str, int, int]]) -> None:
    with Store(path, actor=Actor(user="tester", program="pytest")) as store:
        store.station.setup(Station(code=code, name=f"{code}站", township=township, county="杏花岭区"))
        for year, level, day, score, stars in reviews:
            self_check.add_review(store, SelfCheckReview(year=year, level=level, date=date.fromisoformat(day),
                                                         score=score, stars=stars, reviewer="评定人"))


def test_the_report_lists_each_stations_latest_ratings_of_the_year(own_county: County, tmp_path: Path) -> None:
    stations = {
        "140311101201": ("府西街道", [
            (2026, "自评", "2026-11-20", 85, 3), (2026, "自评", "2026-12-01", 92, 4),  # submitted again
            (2026, "乡镇审核", "2026-12-03", 88, 3), (2025, "县级评定", "2025-12-20", 70, 2),
        ]),
        "140311102201": ("城东街道", []),
    }
    for code, (township, reviews) in stations.items():
        path = tmp_path / f"{code}.db"
        _station(path, code, township, reviews)
        upload(own_county, path, code, f"{code}站", township)

    report = json.loads(own_county.cli("report", "--format", "json", "--year", "2026").stdout)
    rated = {s["code"]: s["ratings"] for s in report["stations"]}
    assert rated["140311102201"] is None
    one = rated["140311101201"]
    assert one["year"] == 2026 and "县级评定" not in one  # the 2025 rating is another year's
    assert (one["自评"]["score"], one["自评"]["stars"]) == (92, 4)
    assert (one["乡镇审核"]["score"], one["乡镇审核"]["stars"]) == (88, 3)
    # All years: each station's latest year; the same cells in the table a clerk opens.
    every = json.loads(own_county.cli("report", "--format", "json").stdout)
    assert next(s for s in every["stations"] if s["code"] == "140311101201")["ratings"]["year"] == 2026
    table = own_county.cli("report", "--format", "csv", "--year", "2026").stdout.splitlines()
    header = table[0].split(",")
    row = next(line.split(",") for line in table if "140311101201" in line)
    cells = [row[header.index(h)] for h in ("自评得分", "自评星级", "乡镇审核星级", "县级评定星级")]
    assert cells == ["92", "4", "3", ""]
    # A 自评 recorded by a program that did not yet name its rubric says so (tests/sync/
    # test_county_rubric.py has one that names it).
    assert row[header.index("自评细则")] == "（未注明）"
