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


def _county_sends(store, rubric: dict | None, published_at: str = "2026-12-01T12:00:00Z") -> None:
    """The county's rubric as `station sync` stores it (sync/receive.py), or its withdrawal."""
    from sync.downlink import DownlinkPage, FeedItem
    from sync.receive import Received, _store

    feed_id, after = store.county_word.position()
    seq = after + 1
    item = FeedItem(id="rubric", seq=seq, kind="rubric", deleted=rubric is None,
                    body={"rubric": rubric} if rubric else {}, published_at=published_at)
    _store(store, DownlinkPage(feed_id=feed_id or "feed-1", after=after, next_after=seq, more=False, items=[item],
                               server_time=published_at), Received())


async def test_the_screen_names_the_rubric_it_scores_by(seeded, make_app) -> None:
    import json

    from station_tui.domain.rubric import default_rubric

    county = json.loads(default_rubric().model_dump_json())
    county["name"] = "杏花岭区星级评定细则"
    county["items"] = county["items"][:2]
    county["star_scores"] = [10, 15]
    _county_sends(seeded, county)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open(app, pilot)
        await until(pilot, lambda: "县中心下发" in text_of(app.screen.query_one("#check-rubric")))
        # Published at noon UTC on 1 December: that day on this computer, from UTC-11 to UTC+11.
        shown = text_of(app.screen.query_one("#check-rubric"))
        assert shown == "评分细则（县中心下发 2026-12-01）：杏花岭区星级评定细则"
        assert [row[2] for row in table_rows(table)] == [i["title"] for i in county["items"]]
        assert "/ 15" in text_of(app.screen.query_one("#check-score"))
        _county_sends(seeded, None)  # withdrawn: the default again
        await pilot.press("f5")
        await until(pilot, lambda: text_of(app.screen.query_one("#check-rubric")).startswith("评分细则（默认）："))
        await until(pilot, lambda: table.row_count == len(default_rubric().items))
        assert "/ 100" in text_of(app.screen.query_one("#check-score"))
