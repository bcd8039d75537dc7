"""The 自评 screen (更多 → z): the score by the rubric, a tick with its evidence, and a rating."""

from __future__ import annotations

from textual.widgets import DataTable

from station_tui.storage import self_check
from tests.tui.conftest import TODAY, settle, table_rows, text_of, type_text, until


async def _open(app, pilot) -> DataTable:
    await settle(pilot)
    await pilot.press("6", "z")
    await until(pilot, lambda: app.current_mode == "self_check")
    table = app.screen.query_one("#check-items", DataTable)
    await until(pilot, lambda: table.row_count > 0)
    return table


async def test_a_tick_with_evidence_raises_the_score_and_is_kept(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        before = self_check.assessment(seeded, TODAY, self_check.load_rubric(None)).score
        assert text_of(app.screen.query_one("#check-score")).startswith(f"得分 {before} / 100")
        rows = table_rows(table)
        signage = next(i for i, row in enumerate(rows) if row[2] == "统一标识标牌醒目规范")
        assert rows[signage][0] == "✗"
        table.move_cursor(row=signage)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query("#tick-evidence"))
        await pilot.press("ctrl+s")  # no evidence: refused, the dialog stays
        await settle(pilot)
        assert "请写明佐证材料" in text_of(app.screen.query_one("#tick-problem"))
        await type_text(pilot, "门牌照片 IMG_0012.jpg")
        await pilot.press("enter")
        await until(pilot, lambda: text_of(app.screen.query_one("#check-score")).startswith(f"得分 {before + 5} "))
        assert table_rows(app.screen.query_one("#check-items", DataTable))[signage][0] == "✓"
    mark = self_check.marks(seeded, TODAY.year)["signage"]
    assert (mark.ticked, mark.evidence) == (True, "门牌照片 IMG_0012.jpg")


async def test_a_computed_item_cannot_be_ticked_and_a_rating_is_recorded(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        table.move_cursor(row=0)  # 阵地 capacity: the records answer it
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query("#tick-evidence")
        await pilot.press("r")
        await until(pilot, lambda: app.screen.query("#review-score"))
        await pilot.press("tab")
        await type_text(pilot, "88")
        await pilot.press("ctrl+s")  # stars and reviewer still missing
        await settle(pilot)
        assert "星级" in text_of(app.screen.query_one("#review-problem"))
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("tab")
        await type_text(pilot, "王乡长")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "乡镇审核 88 分 ★★★★☆ 王乡长" in text_of(app.screen.query_one("#check-reviews")))
    (review,) = self_check.reviews(seeded, TODAY.year)
    assert (review.level, review.score, review.stars, review.reviewer) == ("乡镇审核", 88, 4, "王乡长")
