"""The month's 积分公示 as an .xlsx: opened again with openpyxl, its cells say what the ledger says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from station_tui.domain import Person
from station_tui.domain.models import Goods
from station_tui.reports.points_public import default_name, write_xlsx
from station_tui.storage import Store


def test_the_public_list_xlsx_holds_each_persons_month(store: Store, tmp_path: Path) -> None:
    ledger, goods, redemptions = store.repository("points_entries"), store.repository("goods"), store.repository(
        "redemptions"
    )
    zhang = store.people.add(Person(name="张三"))
    li = store.people.add(Person(name="李四"))
    ledger.adjust(str(zhang.id), 30, item="好人好事", on=date(2026, 10, 5))  # type: ignore[attr-defined]
    ledger.adjust(str(zhang.id), 5, item="好人好事", on=date(2026, 11, 2))  # type: ignore[attr-defined]
    ledger.adjust(str(zhang.id), -5, item="移风易俗", on=date(2026, 11, 9))  # type: ignore[attr-defined]
    ledger.adjust(str(li.id), 12, on=date(2026, 11, 20))  # type: ignore[attr-defined]
    oil = goods.add(Goods(name="食用油", price_points=20))
    goods.restock(str(oil.id), 2)  # type: ignore[attr-defined]
    redemptions.redeem(str(zhang.id), str(oil.id), on=date(2026, 11, 21))  # type: ignore[attr-defined]

    lines = ledger.month_public(2026, 11)  # type: ignore[attr-defined]
    path = write_xlsx(lines, tmp_path / "out" / default_name(2026, 11), station="甄家庄社区新时代文明实践站",
                      year=2026, month=11, made=date(2026, 12, 1))
    assert path.name == "积分公示-2026-11.xlsx"
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == "甄家庄社区新时代文明实践站2026年11月积分公示"
    assert [c.value for c in sheet[2]] == ["序号", "姓名", "服务获得", "奖励", "扣减", "兑换", "本月合计", "月末余额"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=5)]
    assert rows == [
        [1, "李四", 0, 12, 0, 0, 12, 12],
        [2, "张三", 0, 5, -5, -20, -20, 10],
        ["合计", None, 0, 17, -5, -20, -8, 22],
    ]
    assert sheet["A7"].value.startswith("公示日期：2026-12-01")
    assert sheet.page_setup.paperSize == 9  # A4
