"""Hours per volunteer per activity, as an .xlsx to enter into the national volunteer platform
(中国志愿服务网), with the fields 志愿服务记录办法 asks a service record to carry:
姓名、性别、出生年月、联系方式、服务技能; 活动名称、日期、地点、服务内容、服务时间、时长、负责人、记录人.

One line per person and event (a lecture or an activity) of the period, its hours the sum of
the person's ledger entries for that event (a roster change's void and new entry net out);
a 补录 without an event is a line of its own. Lines whose hours net to zero are left out, so
the file's total is the ledger's balance for the period. Phones are masked unless the
station's settings allow them whole. openpyxl is imported only when a file is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from station_tui.domain.hours import format_tenths
from station_tui.domain.masking import mask_phone
from station_tui.reports.files import a4_sheet, sheet_heading, write_whole

if TYPE_CHECKING:
    from station_tui.storage import Store

HEADERS = (
    "序号", "姓名", "性别", "出生年月", "联系方式", "服务技能", "活动名称", "日期", "地点", "服务内容", "服务时间",
    "时长（小时）", "负责人", "记录人",
)
WIDTHS = (6, 10, 6, 10, 14, 16, 28, 12, 18, 24, 13, 10, 10, 10)


@dataclass(frozen=True)
class HoursLine:
    name: str
    gender: str
    born: str
    phone: str
    skills: str
    activity: str
    date: date
    place: str
    content: str
    time: str
    tenths: int
    leader: str
    recorder: str


_LINES = """
WITH grouped AS (
  SELECT e.person_id, e.lecture_id, e.activity_id,
         COALESCE(e.lecture_id, e.activity_id, e.voids_id, e.id) AS what_key,
         sum(e.tenths) AS tenths, min(e.date) AS day,
         max(CASE WHEN e.entry_kind <> '作废' THEN e.content END) AS content,
         max(CASE WHEN e.entry_kind <> '作废' THEN e.reason END) AS reason,
         max(CASE WHEN e.entry_kind <> '作废' THEN e.operator END) AS operator
    FROM hours_entries e
   WHERE e.date BETWEEN ? AND ?
   GROUP BY e.person_id, what_key
  HAVING sum(e.tenths) <> 0
)
SELECT p.name, p.gender, p.birth_year, p.phone, p.skills,
       COALESCE(l.topic, v.title, g.content, '') AS activity, COALESCE(l.date, v.date, g.day) AS day,
       COALESCE(l.place, v.place, '') AS place,
       CASE WHEN l.id IS NOT NULL THEN '理论宣讲' || COALESCE('（' || l.form || '）', '')
            WHEN v.id IS NOT NULL THEN v.platform || COALESCE('：' || a.role, '')
            ELSE '补录：' || COALESCE(g.reason, '') END AS service,
       COALESCE(a.sign_in, l.start_time, v.start_time) AS start_at,
       COALESCE(a.sign_out, l.end_time, v.end_time) AS end_at,
       g.tenths, COALESCE(l.speaker, leader.name, '') AS leader, COALESCE(g.operator, '') AS recorder
  FROM grouped g
  JOIN people p ON p.id = g.person_id
  LEFT JOIN lectures l ON l.id = g.lecture_id
  LEFT JOIN activities v ON v.id = g.activity_id
  LEFT JOIN teams t ON t.id = v.team_id
  LEFT JOIN people leader ON leader.id = t.leader_id
  LEFT JOIN (SELECT person_id, lecture_id, activity_id, min(role) AS role, min(sign_in) AS sign_in,
                    max(sign_out) AS sign_out
               FROM attendance WHERE deleted = 0 AND person_id IS NOT NULL
              GROUP BY person_id, lecture_id, activity_id) a
         ON a.person_id = g.person_id AND (a.lecture_id = g.lecture_id OR a.activity_id = g.activity_id)
 ORDER BY p.pinyin_full, p.name, p.id, day, activity"""


def gather(store: Store, period_from: date, period_to: date, *, full_phones: bool = False) -> list[HoursLine]:
    rows = store.query(_LINES, (period_from.isoformat(), period_to.isoformat()))
    lines = []
    for r in rows:
        skills = json.loads(r["skills"]) if r["skills"] else []
        span = f"{r['start_at']}-{r['end_at']}" if r["start_at"] and r["end_at"] else ""
        lines.append(HoursLine(
            name=r["name"], gender=r["gender"] or "", born=f"{r['birth_year']}年" if r["birth_year"] else "",
            phone=(r["phone"] or "") if full_phones else mask_phone(r["phone"]),
            skills="、".join(skills), activity=r["activity"], date=date.fromisoformat(r["day"]), place=r["place"],
            content=r["service"], time=span, tenths=int(r["tenths"]), leader=r["leader"], recorder=r["recorder"],
        ))
    return lines


def default_name(period_from: date, period_to: date) -> str:
    return f"志愿服务时长-{period_from.isoformat()}至{period_to.isoformat()}.xlsx"


def write_xlsx(lines: list[HoursLine], path: Path, *, station: str, period_from: date, period_to: date,
               made: date | None = None) -> Path:
    """Write the list to ``path`` (its folder made if missing), through a partial file moved
    over it whole; return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "志愿服务记录"
    heading = f"{station}志愿服务记录（{period_from.isoformat()} 至 {period_to.isoformat()}）"
    box, centre = sheet_heading(sheet, heading, HEADERS, WIDTHS, wrap=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    last = len(HEADERS)
    row = 3
    for n, line in enumerate(lines, start=1):
        values = (n, line.name, line.gender, line.born, line.phone, line.skills, line.activity, line.date.isoformat(),
                  line.place, line.content, line.time, float(format_tenths(line.tenths)), line.leader, line.recorder)
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.border = box
            cell.alignment = left if col in (6, 7, 9, 10) else centre
        sheet.cell(row, 12).number_format = "0.0"
        row += 1
    total = sum(line.tenths for line in lines)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=11)
    sheet.cell(row, 1, f"合计（{len(lines)} 条）").font = Font(bold=True)
    sheet.cell(row, 1).alignment = centre
    sheet.cell(row, 12, float(format_tenths(total))).font = Font(bold=True)
    sheet.cell(row, 12).number_format = "0.0"
    for col in range(1, last + 1):
        sheet.cell(row, col).border = box
    made_on = (made or date.today()).isoformat()
    note = sheet.cell(row + 2, 1, f"导出日期：{made_on}　时长为实际服务时间（不含往返路途），"
                                  "按本站志愿服务时长台账汇总，供录入全国志愿服务信息系统。")
    note.alignment = Alignment(horizontal="left")
    a4_sheet(sheet, landscape=True)
    sheet.freeze_panes = "A3"
    return write_whole(path, book.save)
