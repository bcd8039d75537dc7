"""Reading an import file into rows of cells, whatever program saved it.

- ``.csv`` in UTF-8 (with or without the BOM Excel adds), or GBK/GB18030 as Excel saves
  "CSV (逗号分隔)" on a Chinese Windows. UTF-8 is tried strictly first: GBK bytes are almost
  never valid UTF-8, while UTF-8 text often decodes as (wrong) GB18030, so the order matters.
- ``.xlsx``: the first sheet, through openpyxl in read-only mode (imported only here).

Rows are numbered as the spreadsheet shows them (the first line is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is bilingual and says what to do."""


@dataclass(frozen=True)
class Table:
    """Every row of the file with its spreadsheet row number; cells are text or typed values."""

    rows: list[tuple[int, list[Any]]]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "utf-16" or "xlsx"


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
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"无法读取文件 {path}：{exc.strerror or exc}\nCannot read {path}: {exc}") from exc
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
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        # Number records, not physical lines: a quoted cell with a line break spans two lines
        # of the file but is one row in Excel.
        rows = list(enumerate(reader, start=1))
    except csv.Error as exc:
        raise FileProblem(
            f"{path.name} 第 {reader.line_num} 行不是有效的 CSV：{exc}\n{path.name} line {reader.line_num} is not valid CSV: {exc}"
        ) from exc
    return Table(rows=rows, encoding=encoding)


def _read_xlsx(path: Path, data: bytes) -> Table:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise FileProblem("读取 .xlsx 需要 openpyxl。\nReading .xlsx needs openpyxl.") from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file raises many different errors
        raise FileProblem(
            f"无法打开 {path.name}：它不是有效的 .xlsx 工作簿（{type(exc).__name__}）。请用 Excel 打开后重新保存。\n"
            f"Cannot open {path.name}: not a valid .xlsx workbook ({exc})."
        ) from exc
    try:
        if not book.worksheets:
            raise FileProblem(f"{path.name} 里没有工作表。\n{path.name} has no worksheet.")
        sheet = book.worksheets[0]
        rows = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return Table(rows=rows, encoding="xlsx")
