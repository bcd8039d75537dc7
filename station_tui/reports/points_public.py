"""The month's 积分公示: who earned and spent what, as an .xlsx for the village notice board.

One sheet, A4 portrait, the title and the station on top, one line per person who has an entry
in the month (``PointsRepository.month_public``), a total line, and the date it was made.
openpyxl is imported only when a file is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from station_tui.reports.files import a4_sheet, sheet_heading, write_whole

if TYPE_CHECKING:
    from station_tui.storage.repositories.points import PublicLine

HEADERS = ("序号", "姓名", "服务获得", "奖励", "扣减", "兑换", "本月合计", "月末余额")
WIDTHS = (6, 12, 10, 8, 8, 8, 10, 10)


def title(station: str, year: int, month: int) -> str:
    return f"{station}{year}年{month}月积分公示"


#: Where the exports go when the station says nothing else: ``STATION_EXPORT_DIR``, else the
#: user's documents folder (``文档`` / Documents), in a folder of the app's own.
EXPORT_ENV = "STATION_EXPORT_DIR"


def export_folder() -> Path:
    override = os.environ.get(EXPORT_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_documents_path

    return user_documents_path() / "station-tui"


def default_name(year: int, month: int) -> str:
    return f"积分公示-{year}-{month:02d}.xlsx"


def write_xlsx(
    lines: Sequence[PublicLine], path: Path, *, station: str, year: int, month: int, made: date | None = None
) -> Path:
    """Write the list to ``path`` (its folder is made if missing) and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年{month}月"
    box, centre = sheet_heading(sheet, title(station, year, month), HEADERS, WIDTHS, size=16, height=30)
    last_col = len(HEADERS)

    row = 3
    for n, line in enumerate(lines, start=1):
        values = (n, line.name, line.earned, line.bonus, line.deducted, line.redeemed, line.net, line.balance)
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.border, cell.alignment = box, centre
        row += 1
    totals = ("合计", "", *(sum(getattr(ln, f) for ln in lines) for f in ("earned", "bonus", "deducted", "redeemed",
                                                                          "net", "balance")))
    for col, value in enumerate(totals, start=1):
        cell = sheet.cell(row, col, value)
        cell.border, cell.alignment, cell.font = box, centre, Font(bold=True)
    sheet.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=last_col)
    made_on = (made or date.today()).isoformat()
    note = sheet.cell(row + 2, 1, f"公示日期：{made_on}　如有异议，请向村新时代文明实践站反映。")
    note.alignment = Alignment(horizontal="right")

    a4_sheet(sheet)
    return write_whole(path, book.save)
