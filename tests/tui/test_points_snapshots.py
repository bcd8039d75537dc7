"""The 积分 and 爱心超市 screens at 80×24 in Chinese, on fixed data (the seeded station, a few
entries and goods, pinned "today"). Update after an intended change with
``uv run pytest tests/tui/test_points_snapshots.py --snapshot-update`` and look at the SVGs."""

from __future__ import annotations

from datetime import date

import pytest

from station_tui.app import StationApp
from station_tui.config import Settings
from station_tui.domain.models import Goods
from station_tui.storage import Store
from tests.conftest import TODAY
from tests.tui.test_snapshots import SIZE, keys

SCREENS = {
    "points": ("6", "j"),
    "person_points": ("6", "j", "slash", "z", "s", "enter", "enter"),
    "public_list": ("6", "j", "m"),
    "market": ("6", "s"),
}


@pytest.fixture
def with_points(seeded: Store) -> Store:
    zhang = seeded.people.search("张三", limit=1)[0]
    seeded.points_entries.adjust(str(zhang.id), 30, item="好人好事", reason="帮邻居修屋顶", on=date(2026, 11, 5))
    seeded.points_entries.adjust(str(zhang.id), -5, item="移风易俗", reason="大操大办", on=date(2026, 11, 9))
    for name, price, unit, stock in (("香皂", 3, "块", 40), ("食用油", 20, "桶", 6)):
        goods = seeded.goods.add(Goods(name=name, price_points=price, unit=unit))
        seeded.goods.restock(str(goods.id), stock, on=date(2026, 11, 1))
    return seeded


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, with_points: Store, snap_compare) -> None:
    app = StationApp(with_points, settings=Settings(), language="zh_CN", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*SCREENS[name]))
