"""What every printed file shares: written whole or not at all, and an xlsx sheet set up for A4."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_whole(path: Path, save: Callable[[Path], object]) -> Path:
    """``save`` writes the file to a partial name beside ``path``, which is then moved over it
    whole: a crash, a full disk or a pulled USB stick never leaves half a document where the
    last good one was. ``OSError`` when it cannot be written (nothing is left behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def a4_sheet(sheet: Any, *, landscape: bool = False, title_rows: str = "2:2") -> None:
    """An openpyxl sheet printed on A4, as wide as the page and as many pages long as it needs,
    with its heading row repeated on each."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows


def sheet_heading(
    sheet: Any, title: str, headers: tuple[str, ...] | list[str], widths: tuple[float, ...] | list[float], *,
    size: int = 14, height: float = 28, wrap: bool = False,
) -> tuple[Any, Any]:
    """Row 1: ``title`` across every column; row 2: the column headings in bold, boxed, with
    the columns' widths. Returns (box, centre): the border and alignment the rows below use."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=wrap)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(1, 1, title).font = Font(size=size, bold=True)
    sheet.cell(1, 1).alignment = centre
    sheet.row_dimensions[1].height = height
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(2, col, header)
        cell.font, cell.alignment, cell.border = Font(bold=True), centre, box
        sheet.column_dimensions[cell.column_letter].width = width
    return box, centre
