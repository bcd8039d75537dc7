"""A wrong value gets the same words in a form as in an imported file, and those words say
exactly what is wrong (the month, the day, the hour, the sign, the limit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_tui.cli import main
from tests.tui.conftest import new_lecture_form, text_of

HEADER = "日期,开始时间,结束时间,主题,宣讲人,形式,地点,受众人数,备注"
#: (form box, typed, what the form and the importer both say)
WRONG = [
    ("date", "2026-13-01", "日期“2026-13-01”不存在：没有 13 月"),
    ("date", "2026-02-30", "日期“2026-02-30”不存在：2月没有30日"),
    ("start_time", "25:00", "时间“25:00”不存在：小时应在 0–23"),
    ("audience", "-5", "受众人数不能为负数"),
    ("topic", "长" * 3000, "太长了：最多 200 个字（现在 3000 个）"),
]


def imported_problem(
    db_path: Path, tmp_path: Path, field: str, typed: str, capsys: pytest.CaptureFixture[str]
) -> str:
    row = {"date": "2026-11-20", "start_time": "", "topic": "讲政策", "audience": "", field: typed}
    path = tmp_path / "宣讲.csv"
    line = f"{row['date']},{row['start_time']},,{row['topic']},,,,{row['audience']},"
    path.write_text(f"{HEADER}\n{line}\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", "lectures", str(path)]) == 1
    return capsys.readouterr().err


@pytest.mark.parametrize(("field", "typed", "words"), WRONG, ids=[w[0] + "-" + w[1][:10] for w in WRONG])
async def test_the_form_says_what_the_importer_says(
    seeded,
    make_app,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    typed: str,
    words: str,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lecture_form(app, pilot)
        form.query_one(f"#f-{field}").value = typed
        await pilot.pause()
        shown = text_of(form.query_one(f"#e-{field}"))
    assert words in shown
    assert words in imported_problem(db_path, tmp_path, field, typed, capsys)
