"""Sample import files as a station would have them, in every format the importer accepts.

Rows are given with typed values (dates, times, numbers) as Excel holds them; CSV files get
the text a person would type, written in the requested encoding.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from station_tui.imports.headers import HEADERS

LECTURES: list[list[Any]] = [
    [
        date(2024, 3, 15),
        time(8, 30),
        time(10, 0),
        "学习贯彻党的二十大精神",
        "李明",
        "集中宣讲",
        "村委会会议室",
        120,
        None,
    ],
    [datetime(2024, 3, 20), None, None, "乡村振兴政策解读", "王芳", "屋场会", "张家院子", 35, "雨天改在室内"],
    [date(2024, 4, 2), time(9, 0), time(9, 45), "防范电信诈骗", None, "大喇叭广播", None, 300, None],
]

ACTIVITIES: list[list[Any]] = [
    [
        date(2024, 3, 5), time(8, 30), time(11, 0), "学雷锋义务理发", "文化服务", "村委会门前", 45, 5, 12.5,
        "学雷锋在身边", None,
    ],
    [
        datetime(2024, 3, 12), time(19, 0), time(20, 30), "广场舞展演", "健身体育服务", "文化广场", 120, 0, None,
        None, None,
    ],
    [
        date(2024, 3, 20),
        time(14, 0),
        time(16, 0),
        "防治非洲猪瘟科普讲座",
        "科技与科普服务",
        "农家书屋",
        60,
        2,
        4,
        "田间课堂",
        "发放宣传册",
    ],
]

PEOPLE: list[list[Any]] = [
    ["张三", "男", 1965, 13812345678, "是", 14031100001, "百姓宣讲队", None],
    ["李秀兰", "女", 1972, None, "否", None, None, "腿脚不便"],
    ["王建国", "男", 1958, "0353-2021234", "是", None, "百姓宣讲队", None],
]

REQUESTS: list[list[Any]] = [
    [date(2024, 3, 5), "修补漏雨的屋顶", "东屋下雨漏水", "王秀英", 13812345678, "3组12号", "生活帮扶", "入户询单",
     date(2024, 3, 12), "李明", None],
    [datetime(2024, 3, 8), "教用智能手机", "想学视频通话", "赵大爷", None, "5组3号", "技能培训", "当面", None, "李明",
     None],
    [date(2024, 3, 9), "讲讲养老保险政策", None, "曾秀兰", "0353-2021234", None, None, None, None, None, "电话里说的"],
]

SAMPLES = {"lectures": LECTURES, "activities": ACTIVITIES, "people": PEOPLE, "requests": REQUESTS}

#: How the dates of the CSV files are typed: every accepted style appears.
_DATE_STYLES = (
    "{d:%Y-%m-%d}",
    "{d.year}/{d.month}/{d.day}",
    "{d.year}年{d.month}月{d.day}日",
    "{d.year}.{d.month}.{d.day}",
)


def as_text(value: Any, index: int) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _DATE_STYLES[index % len(_DATE_STYLES)].format(d=value)
    if isinstance(value, time):
        # Excel writes 8:30, people type 08:30: both appear.
        return f"{value:%H:%M}" if index % 2 else f"{value.hour}:{value.minute:02d}"
    return str(value)


def csv_text(kind: str, rows: list[list[Any]]) -> str:
    lines = [",".join(HEADERS[kind])]
    for index, row in enumerate(rows):
        lines.append(",".join(_quote(as_text(v, index)) for v in row))
    # Excel ends lines with CRLF.
    return "\r\n".join(lines) + "\r\n"


def _quote(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_csv(path: Path, kind: str, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(kind, rows).encode(encoding))
    return path


def write_xlsx(path: Path, kind: str, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    """A workbook as Excel saves it: typed date, time and number cells with display formats."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "导入"
    sheet.append(list(header or HEADERS[kind]))
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy/m/d"
            elif isinstance(cell.value, time):
                cell.number_format = "h:mm"
    # A second sheet must be ignored: only the first one is read.
    book.create_sheet("说明").append(["这一页不导入"])
    book.save(path)
    return path


def write_file(directory: Path, kind: str, rows: list[list[Any]], fmt: str, name: str | None = None) -> Path:
    """``fmt`` is ``utf-8``, ``utf-8-sig``, ``gbk`` or ``xlsx``."""
    stem = name or f"{kind}-{fmt}"
    if fmt == "xlsx":
        return write_xlsx(directory / f"{stem}.xlsx", kind, rows)
    return write_csv(directory / f"{stem}.csv", kind, rows, fmt)
