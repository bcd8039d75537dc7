"""证书 (更多 › c) as a user drives it at 80×24, keyboard only: a person with no hours refused in
the dialog, a certificate issued after its preview (total and services) is confirmed, written as
.docx into the folder and listed in the register; a reprint; the national platform's .xlsx; and
a certificate started from a person's page with the person already chosen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from textual.widgets import DataTable

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.screens.certificates import CertificateListScreen
from station_tui.storage import Store
from tests.conftest import TODAY
from tests.tui.conftest import current_screen, settle, table_rows, text_of, type_text, until


@pytest.fixture
def app(seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StationApp:
    monkeypatch.setenv("STATION_EXPORT_DIR", str(tmp_path / "exports"))
    zhang = seeded.people.search("张三", limit=1)[0]
    for day, tenths, what in ((date(2026, 3, 8), 20, "帮五保户修屋顶"), (date(2026, 9, 1), 35, "陪老人就医")):
        seeded.hours.late_entry(str(zhang.id), day, tenths, "补记", "王秀英", content=what)
    return StationApp(seeded, settings=Settings(), language="zh_CN", today=TODAY)


async def test_a_certificate_is_issued_from_the_register(app: StationApp, tmp_path: Path) -> None:
    store = app.store
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(current_screen(app), CertificateListScreen)
        assert table_rows(app.screen.query_one(DataTable)) == []

        # 李四 has no hours: refused in the dialog, nothing registered, everything typed kept.
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "ls")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "没有记入的服务时长" in text_of(current_screen(app).query_one("#dialog-error")))
        assert text_of(app.screen.query_one("#dialog-error")) == (
            "李四 在 2026-01-01 至 2026-11-22 期间没有记入的服务时长，不能开具志愿服务记录证明")
        assert store.certificates.count_page() == 0

        # 张三, by initials: the preview says the total and the services before anything is written.
        await pilot.press("shift+tab")  # back from 起始日期 to the picker
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "picker-input"
        await type_text(pilot, "zs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: current_screen(app).query("#confirm-question"))
        assert text_of(app.screen.query_one("#confirm-question")) == (
            "为 张三 开具志愿服务记录证明：\n2026-01-01 至 2026-11-22，共 2 次服务，累计 5.5 小时。\n"
            "负责人：王秀英\n开具后登记编号并上传县中心，不能修改。确定开具吗？")
        assert store.certificates.count_page() == 0
        await pilot.press("y")
        await until(pilot, lambda: table_rows(current_screen(app).query_one(DataTable)))
        number = "140311101201-2026-0001"
        assert table_rows(app.screen.query_one(DataTable)) == [
            [number, "张三", "2026-01-01", "2026-11-22", "5.5", "2"]]
        written = tmp_path / "exports" / f"志愿服务记录证明-{number}-张三.docx"
        await until(pilot, written.exists)
        cells = [c.text for row in Document(str(written)).tables[0].rows for c in row.cells]
        assert "帮五保户修屋顶" in cells and "陪老人就医" in cells and "5.5" in cells

        # Enter on the row writes it again, into a folder typed in the dialog.
        again = tmp_path / "usb"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, str(again))
        await pilot.press("enter")
        await until(pilot, (again / written.name).exists)
        assert [p.text for p in Document(str(again / written.name)).paragraphs] == [
            p.text for p in Document(str(written)).paragraphs]

        # x: hours per volunteer per activity for the national platform.
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        exported = tmp_path / "exports" / "志愿服务时长-2026-01-01至2026-11-22.xlsx"
        await until(pilot, exported.exists)
    assert store.certificates.count_page() == 1


async def test_a_certificate_from_a_persons_page(app: StationApp) -> None:
    from station_tui.screens.person_page import PersonPageScreen

    zhang = app.store.people.search("张三", limit=1)[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PersonPageScreen(str(zhang.id)))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert text_of(app.screen.query_one("#chosen-person")) == "已选定：张三"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: current_screen(app).query("#confirm-question"))
        await pilot.press("y")
        await until(pilot, lambda: app.store.certificates.count_page() == 1)
        await settle(pilot)
    (cert,) = app.store.certificates.page()
    assert (cert.person_name, cert.total_tenths, cert.issuer) == ("张三", 55, "王秀英")
