"""Reading an import file into rows of cells, whatever program saved it.

- ``.csv`` in UTF-8 (with or without the BOM Excel adds), or GBK/GB18030 as Excel saves
  "CSV (逗号分隔)" on a Chinese Windows. UTF-8 is tried strictly first: GBK bytes are almost
  never valid UTF-8, while UTF-8 text often decodes as (wrong) GB18030, so the order matters.
- ``.xlsx``: the first sheet, through openpyxl in read-only mode (imported only here).

Rows are numbered as the spreadsheet shows them (the first line is row 1) and come one at a
time, so memory stays flat however long the file is. Everything is bounded by
``limits.py``: a file, an .xlsx part, a CSV record and the cells kept of a row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_tui.imports.cells import is_blank
from station_tui.imports.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROW_CHARS,
    MAX_ROWS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_TOTAL_BYTES,
)

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is bilingual and says what to do."""


@dataclass(frozen=True)
class SheetRow:
    """One row as the spreadsheet numbers it; cells are text or typed values."""

    number: int
    #: The first ``MAX_COLUMNS`` cells.
    cells: list[Any]
    #: Cells past those that have something in them (only counted) ...
    wide_cells: int = 0
    #: ... and the column number of the first of them.
    wide_from: int = 0


def sheet_row(number: int, cells: Any) -> SheetRow:
    kept = list(cells[:MAX_COLUMNS])
    if len(cells) <= MAX_COLUMNS:
        return SheetRow(number, kept)
    wide = [index for index, cell in enumerate(cells[MAX_COLUMNS:], start=MAX_COLUMNS + 1) if not is_blank(cell)]
    return SheetRow(number, kept, len(wide), wide[0] if wide else 0)


