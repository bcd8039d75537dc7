"""The 台账 as a spreadsheet (openpyxl): one row per lecture or activity, one per volunteer
line, and the period's summary, for counties that collect ledgers as tables. Photos stay in
the docx; here each record says how many it has."""

from __future__ import annotations

from pathlib import Path

from station_tui.domain.hours import format_tenths
from station_tui.reports.ledger import Ledger, summary_lines

EVENT_HEADER = ["序号", "日期", "时间", "类别", "主题/名称", "平台", "地点", "组织单位", "宣讲人/负责人",
                "覆盖/服务人次", "志愿者人数", "志愿服务时长（小时）", "内容摘要", "照片（张）", "记录人"]
HELPER_HEADER = ["序号", "日期", "主题/名称", "姓名", "角色", "服务时长（小时）"]


def write(ledger: Ledger, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    events = wb.active
    events.title = "台账"
    events.append([ledger.title])
    events.append(EVENT_HEADER)
    for n, s in enumerate(ledger.sheets, start=1):
        events.append([
            n, s.date.isoformat(), s.time, "理论宣讲" if s.kind == "lecture" else "文明实践活动", s.theme, s.platform,
            s.place, s.organizer, s.speaker, s.reached, len(s.helpers), float(format_tenths(s.helper_tenths)),
            s.summary, s.photo_count, s.recorder,
        ])
    helpers = wb.create_sheet("志愿者")
    helpers.append(HELPER_HEADER)
    for n, s in enumerate(ledger.sheets, start=1):
        for h in s.helpers:
            helpers.append([n, s.date.isoformat(), s.theme, h.name, h.role, float(format_tenths(h.tenths))])
    summary = wb.create_sheet("汇总")
    summary.append([f"{ledger.period} 汇总"])
    for what, value in summary_lines(ledger):
        summary.append([what.strip(), value])
    for sheet, header_row in ((events, 2), (helpers, 1)):
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = f"A{header_row + 1}"
    events["A1"].font = summary["A1"].font = Font(bold=True, size=14)
    for column, width in zip("ABCDEFGHIJKLMNO", (5, 11, 12, 12, 30, 14, 20, 20, 12, 10, 8, 10, 50, 8, 10),
                             strict=True):
        events.column_dimensions[column].width = width
    for row in events.iter_rows(min_row=3):
        row[12].alignment = Alignment(wrap_text=True, vertical="top")
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 16, 44
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
