"""The 台账 as a Word document (python-docx): Word and WPS on the station PC open and print it.

A4 portrait, one page per lecture or activity: a two-column table of its facts, then its
photos two to a row, then the period's summary on a page of its own. Fonts are named for
East Asian text too (宋体 / 黑体), so WPS does not fall back to a font without the characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.domain.hours import format_tenths
from station_tui.reports.ledger import Ledger, Sheet, summary_lines

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

#: Two photos side by side fill the text width of an A4 page with 2 cm margins; a portrait
#: one is held to the height of a landscape one, so four photos and the table fit one page.
PHOTO_WIDTH_CM = 8.2
PHOTO_HEIGHT_CM = 6.15


def write(ledger: Ledger, path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = a4_document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, f"{ledger.station_name}\n新时代文明实践活动台账（{ledger.period}）", size=Pt(16), bold=True,
         font="黑体")
    info = doc.add_paragraph()
    info.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(info, f"{ledger.county} {ledger.township}  站点代码 {ledger.station_code}  专管员 {ledger.manager}  "
               f"共 {len(ledger.sheets)} 场  制表日期 {ledger.made_on.isoformat()}", size=Pt(10.5))
    for number, sheet in enumerate(ledger.sheets, start=1):
        if number > 1:
            doc.add_page_break()
        _sheet(doc, number, sheet, ledger.missing_note, Cm, Pt)
    doc.add_page_break()
    heading = doc.add_paragraph()
    _run(heading, f"{ledger.period} 汇总", size=Pt(14), bold=True, font="黑体")
    table = _table(doc, Cm)
    for what, value in summary_lines(ledger):
        _row(table, what, value, Cm)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def _sheet(doc: DocumentObject, number: int, sheet: Sheet, note: str, Cm: Any, Pt: Any) -> None:
    kind = "理论宣讲" if sheet.kind == "lecture" else "文明实践活动"
    heading = doc.add_paragraph()
    _run(heading, f"{number}. {kind}：{sheet.theme}", size=Pt(14), bold=True, font="黑体")
    table = _table(doc, Cm)
    helpers = "、".join(f"{h.name}（{h.role}，{format_tenths(h.tenths)} 小时）" for h in sheet.helpers)
    for label, value in (
        ("日期", f"{sheet.date.isoformat()}  {sheet.time}".strip()),
        ("地点", sheet.place),
        ("主题" if sheet.kind == "lecture" else "活动名称", sheet.theme),
        ("平台", sheet.platform),
        ("组织单位", sheet.organizer),
        ("宣讲人" if sheet.kind == "lecture" else "负责人", sheet.speaker),
        ("覆盖人次" if sheet.kind == "lecture" else "服务人次", f"{sheet.reached} 人次"),
        ("志愿者及时长", f"{helpers}\n合计 {format_tenths(sheet.helper_tenths)} 小时" if helpers else "无"),
        ("内容摘要", sheet.summary),
        ("记录人", sheet.recorder),
    ):
        _row(table, label, value, Cm)
    printable = []
    for photo, caption in zip(sheet.photos, sheet.captions, strict=True):
        size = _fitted(photo, Cm)
        if size is not None:
            printable.append((photo, caption, size))
    if printable:
        doc.add_paragraph()
        grid = doc.add_table(rows=0, cols=2)
        for i in range(0, len(printable), 2):
            cells = grid.add_row().cells
            for cell, (photo, caption, size) in zip(cells, printable[i : i + 2], strict=False):
                cell.paragraphs[0].add_run().add_picture(str(photo), **size)
                if caption:
                    cell.add_paragraph(caption)
    missing = sheet.missing_photos + len(sheet.photos) - len(printable)
    if missing:
        doc.add_paragraph(f"（{missing} 张{note}）")


#: What Word, WPS and python-docx all place: anything else is not printed (and counted as missing).
_PRINTABLE = frozenset({"JPEG", "PNG", "GIF", "BMP"})


def _fitted(photo: Path, Cm: Any) -> dict[str, Any] | None:
    """The size to print a photo at, or None when the file is not an image a document can hold
    (a damaged file, or one given at the county that is not a photo)."""
    from PIL import Image

    try:
        with Image.open(photo) as image:  # reads the header only
            width, height = image.size
            kind = image.format
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if kind not in _PRINTABLE or not width or not height:
        return None
    if height * PHOTO_WIDTH_CM > width * PHOTO_HEIGHT_CM:
        return {"height": Cm(PHOTO_HEIGHT_CM)}
    return {"width": Cm(PHOTO_WIDTH_CM)}


def _table(doc: DocumentObject, Cm: Any) -> Any:
    """A bordered label/value table, its columns 3.2 cm and 13.8 cm (Word reads the cells'
    widths, LibreOffice and WPS the grid's: both are set)."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, (Cm(3.2), Cm(13.8)), strict=True):
        column.width = width
    return table


def _row(table: Any, label: str, value: str, Cm: Any) -> None:
    cells = table.add_row().cells
    cells[0].width, cells[1].width = Cm(3.2), Cm(13.8)
    _run(cells[0].paragraphs[0], label, bold=True)
    cells[1].paragraphs[0].add_run(value)


def _run(paragraph: Any, text: str, *, size: Any = None, bold: bool = False, font: str | None = None) -> Any:
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = size
    if font is not None:
        _east_asian(run, font)
    return run


def a4_document() -> DocumentObject:
    """A new document on A4 with 2 cm margins and 宋体 (East Asian too) as Word and WPS print it."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    _fonts(doc, Pt)
    return doc


def _fonts(doc: DocumentObject, Pt: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    _east_asian(normal, "宋体")


def _east_asian(element: Any, font: str) -> None:
    """python-docx names only the Latin font; Word and WPS read East Asian text's from eastAsia."""
    from docx.oxml.ns import qn

    element.font.name = font
    rpr = element.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)
