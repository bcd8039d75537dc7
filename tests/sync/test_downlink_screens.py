"""What the county published, where the station manager sees it: the 同步 screen's 立即同步
receives it (the same client as `station sync`), lists the notices, and the dashboard measures
the month against the county's minimums and shows its theme and latest notice."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from county import feed
from county.store import CountyStore
from tests.conftest import TODAY
from tests.county_server import County
from tests.sync.support import StationPC
from tests.sync.test_sync_screen import _app, _open_sync, _text, _wait_for
from tests.tui.conftest import table_rows, until


async def test_sync_now_brings_the_countys_word_to_the_screens(
    station_pc: StationPC, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    station_pc.enroll(county)
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    with CountyStore(county.store) as store:
        feed.publish(store, "theme", {"month": month, "theme": "学雷锋志愿服务月"})
        feed.publish(store, "minimums", {"minimums": {"理论宣讲": 7, "文化服务": 3}}, station=station_pc.code)
        feed.publish(store, "categories", {"kind": "team", "items": ["科学理论宣讲", "五老队伍"]})
        feed.publish(store, "notice", {"date": TODAY.isoformat(), "title": "关于开展学雷锋活动的通知",
                                       "body": "请各站本月开展学雷锋活动。"}, township="府西街道")  # fmt: skip
    monkeypatch.setenv("STATION_CONFIG_DIR", str(station_pc.config))
    app = _app(station_pc)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await _wait_for(app, "#dash-title", "待上传修改 1 条")  # the station's own row
        assert not app.screen.query_one("#dash-county").display  # nothing from the county yet
        await until(pilot, lambda: "五老队伍" not in app.team_categories and app.team_categories)
        await _open_sync(app, pilot)
        await _wait_for(app, "#sync-pending", "待上传的修改")
        await pilot.click("#sync-now")
        await _wait_for(app, "#sync-status", "收到县中心下发内容 4 条，其中新通知 1 条")
        table = app.screen.query_one("#sync-notices", DataTable)
        await until(pilot, lambda: table.display and table.row_count == 1)
        assert table_rows(table)[0][1:] == ["本乡镇", "关于开展学雷锋活动的通知"]
        await pilot.press("1")
        await _wait_for(app, "#dash-county", "本月主题：学雷锋志愿服务月")
        assert "县中心通知" in _text(app, "#dash-county")
        platforms = await _wait_for(app, "#dash-platforms", "/ 7")
        assert "文化服务         0 / 3" in platforms
        assert "健身体育服务     0 / 0" in platforms  # a platform the county left out needs none
        assert app.screen.query_one("#dash-platforms").border_title == "五大平台 本月场次/县中心要求"
        # The team categories forms offer and accept are the county's now.
        await until(pilot, lambda: app.team_categories == ["科学理论宣讲", "五老队伍"])
    app.store.close()
