"""The 台账: a sheet per lecture and activity with its photos, then the summary; its numbers are
`station status --json`'s for the same month; an empty month writes no file."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from PIL import Image

from station_tui.domain import Activity, Attendance, Lecture, Person, Team, Venue
from station_tui.storage import Store, photos
from tests.station_cli import run


def _month(store: Store, tmp_path: Path) -> dict[str, str]:
    hall = store.venues.add(Venue(name="党群服务中心多功能厅", capacity=80))
    wang = store.people.add(
        Person(name="王建国", is_volunteer=True, phone="13812345678", id_number="11010519491231002X")
    )
    li = store.people.add(Person(name="李秀英", is_volunteer=True))
    zhao = store.people.add(Person(name="赵大爷"))
    team = store.teams.add(Team(name="农技服务队", leader_id=li.id))
    lecture = store.lectures.add(Lecture(date=date(2026, 11, 6), start_time=time(19, 30), end_time=time(21, 30),
                                         topic="民法典与百姓生活", venue_id=hall.id, audience=30,
                                         summary="宣讲民法典婚姻家庭编"))
    store.attendance.add(Attendance(event_kind="lecture", event_id=lecture.id, person_id=wang.id, role="宣讲员",
                                    credited_tenths=20))
    store.attendance.add(Attendance(event_kind="lecture", event_id=lecture.id, person_id=zhao.id, role="群众"))
    fruit = store.activities.add(Activity(date=date(2026, 11, 1), title="果树修剪技术培训", platform="科技与科普服务",
                                          team_id=team.id, place="村北果园", served=17))
    store.attendance.add(Attendance(event_kind="activity", event_id=fruit.id, person_id=li.id, role="志愿者",
                                    credited_tenths=15))
    store.activities.add(Activity(date=date(2026, 12, 1), title="下个月的活动", platform="文化服务"))
    pictures = []
    for i in range(6):
        path = tmp_path / f"IMG_{i}.JPG"
        Image.new("RGB", (1600 if i % 2 else 900, 1200), (40 * i, 90, 160)).save(path)
        pictures.append(path)
    photos.add(store, "lectures", str(lecture.id), pictures)  # six: the sheet shows four
    return {"lecture": str(lecture.id), "activity": str(fruit.id)}


def test_the_month_ledger_has_a_sheet_per_event_with_photos_and_the_status_numbers(
        db_path: Path, store: Store, station, tmp_path: Path) -> None:
    _month(store, tmp_path)
    store.close()
    out = tmp_path / "台账.docx"
    done = run("ledger", "--month", "2026-11", "--output", str(out), db=db_path)
    assert done.returncode == 0, done.stderr
    assert "2 场，照片 4 张" in done.stdout
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "1. 文明实践活动：果树修剪技术培训" in text and "2. 理论宣讲：民法典与百姓生活" in text
    assert "下个月的活动" not in text + "".join(cells)
    assert "王建国（宣讲员，2.0 小时）\n合计 2.0 小时" in cells and "李秀英（志愿者，1.5 小时）\n合计 1.5 小时" in cells
    assert "农技服务队" in cells and "李秀英" in cells  # the organizing team and its leader
    assert "党群服务中心多功能厅" in cells and "30 人次" in cells  # max(30 typed, 1 群众 signed in)
    assert len(doc.inline_shapes) == 4
    everything = text + "".join(cells)
    assert "13812345678" not in everything and "11010519491231002X" not in everything  # no phone, no ID
    status = json.loads(run("status", "--json", "--year", "2026", "--month", "11", db=db_path).stdout)["figures"]
    assert f"{status['lectures']} 场，覆盖 {status['lecture_audience']} 人次" in cells
    assert f"{status['activities']} 场，服务 {status['activity_served']} 人次" in cells
    assert f"{status['volunteer_hours']:.1f} 小时" in cells


def test_the_spreadsheet_has_a_row_per_event_and_per_volunteer(db_path: Path, store: Store, station,
                                                              tmp_path: Path) -> None:
    _month(store, tmp_path)
    store.close()
    out = tmp_path / "台账.xlsx"
    assert run("ledger", "--month", "2026-11", "--format", "xlsx", "--output", str(out), db=db_path).returncode == 0
    wb = load_workbook(out)
    events = list(wb["台账"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[4], r[9], r[11], r[13]) for r in events] == [
        ("2026-11-01", "果树修剪技术培训", 17, 1.5, 0), ("2026-11-06", "民法典与百姓生活", 30, 2.0, 4)]
    helpers = list(wb["志愿者"].iter_rows(min_row=2, values_only=True))
    assert [(r[3], r[4], r[5]) for r in helpers] == [("李秀英", "志愿者", 1.5), ("王建国", "宣讲员", 2.0)]
    summary = dict(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["志愿服务时长"] == "3.5 小时"


def test_an_empty_month_or_an_unreadable_one_writes_nothing(db_path: Path, store: Store, station,
                                                            tmp_path: Path) -> None:
    store.close()
    out = tmp_path / "台账.docx"
    empty = run("ledger", "--month", "2026-10", "--output", str(out), db=db_path)
    assert empty.returncode == 1 and "2026-10 没有宣讲和活动记录" in empty.stderr
    bad = run("ledger", "--month", "2026-13", "--output", str(out), db=db_path)
    assert bad.returncode == 2 and "2026-11" in bad.stderr
    assert not out.exists() and list(tmp_path.glob(".*partial")) == []