def column_letters(index: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD: how Excel names the column."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@dataclass(frozen=True)
class Table:
    """The rows of the file, read as they are asked for; close ``rows`` when stopping early."""

    rows: Generator[SheetRow, None, None]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "utf-16" or "xlsx"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileProblem(
            f"{path.name} 是旧版 Excel 文件（.xls），请在 Excel 里“另存为” .xlsx 工作簿或 CSV 后再导入。\n"
            f"{path.name} is an old .xls workbook: save it as .xlsx or CSV first."
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise FileProblem(
            f"只能导入 .csv 或 .xlsx 文件，{path.name} 不是。\n"
            f"Only .csv and .xlsx files can be imported; {path.name} is neither."
        )
    if not path.exists():
        raise FileProblem(f"找不到文件：{path}\nFile not found: {path}")
    if path.is_dir():
        raise FileProblem(f"{path} 是文件夹，不是文件。\n{path} is a directory, not a file.")
    try:
        with path.open("rb") as handle:
            # One byte past the limit says "too big" without trusting the size the file
            # system reports (a file still being copied grows).
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FileProblem(f"无法读取文件 {path}：{exc.strerror or exc}\nCannot read {path}: {exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            f"{path.name} 太大（超过 {_mb(MAX_FILE_BYTES)}），不像是站点的记录表。"
            f"每次最多导入 {MAX_ROWS:,} 条记录；请检查是否选错了文件，或分成几个文件导入。\n"
            f"{path.name} is larger than {_mb(MAX_FILE_BYTES)}; split it or check that it is the right file."
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(f"文件 {path.name} 是空的。\nThe file {path.name} is empty.")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, data)
    return _read_csv(path, data)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" (UTF-16, tab separated).
        return data.decode("utf-16"), "utf-16"
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode("utf-8-sig"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UnicodeError from None


def _read_csv(path: Path, data: bytes) -> Table:
    try:
        content, encoding = decode(data)
    except UnicodeError:
        raise FileProblem(
            f"无法识别 {path.name} 的文字编码（既不是 UTF-8 也不是 GBK）。请在 Excel 里另存为"
            f"“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。\n"
            f"Cannot tell the text encoding of {path.name} (neither UTF-8 nor GBK); save it as CSV UTF-8 or .xlsx."
        ) from None
    first_line = content[: content.find("\n")] if "\n" in content else content
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return Table(rows=_csv_rows(path, content, delimiter), encoding=encoding)


class _RecordTooLong(Exception):
    pass


def _csv_rows(path: Path, content: str, delimiter: str) -> Generator[SheetRow, None, None]:
    if "\n" not in content:
        content = content.replace("\r", "\n")  # old Mac Excel ended lines with CR only
    # Characters of the record being read: the csv module keeps a quoted cell's line breaks
    # inside one record, so a stray quote could otherwise swallow the rest of the file.
    taken = 0

    def lines() -> Iterator[str]:
        # Slices of the text itself: io.StringIO would hold a second copy at 4 bytes a character.
        nonlocal taken
        start, end = 0, len(content)
        while start < end:
            stop = content.find("\n", start, start + MAX_ROW_CHARS + 1)
            stop = start + MAX_ROW_CHARS + 1 if stop < 0 else stop + 1
            line = content[start:stop]
            start = stop
            taken += len(line)
            if taken > MAX_ROW_CHARS:
                raise _RecordTooLong
            yield line

    csv.field_size_limit(MAX_ROW_CHARS)
    reader = csv.reader(lines(), delimiter=delimiter)
    number = 0
    try:
        # Number records, not physical lines: a quoted cell with a line break spans two lines
        # of the file but is one row in Excel.
        for cells in reader:
            number += 1
            taken = 0
            yield sheet_row(number, cells)
    except _RecordTooLong:
        raise FileProblem(
            f"{path.name} 第 {number + 1} 行太长（超过 {MAX_ROW_CHARS:,} 个字），不像是一条记录；"
            f"可能是某个引号没有配对。请用 Excel 打开检查后另存为 CSV 或 .xlsx。\n"
            f"{path.name} row {number + 1} is longer than {MAX_ROW_CHARS:,} characters (an unmatched quote?)."
        ) from None
    except csv.Error as exc:
        raise FileProblem(
            f"{path.name} 第 {reader.line_num} 行不是有效的 CSV：{exc}\n"
            f"{path.name} line {reader.line_num} is not valid CSV: {exc}"
        ) from exc


def _read_xlsx(path: Path, data: bytes) -> Table:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise FileProblem("读取 .xlsx 需要 openpyxl。\nReading .xlsx needs openpyxl.") from exc
    _check_zip_sizes(path, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file raises many different errors
        raise _not_a_workbook(path, exc) from exc
    if not book.worksheets:
        book.close()
        raise FileProblem(f"{path.name} 里没有工作表。\n{path.name} has no worksheet.")
    return Table(rows=_xlsx_rows(path, book), encoding="xlsx")


def _xlsx_rows(path: Path, book: Any) -> Generator[SheetRow, None, None]:
    sheet = book.worksheets[0]
    # The declared size (``A1:XFD1048576`` in a hostile or badly saved file) would make
    # openpyxl pad every row to 16,384 cells; without it a row is as wide as its last cell.
    sheet.reset_dimensions()
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield sheet_row(number, cells)
    except FileProblem:
        raise
    except Exception as exc:  # damaged XML inside a zip that opened
        raise _not_a_workbook(path, exc) from exc
    finally:
        book.close()


def _not_a_workbook(path: Path, exc: Exception) -> FileProblem:
    return FileProblem(
        f"无法打开 {path.name}：它不是有效的 .xlsx 工作簿（{type(exc).__name__}）。请用 Excel 打开后重新保存。\n"
        f"Cannot open {path.name}: not a valid .xlsx workbook ({type(exc).__name__})."
    )


def _check_zip_sizes(path: Path, data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than a station's records ever need.

    The sizes come from the zip's own directory; zipfile stops reading a part at its declared
    size (and fails its checksum), so a part cannot unpack to more than it declares."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _not_a_workbook(path, exc) from exc
    biggest = max(parts, key=lambda part: part.file_size, default=None)
    total = sum(part.file_size for part in parts)
    if biggest is not None and (biggest.file_size > MAX_XLSX_PART_BYTES or total > MAX_XLSX_TOTAL_BYTES):
        raise FileProblem(
            f"{path.name} 解压后太大（其中 {biggest.filename} 有 {_mb(biggest.file_size)}，"
            f"上限 {_mb(MAX_XLSX_PART_BYTES)}）：记录太多或内容异常大。"
            f"每次最多导入 {MAX_ROWS:,} 条记录；请检查是否选错了文件，或分成几个文件导入。\n"
            f"{path.name} unpacks to too much ({biggest.filename}: {_mb(biggest.file_size)});"
            " split it or check the file."
        )
