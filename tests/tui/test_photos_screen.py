"""照片 (i on a lecture): photos added from a folder typed in, shown as half blocks, captioned
and removed, all by keyboard at 80×24."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from textual.widgets import DataTable

from station_tui.storage import photos
from station_tui.widgets.photo_preview import half_blocks
from tests.tui.conftest import settle, table_rows, text_of, type_text, until


def test_half_blocks_draw_the_top_pixel_over_the_bottom_one(tmp_path: Path) -> None:
    picture = Image.new("RGB", (4, 4), (255, 0, 0))
    picture.paste((0, 0, 255), (0, 2, 4, 4))  # red above blue
    path = tmp_path / "flag.png"
    picture.save(path)
    drawn = half_blocks(path, 4, 2)
    assert drawn.plain == "▀▀▀▀\n▀▀▀▀\n"
    first_row, second_row = drawn.spans[0].style, drawn.spans[4].style
    assert first_row.color.triplet == (255, 0, 0) and first_row.bgcolor.triplet == (255, 0, 0)  # type: ignore[union-attr]
    assert second_row.color.triplet == (0, 0, 255)  # type: ignore[union-attr]


async def test_photos_are_added_from_a_folder_captioned_and_removed(seeded, make_app, tmp_path: Path) -> None:
    stick = tmp_path / "usb" / "DCIM"
    stick.mkdir(parents=True)
    for i, colour in enumerate(((220, 60, 40), (40, 120, 200))):
        Image.new("RGB", (3000, 2000), colour).save(stick / f"IMG_000{i}.JPG")
    (stick / "说明.txt").write_text("不是照片", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count > 0)
        lecture_id = app.screen.selected_id()
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query("#photos-preview"))
        assert "还没有照片" in text_of(app.screen.query_one("#photos-preview"))
        await pilot.press("a")
        await until(pilot, lambda: app.screen.query("#picker-path"))
        await pilot.press("ctrl+u")
        await type_text(pilot, str(stick))
        await pilot.press("enter", "ctrl+a")  # the folder, then every photo in it
        await until(pilot, lambda: app.screen.query("#photos-list")
                    and app.screen.query_one("#photos-list", DataTable).row_count == 2)
        assert [row[1] for row in table_rows(app.screen.query_one("#photos-list"))] == ["1920×1280"] * 2
        await until(pilot, lambda: "▀" in text_of(app.screen.query_one("#photos-preview")))
        await pilot.press("e")
        await until(pilot, lambda: app.screen.query("#caption-text"))
        await type_text(pilot, "宣讲现场")
        await pilot.press("enter")
        await until(pilot, lambda: "宣讲现场" in str(table_rows(app.screen.query_one("#photos-list"))))
        await pilot.press("d", "y")
        await until(pilot, lambda: app.screen.query_one("#photos-list", DataTable).row_count == 1)
    kept = photos.of_record(seeded, "lectures", lecture_id)
    assert len(kept) == 1 and kept[0].caption is None and kept[0].original_name == "IMG_0001.JPG"


async def test_a_request_opens_its_photos_with_i_and_its_form_counts_them(seeded, make_app, tmp_path: Path) -> None:
    from datetime import date

    from station_tui.domain.models import Request

    request = seeded.requests.add(Request(received_on=date(2026, 11, 2), wish="修补漏雨的屋顶", requester="王大妈"))
    stick = tmp_path / "usb"
    stick.mkdir()
    Image.new("RGB", (800, 600), (90, 140, 60)).save(stick / "roof.jpg")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6", "d")
        await until(pilot, lambda: app.current_mode == "requests" and app.screen.query_one(DataTable).row_count > 0)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query("#photos-preview"))
        await pilot.press("a")
        await until(pilot, lambda: app.screen.query("#picker-path"))
        await pilot.press("ctrl+u")
        await type_text(pilot, str(stick))
        await pilot.press("enter", "ctrl+a")
        await until(pilot, lambda: app.screen.query("#photos-list")
                    and app.screen.query_one("#photos-list", DataTable).row_count == 1)
        await pilot.press("escape")
        await until(pilot, lambda: app.current_mode == "requests" and not app.screen.query("#photos-list"))
        await pilot.press("e")
        await until(pilot, lambda: app.screen.query("#photo-count"))
        assert text_of(app.screen.query_one("#photo-count")).startswith("照片：1 张")
    assert [p.original_name for p in photos.of_record(seeded, "requests", str(request.id))] == ["roof.jpg"]
