"""The 志愿服务记录证明 as a Word document (python-docx): Word and WPS on the station PC print it.

``gather`` reads one issued certificate from the register (its lines are the ledger entries
it names, so a reprint is the same document); ``write`` lays it out on A4: the title and
number, the body sentence, the table of services (its heading row repeated on every page),
the total, and the issuer block with 负责人 / 经办人 signature lines and the place for the seal.
The ID number is printed masked unless the station's settings allow it whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.domain.hours import format_tenths
from station_tui.domain.masking import mask_id_number
from station_tui.reports.files import write_whole

if TYPE_CHECKING:
    from station_tui.domain.models import Certificate
    from station_tui.storage import Store
    from station_tui.storage.repositories.certificates import ServiceLine

TITLE = "志愿服务记录证明"
HEADERS = ("序号", "服务日期", "服务内容", "时长（小时）")
#: Column widths in cm: 17 cm of text width on A4 with 2 cm margins.
WIDTHS_CM = (1.4, 3.0, 9.6, 3.0)


@dataclass(frozen=True)
class CertificateDocument:
    """Everything a certificate prints."""

    station_name: str
    county: str
    township: str
    number: str
    name: str
    gender: str
    #: As printed: masked, whole (when the settings allow), or empty when none is recorded.
    id_number: str
    volunteer_no: str
    period_from: date
    period_to: date
    total_tenths: int
    lines: list[ServiceLine]
    issuer: str
    operator: str
    issued_on: date


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def gather(store: Store, certificate: Certificate, *, full_id_number: bool = False) -> CertificateDocument:
    """The document of a registered certificate, read in one snapshot."""
    with store.snapshot():
        station = store.station.current()
        person = store.people.get(certificate.person_id, include_deleted=True)
        lines = store.certificates.lines_of(certificate)
    raw_id = (person.id_number if person else None) or ""
    return CertificateDocument(
        station_name=station.name if station else "",
        county=station.county if station else "",
        township=station.township if station else "",
        number=certificate.number,
        name=certificate.person_name,
        gender=(person.gender if person else None) or "",
        id_number=raw_id if full_id_number else mask_id_number(raw_id),
        volunteer_no=(person.volunteer_no if person else None) or "",
        period_from=certificate.period_from,
        period_to=certificate.period_to,
        total_tenths=certificate.total_tenths,
        lines=lines,
        issuer=certificate.issuer,
        operator=certificate.operator,
        issued_on=certificate.issued_on,
    )


def body_sentence(doc: CertificateDocument) -> str:
    """兹证明 张三 同志（男，身份证号 …，志愿者编号 …）于 … 至 … 期间在 … 参加志愿服务，累计服务时长 N 小时。"""
    who = [x for x in (
        doc.gender,
        f"身份证号 {doc.id_number}" if doc.id_number else "",
        f"志愿者编号 {doc.volunteer_no}" if doc.volunteer_no else "",
    ) if x]
    identity = f"（{'，'.join(who)}）" if who else ""
    return (
        f"兹证明 {doc.name} 同志{identity}于 {chinese_date(doc.period_from)} 至 {chinese_date(doc.period_to)} "
        f"期间在{doc.station_name}参加志愿服务，累计服务时长 {format_tenths(doc.total_tenths)} 小时"
        f"（共 {len(doc.lines)} 次）。"
    )


def default_name(doc: CertificateDocument | Certificate) -> str:
    name = doc.name if isinstance(doc, CertificateDocument) else doc.person_name
    return f"志愿服务记录证明-{doc.number}-{name}.docx"


def write(doc: CertificateDocument, path: Path) -> None:
    """Write the document to ``path`` through a partial file moved over it whole, so a crash
    or a full disk never leaves half a certificate where a good one was."""
    write_whole(path, lambda partial: _build(doc).save(str(partial)))


def _build(doc: CertificateDocument) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from station_tui.reports.ledger_docx import _east_asian, _run, a4_document

    document = a4_document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)

    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(number, f"编号：{doc.number}", size=Pt(10.5))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(12), Pt(18)
    _run(title, TITLE, size=Pt(22), bold=True, font="黑体")

    body = document.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(24)
    body.paragraph_format.line_spacing = 1.5
    _run(body, body_sentence(doc), size=Pt(14), font="仿宋")
    lead = document.add_paragraph()
    lead.paragraph_format.first_line_indent = Pt(24)
    _run(lead, "服务记录明细如下：", size=Pt(12))

    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    heading = table.rows[0]
    _repeat_as_header(heading)
    for cell, text, width in zip(heading.cells, HEADERS, WIDTHS_CM, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, font="黑体")
    for n, line in enumerate(doc.lines, start=1):
        cells = table.add_row().cells
        values = (str(n), line.date.isoformat(), line.what or "志愿服务", format_tenths(line.tenths))
        for i, (cell, text, width) in enumerate(zip(cells, values, WIDTHS_CM, strict=True)):
            cell.width = Cm(width)
            if i != 2:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cell.paragraphs[0].add_run(text)
    total = table.add_row().cells
    merged = total[0].merge(total[2])
    merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(merged.paragraphs[0], f"合计（{len(doc.lines)} 次）", bold=True)
    total[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(total[3].paragraphs[0], format_tenths(doc.total_tenths), bold=True)

    closing = document.add_paragraph()
    closing.paragraph_format.first_line_indent = Pt(24)
    closing.paragraph_format.space_before = Pt(12)
    _run(closing, "特此证明。", size=Pt(14), font="仿宋")

    block = document.add_table(rows=3, cols=2)
    block.autofit = False
    rows = (
        (f"负责人（签字）：{doc.issuer}  ________", f"出具单位：{doc.station_name}"),
        (f"经办人：{doc.operator}", "（盖章）"),
        (f"联系地址：{doc.county}{doc.township}", f"出具日期：{chinese_date(doc.issued_on)}"),
    )
    for row, (left, right) in zip(block.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(8.5), Cm(8.5)
        row.height = Cm(1.2)
        _run(row.cells[0].paragraphs[0], left)
        row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(row.cells[1].paragraphs[0], right)
    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(18)
    _east_asian(_run(note, "说明：本证明依据本站志愿服务时长台账出具，时长为实际服务时间（不含往返路途）。"
                           f"可凭编号 {doc.number} 向县新时代文明实践中心核验。", size=Pt(9)), "宋体")
    return document


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as its heading: Word, WPS and LibreOffice repeat it on every page."""
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    marker = properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    properties.append(marker)
