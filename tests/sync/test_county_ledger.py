"""`county-center ledger`: a station's 台账 from the county's copy of its records is the station's
own `station ledger` for the same month, with real processes: a station syncs with `station
sync` to a real `county-center serve` (SQLite and PostgreSQL stores), then both print."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook

from county import feed
from county.store import CountyStore
from tests.county_server import County
from tests.reports.test_ledger import _month
from tests.sync.photo_support import photo_county
from tests.sync.support import StationPC


def _text(path: Path) -> tuple[list[str], list[str]]:
    """A document's paragraphs and table cells as python-docx reads them back (the day it was
    made taken out: the two may be printed either side of midnight)."""
    doc = Document(str(path))
    paragraphs = [re.sub(r"制表日期 \S+", "制表日期", p.text) for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


def _synced(pc: StationPC, county: County, tmp_path: Path, *sync_args: str) -> None:
    with pc.store() as store:
        _month(store, tmp_path)
    pc.enroll(county)
    with CountyStore(county.store) as cs:  # the county's minimums, for this station alone
        feed.publish(cs, "minimums", {"minimums": {"理论宣讲": 2, "科技与科普服务": 1}}, station=pc.code)
    done = pc.station("sync", *sync_args)
    assert done.returncode == 0, done.stderr
    assert pc.pending() == 0


def _workbook(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_the_countys_ledger_is_the_stations_own(county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path, "--max-photo-mb", "0")  # the records, none of the photo files yet
    own, at_county = tmp_path / "station.docx", tmp_path / "county.docx"
    done = pc.station("ledger", "--month", "2026-11", "--output", str(own))
    assert done.returncode == 0, done.stderr
    made = county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(at_county))
    assert "2 场，照片 0 张。另有 4 张照片县中心还没有（未上传）" in made.stdout
    station_paragraphs, station_cells = _text(own)
    county_paragraphs, county_cells = _text(at_county)
    # Word for word the station's, but the photos the county does not have yet: a note instead.
    assert [c for c in county_cells if c] == [c for c in station_cells if c]
    assert len(county_cells) == len(station_cells) - 4  # no photo grid: four cells with a photo each
    assert "（4 张照片未上传）" in county_paragraphs
    note = "（4 张照片未上传）"
    assert [p for p in county_paragraphs if p and p != note] == [p for p in station_paragraphs if p]
    assert len(Document(str(at_county)).inline_shapes) == 0
    # The numbers: the station's own status for the month, and the county's minimums on both.
    status = json.loads(pc.station("status", "--json", "--year", "2026", "--month", "11").stdout)["figures"]
    assert f"{status['lectures']} 场，覆盖 {status['lecture_audience']} 人次" in county_cells
    assert f"{status['activities']} 场，服务 {status['activity_served']} 人次" in county_cells
    assert f"{status['volunteer_hours']:.1f} 小时" in county_cells
    assert "1 场（要求不少于 2 场，差 1 场）" in county_cells  # 理论宣讲 against the county's 2
    assert "0 场（要求不少于 0 场，达到）" in county_cells  # a platform the county left out needs 0
    # No phone and no ID number, at the county either (the county holds neither: not uploaded).
    everything = "".join(county_paragraphs + county_cells)
    assert "13812345678" not in everything and "11010519491231002X" not in everything
    assert "138****5678" not in everything


def test_with_the_photos_uploaded_the_pages_are_the_same_photos_too(county: County, station_pc: StationPC,
                                                                   tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path)  # station sync sends the photo files after the records
    own, at_county = tmp_path / "station.docx", tmp_path / "county.docx"
    assert pc.station("ledger", "--month", "2026-11", "--output", str(own)).returncode == 0
    made = county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(at_county))
    assert "2 场，照片 4 张。" in made.stdout and "未上传" not in made.stdout
    assert _text(at_county) == _text(own)
    assert len(Document(str(at_county)).inline_shapes) == len(Document(str(own)).inline_shapes) == 4


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_photos_kept_in_the_countys_database_print_too(backend: str, tmp_path: Path) -> None:
    """A county keeping photos in its database (``serve --photo-store database``): the command
    and the staff route print the same photos as the station."""
    (tmp_path / "county").mkdir()
    with photo_county(backend, "database", tmp_path / "county") as county:
        pc = StationPC(tmp_path / "pc", "1403111" + f"{uuid.uuid4().int % 10**5:05d}")
        pc.root.mkdir()
        pc.init()
        _synced(pc, county.server, tmp_path)
        with pc.store() as store:  # every photo file the station holds, kept in the county's database
            assert county.blobs() == store.query_value("SELECT count(DISTINCT sha256) FROM photos WHERE deleted = 0")
        own, at_county = tmp_path / "station.docx", tmp_path / "county.docx"
        assert pc.station("ledger", "--month", "2026-11", "--output", str(own)).returncode == 0
        made = county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(at_county))
        assert "2 场，照片 4 张。" in made.stdout
        assert _text(at_county) == _text(own)
        got = httpx.get(county.server.base + "/api/v1/ledger", params={"station": pc.code, "month": "2026-11"},
                        headers={"Authorization": f"Bearer {county.server.admin_token()}"}, timeout=120)
        assert got.status_code == 200, got.text
        fetched = tmp_path / "fetched.docx"
        fetched.write_bytes(got.content)
        assert len(Document(str(fetched)).inline_shapes) == 4 and _text(fetched) == _text(own)


def test_photos_not_uploaded_yet_from_a_copy_of_the_stations_folder(county: County, station_pc: StationPC,
                                                                   tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path, "--max-photo-mb", "0")
    own, at_county = tmp_path / "station.docx", tmp_path / "county.docx"
    assert pc.station("ledger", "--month", "2026-11", "--output", str(own)).returncode == 0
    photos_dir = pc.db.with_name("station-photos")
    made = county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(at_county),
                      "--photos-from", str(photos_dir))
    assert "2 场，照片 4 张。" in made.stdout and "未上传" not in made.stdout
    assert _text(at_county) == _text(own)
    assert len(Document(str(at_county)).inline_shapes) == len(Document(str(own)).inline_shapes) == 4


def test_the_spreadsheet_is_the_stations_own(county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path)
    own, at_county = tmp_path / "station.xlsx", tmp_path / "county.xlsx"
    assert pc.station("ledger", "--month", "2026-11", "--format", "xlsx", "--output", str(own)).returncode == 0
    county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--format", "xlsx", "--output", str(at_county))
    station_book, county_book = _workbook(own), _workbook(at_county)
    assert county_book == station_book
    events = county_book["台账"][2:]
    assert [(r[1], r[4], r[9], r[11], r[13]) for r in events] == [
        ("2026-11-01", "果树修剪技术培训", 17, 1.5, 0), ("2026-11-06", "民法典与百姓生活", 30, 2.0, 4)]


def test_unknown_station_empty_month_and_bad_month_write_nothing(county: County, station_pc: StationPC,
                                                                 tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path)
    out = tmp_path / "out.docx"
    unknown = county.cli("ledger", "--station", "999999999999", "--month", "2026-11", "--output", str(out),
                         check=False)
    assert unknown.returncode == 1 and "县中心没有代码为 999999999999 的站点" in unknown.stderr
    empty = county.cli("ledger", "--station", pc.code, "--month", "2026-10", "--output", str(out), check=False)
    assert empty.returncode == 1 and "该月没有记录" in empty.stderr and "2026-10" in empty.stderr
    bad = county.cli("ledger", "--station", pc.code, "--month", "2026-13", "--output", str(out), check=False)
    assert bad.returncode == 2 and "2026-11" in bad.stderr
    not_a_folder = county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(out),
                              "--photos-from", str(tmp_path / "nowhere"), check=False)
    assert not_a_folder.returncode == 2 and "nowhere" in not_a_folder.stderr
    assert not out.exists() and list(tmp_path.glob(".*partial")) == []


def test_county_staff_get_the_same_file_over_http(county: County, station_pc: StationPC, tmp_path: Path) -> None:
    pc = station_pc
    _synced(pc, county, tmp_path)
    at_county = tmp_path / "county.docx"
    county.cli("ledger", "--station", pc.code, "--month", "2026-11", "--output", str(at_county))
    url = county.base + "/api/v1/ledger"
    admin = {"Authorization": f"Bearer {county.admin_token()}"}
    got = httpx.get(url, params={"station": pc.code, "month": "2026-11", "format": "docx"}, headers=admin,
                    timeout=120)
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    fetched = tmp_path / "fetched.docx"
    fetched.write_bytes(got.content)
    assert _text(fetched) == _text(at_county)
    assert len(Document(str(fetched)).inline_shapes) == 4  # the photos station sync uploaded
    sheet = httpx.get(url, params={"station": pc.code, "month": "2026-11", "format": "xlsx"}, headers=admin,
                      timeout=120)
    assert sheet.status_code == 200 and sheet.headers["content-type"].endswith("spreadsheetml.sheet")
    empty = httpx.get(url, params={"station": pc.code, "month": "2026-10"}, headers=admin, timeout=60)
    assert empty.status_code == 404 and "该月没有记录" in empty.json()["message"]
    bad = httpx.get(url, params={"station": pc.code, "month": "2026-13"}, headers=admin, timeout=60)
    assert bad.status_code == 400 and "2026-11" in bad.json()["message"]
    unknown = httpx.get(url, params={"station": "999999999999", "month": "2026-11"}, headers=admin, timeout=60)
    assert unknown.status_code == 404 and "999999999999" in unknown.json()["message"]
    assert httpx.get(url, params={"station": pc.code, "month": "2026-11"}, timeout=60).status_code in (401, 403)


def test_a_year_of_a_realistic_station_prints_the_same_at_the_county(county: County, station_pc: StationPC,
                                                                    tmp_path: Path) -> None:
    """The demo's year (rosters, teams, venues, plans, requests on every platform): the month's
    and the year's documents and workbooks are the station's own, cell for cell."""
    import sqlite3

    pc = station_pc
    assert pc.station("demo", "--force", "--seed", "7").returncode == 0
    # Demo records are kept from the county by a mark (meta demo); lifted here, they stand in
    # for a year a real station typed.
    conn = sqlite3.connect(pc.db)
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'demo'")
    conn.close()
    pc.enroll(county)
    synced = pc.station("sync")
    assert synced.returncode == 0, synced.stderr
    # The demo's history ends today: last month, and that month's year.
    from datetime import date, timedelta

    last = date.today().replace(day=1) - timedelta(days=1)
    month = json.loads(pc.station("status", "--json", "--year", str(last.year), "--month", str(last.month)).stdout)
    assert month["figures"]["lectures"] > 0
    for period in (("--month", f"{last:%Y-%m}"), ("--year", str(last.year))):
        for fmt in ("docx", "xlsx"):
            own, at_county = tmp_path / f"station.{fmt}", tmp_path / f"county.{fmt}"
            assert pc.station("ledger", *period, "--format", fmt, "--output", str(own)).returncode == 0
            county.cli("ledger", "--station", pc.code, *period, "--format", fmt, "--output", str(at_county))
            if fmt == "docx":
                assert _text(at_county) == _text(own), period
            else:
                assert _workbook(at_county) == _workbook(own), period
