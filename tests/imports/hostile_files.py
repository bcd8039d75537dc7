"""Import files built to exhaust a reader: written byte by byte, as an attacker would, so the
test does not depend on a spreadsheet library being willing to make them.

Each is small on disk and large when read naively. Used by test_import_limits.py (at sizes a
test can afford) and bench/hostile_imports.py (at the sizes that broke the station)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from station_tui.imports.headers import HEADERS
from station_tui.imports.readers import column_letters

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "{shared}</Relationships>"
)
_SHARED_REL = (
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _inline_row(number: int, cells: Iterable[str | int]) -> str:
    out = [f'<row r="{number}">']
    for index, value in enumerate(cells, start=1):
        ref = f"{column_letters(index)}{number}"
        if isinstance(value, int):
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
    out.append("</row>")
    return "".join(out)


def _write_xlsx(path: Path, sheet_chunks: Iterator[str], *, shared: Iterator[str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE if shared else ""))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared=_SHARED_REL if shared else ""))
        # force_zip64: parts may pass 2 GiB uncompressed while being written as a stream.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_chunks:
                part.write(chunk.encode())
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                for chunk in shared:
                    part.write(chunk.encode())
    return path


def _header(kind: str) -> str:
    return _inline_row(1, HEADERS[kind])


def declared_whole_sheet_xlsx(path: Path) -> Path:
    """A correct lecture header, a dimension of every cell Excel allows, and one cell in the
    very last one (XFD1048576): a few KB that openpyxl pads to 17 billion cells."""

    def sheet() -> Iterator[str]:
        yield _SHEET_HEAD.format(dimension="A1:XFD1048576")
        yield _header("lectures")
        yield '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        yield _SHEET_TAIL

    return _write_xlsx(path, sheet())


def inflating_cell_xlsx(path: Path, megabytes: int) -> Path:
    """One shared string of ``megabytes`` MB of the same letter: it compresses about 1000 to 1."""

    chunk = "A" * (1024 * 1024)

    def shared() -> Iterator[str]:
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        )
        for _ in range(megabytes):
            yield chunk
        yield "</t></si></sst>"

    def sheet() -> Iterator[str]:
        yield _SHEET_HEAD.format(dimension="A1:I2")
        yield _header("lectures")
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>2024-03-15</t></is></c><c r="D2" t="s"><v>0</v></c></row>'
        yield _SHEET_TAIL

    return _write_xlsx(path, sheet(), shared=shared())


def many_rows_xlsx(path: Path, rows: int) -> Path:
    """``rows`` valid lectures, one a day from 2020-01-01, as a station's own export would be."""
    start = date(2020, 1, 1)

    def sheet() -> Iterator[str]:
        yield _SHEET_HEAD.format(dimension=f"A1:I{rows + 1}")
        yield _header("lectures")
        for index in range(rows):
            day = start + timedelta(days=index % 2000)
            hour = 8 + index // 2000 % 12
            yield _inline_row(
                index + 2,
                [
                    day.isoformat(),
                    f"{hour:02d}:00",
                    f"{hour:02d}:45",
                    f"政策宣讲第{index + 1}场",
                    "李明",
                    "集中宣讲",
                    "村委会会议室",
                    30,
                ],
            )
        yield _SHEET_TAIL

    return _write_xlsx(path, sheet())


def _csv_header(kind: str) -> str:
    return ",".join(HEADERS[kind]) + "\r\n"


def empty_cells_csv(path: Path, cells: int) -> Path:
    """A header and then one line of ``cells`` empty cells (only commas)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_csv_header("lectures"))
        block = "," * (1024 * 1024)
        left = cells
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= len(block)
        out.write("\r\n")
    return path


def stray_cells_csv(path: Path, cells: int) -> Path:
    """A valid lecture followed by ``cells`` more cells that each hold something."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_csv_header("lectures"))
        out.write("2024-03-15,08:30,10:00,政策宣讲,李明,集中宣讲,村委会,30," + ",x" * cells + "\r\n")
    return path


def many_bad_rows_csv(path: Path, rows: int) -> Path:
    """``rows`` lectures, each with a date that does not exist."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_csv_header("lectures"))
        for index in range(rows):
            out.write(f"2024-02-30,08:30,10:00,政策宣讲第{index + 1}场,李明,集中宣讲,村委会,30,\r\n")
    return path


def huge_cell_csv(path: Path, chars: int) -> Path:
    """A lecture whose topic is ``chars`` characters long."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_csv_header("lectures"))
        out.write("2024-03-15,08:30,10:00,")
        block = "讲" * 65536
        left = chars
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= len(block)
        out.write(",李明,集中宣讲,村委会,30,\r\n")
    return path
