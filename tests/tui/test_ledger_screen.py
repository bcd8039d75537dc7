"""台账 (更多 → l): the month just finished by default, written into the folder typed."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from tests.tui.conftest import settle, text_of, type_text, until


async def test_the_ledger_is_written_into_the_folder_typed(seeded, make_app, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6", "l")
        await until(pilot, lambda: app.current_mode == "ledger")
        period = app.screen.query_one("#ledger-period")
        assert period.value == "2026-10"  # tests' today is in November 2026
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11")
        app.screen.query_one("#ledger-folder").value = str(tmp_path / "nowhere")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "没有这个文件夹" in text_of(app.screen.query_one("#ledger-result"))
        app.screen.query_one("#ledger-folder").value = str(stick)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "已生成" in text_of(app.screen.query_one("#ledger-result")))
    (written,) = stick.glob("台账-*-2026-11.docx")
    assert "新时代文明实践活动台账（2026-11）" in Document(str(written)).paragraphs[0].text
