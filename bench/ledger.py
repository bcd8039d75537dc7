"""Benchmark: a month's 台账 with 40 records and 120 photos, against python-docx alone.

Builds a station with 40 lectures and activities in one month, each with 8 volunteers on its
roster and 3 photos (1920×1440 JPEGs as ``station photo add`` keeps them), then times:

- *ours*: ``station ledger``'s work: reading the month (``reports.ledger.gather``) and writing
  the docx (``reports.ledger_docx.write``);
- *floor*: python-docx writing the same text, the same tables and the same 120 pictures with
  nothing of ours: the data handed to it ready-made, no reading, no fitting of portraits.

Budget (written down, checked by eye on each run, never a test): ours ≤ 1.5× the floor. The
floor is what any docx writer of these pictures pays; beyond 1.5× our own code would be the
cost. Run: ``uv run python bench/ledger.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.station_db import new_station
from station_tui.domain import Activity, Attendance, Lecture, Person
from station_tui.reports import ledger, ledger_docx
from station_tui.storage import Store, photos

RECORDS, PHOTOS_EACH, VOLUNTEERS_EACH, RUNS = 40, 3, 8, 3
BUDGET = 1.5


def build(workdir: Path) -> Path:
    path = workdir / "station.db"
    new_station(path).close()
    pictures = []
    for i in range(PHOTOS_EACH * RECORDS):
        picture = workdir / f"IMG_{i:04d}.JPG"
        image = Image.effect_noise((480, 360), 40 + i % 50).convert("RGB").resize((1920, 1440))
        image.save(picture, quality=85)
        pictures.append(picture)
    with Store(path) as store:
        surnames, given = "王李张刘陈杨赵黄", "建国秀英桂兰志强"
        people = [store.people.add(Person(name=surnames[i % 8] + given[i // 8 % 8] + given[i % 5], is_volunteer=True))
                  for i in range(40)]
        for n in range(RECORDS):
            day = date(2026, 11, 1 + n % 30)
            event: Lecture | Activity
            if n % 2:
                event = store.lectures.add(Lecture(date=day, start_time=clock(9), end_time=clock(11),
                                                   topic=f"第{n}场宣讲", summary="宣讲内容摘要" * 10))
                kind, table = "lecture", "lectures"
            else:
                event = store.activities.add(Activity(
                    date=day, start_time=clock(14), end_time=clock(16), title=f"第{n}场活动", platform="文化服务",
                    summary="活动摘要" * 10))
                kind, table = "activity", "activities"
            for p in people[n % 30 : n % 30 + VOLUNTEERS_EACH]:
                store.attendance.add(Attendance(event_kind=kind, event_id=event.id, person_id=p.id, role="志愿者",
                                                credited_tenths=15))
            added = photos.add(store, table, str(event.id), pictures[n * PHOTOS_EACH : (n + 1) * PHOTOS_EACH])
            assert not added.refused, added.refused
    return path


def ours(path: Path, out: Path) -> float:
    start = time.perf_counter()
    with Store(path) as store:
        data = ledger.gather(store, 2026, 11, {"理论宣讲": 4})
    ledger_docx.write(data, out)
    return time.perf_counter() - start


def floor(data: ledger.Ledger, out: Path) -> float:
    from docx import Document
    from docx.shared import Cm

    start = time.perf_counter()
    doc = Document()
    doc.add_paragraph(data.title)
    for sheet in data.sheets:
        doc.add_page_break()
        doc.add_paragraph(sheet.theme)
        table = doc.add_table(rows=0, cols=2)
        for label, value in (("日期", sheet.date.isoformat()), ("地点", sheet.place), ("主题", sheet.theme),
                             ("平台", sheet.platform), ("组织单位", sheet.organizer), ("人次", str(sheet.reached)),
                             ("志愿者", "、".join(h.name for h in sheet.helpers)), ("摘要", sheet.summary),
                             ("记录人", sheet.recorder)):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        grid = doc.add_table(rows=0, cols=2)
        for i in range(0, len(sheet.photos), 2):
            for cell, picture in zip(grid.add_row().cells, sheet.photos[i : i + 2], strict=False):
                cell.paragraphs[0].add_run().add_picture(str(picture), width=Cm(8.2))
    doc.save(str(out))
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = build(workdir)
        with Store(path) as store:
            data = ledger.gather(store, 2026, 11, {"理论宣讲": 4})
        assert len(data.sheets) == RECORDS and sum(len(s.photos) for s in data.sheets) == RECORDS * PHOTOS_EACH
        ours_t = [ours(path, workdir / f"ours{i}.docx") for i in range(RUNS)]
        floor_t = [floor(data, workdir / f"floor{i}.docx") for i in range(RUNS)]
        mine, base = statistics.median(ours_t), statistics.median(floor_t)
        size = (workdir / "ours0.docx").stat().st_size / 1024 / 1024
        print(f"台账 of {RECORDS} records and {RECORDS * PHOTOS_EACH} photos ({size:.1f} MB docx), median of {RUNS}:")
        print(f"  floor (python-docx alone): {base * 1000:7.0f} ms")
        print(f"  ours (read + write):       {mine * 1000:7.0f} ms   {mine / base:.2f}× the floor"
              f" (budget {BUDGET}×: {'within' if mine / base <= BUDGET else 'OVER'})")


if __name__ == "__main__":
    main()
