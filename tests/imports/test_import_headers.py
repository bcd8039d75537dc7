"""A file whose header row is not the template's is refused with the header it needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_tui.cli import main
from station_tui.imports.headers import HEADERS
from station_tui.imports.kinds import KINDS
from station_tui.storage import Store

from .import_samples import LECTURES, csv_text, write_xlsx

LECTURE_HEADER = "日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注"


def run_import(db: Path, kind: str, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", kind, str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def with_header(tmp_path: Path, header: str, name: str = "h.csv") -> Path:
    body = csv_text("lectures", LECTURES).split("\r\n", 1)[1]
    path = tmp_path / name
    path.write_text(header + "\r\n" + body, encoding="utf-8")
    return path


def test_template_prints_the_header_the_importer_expects(capsys) -> None:
    assert set(HEADERS) == set(KINDS)
    for name, kind in KINDS.items():
        assert main(["template", name]) == 0
        assert capsys.readouterr().out.strip() == ",".join(kind.headers)
    assert ",".join(HEADERS["lectures"]) == LECTURE_HEADER


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("日期,开始时间,结束时间,题目,宣讲人,形式,地点,受众人数,备注", "第 4 列应为“主题”，实际是“题目”"),
        ("日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数", "缺少第 9 列“备注”"),
        ("日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注,照片", "多出了第 10 列“照片”"),
        ("甄家庄宣讲台账,,,,,,,,", "第 1 列应为“日期”，实际是“甄家庄宣讲台账”"),
    ],
)
def test_wrong_header(
    header: str, detail: str, station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    code, out, err = run_import(db_path, "lectures", with_header(tmp_path, header), capsys)
    assert code == 1
    assert out == ""
    assert f"h.csv 第 1 行的表头不对：{detail}" in err
    assert f"表头应为：{LECTURE_HEADER}" in err
    assert "station template lectures" in err
    assert store.lectures.count() == 0


def test_header_of_another_kind_names_the_right_command(station: object, db_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "people.csv"
    path.write_text(",".join(HEADERS["people"]) + "\n张三,男,1965,,否,,,\n", encoding="utf-8")
    code, _, err = run_import(db_path, "lectures", path, capsys)
    assert code == 1
    assert "people.csv 是人员导入文件" in err
    assert "station import people people.csv" in err


def test_spaces_bom_and_trailing_empty_columns_around_the_header_are_fine(
    station: object, store: Store, db_path: Path, tmp_path: Path, capsys
) -> None:
    header = "\ufeff 日期 , 开始时间,结束时间,主题 ,宣讲人,形式,地点,受众人数,备注,,,"
    code, out, err = run_import(db_path, "lectures", with_header(tmp_path, header), capsys)
    assert code == 0, err
    assert "导入 3 条" in out


def test_blank_lines_before_the_header_keep_true_row_numbers(
    station: object, db_path: Path, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(",,,,,,,,\n\n" + LECTURE_HEADER + "\n2024-03-15,,,,李明,集中宣讲,,10,\n", encoding="utf-8")
    code, _, err = run_import(db_path, "lectures", path, capsys)
    assert code == 1
    assert "第 4 行，主题：必须填写" in err


def test_a_quoted_line_break_does_not_shift_row_numbers(station: object, db_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text(
        LECTURE_HEADER
        + '\n2024-03-15,,,政策宣讲,李明,集中宣讲,,10,"第一行\n第二行"\n2024-03-16,,,政策宣讲,,网上,,10,\n',
        encoding="utf-8",
    )
    code, _, err = run_import(db_path, "lectures", path, capsys)
    assert code == 1
    assert "第 3 行，形式：形式“网上”不是可选的形式：集中宣讲、屋场会" in err


def test_xlsx_header_error_and_empty_sheet(station: object, db_path: Path, tmp_path: Path, capsys) -> None:
    wrong = list(HEADERS["lectures"])
    wrong[7] = "人数"
    code, _, err = run_import(db_path, "lectures", write_xlsx(tmp_path / "w.xlsx", "lectures", LECTURES, wrong), capsys)
    assert code == 1
    assert "w.xlsx 第 1 行的表头不对：第 8 列应为“受众人数”，实际是“人数”" in err

    code, _, err = run_import(db_path, "lectures", write_xlsx(tmp_path / "only-header.xlsx", "lectures", []), capsys)
    assert code == 1
    assert "only-header.xlsx 只有表头，没有要导入的记录" in err


def test_xlsx_rows_keep_their_sheet_numbers_across_gaps(station: object, db_path: Path, tmp_path: Path, capsys) -> None:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for column, header in enumerate(HEADERS["lectures"], start=1):
        sheet.cell(row=3, column=column, value=header)
    sheet.cell(row=4, column=1, value=date(2024, 3, 1))
    sheet.cell(row=4, column=4, value="政策宣讲")
    sheet.cell(row=7, column=1, value=date(2024, 3, 2))
    sheet.cell(row=7, column=8, value=5)
    book.save(tmp_path / "gaps.xlsx")
    code, _, err = run_import(db_path, "lectures", tmp_path / "gaps.xlsx", capsys)
    assert code == 1
    assert "有 1 行不对" in err
    assert "第 7 行，主题：必须填写" in err
