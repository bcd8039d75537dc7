"""One measure of text in terminal cells, for every column that must line up."""

from __future__ import annotations

import pytest

from station_tui.domain.widths import cell_width, pad


@pytest.mark.parametrize(
    ("text", "cells"),
    [("", 0), ("abc", 3), ("张三", 4), ("科技与科普服务", 14), ("１３８", 6), ("e\u0301", 1), ("理论宣讲 7", 10)],
)
def test_a_chinese_or_full_width_character_takes_two_cells(text: str, cells: int) -> None:
    assert cell_width(text) == cells


def test_pad_fills_to_the_width_and_never_cuts() -> None:
    assert pad("张三", 6) == "张三  "
    assert pad("abc", 5) == "abc  "
    assert pad("科技与科普服务", 4) == "科技与科普服务"
    rows = [pad(name, 16) + "|" for name in ("理论宣讲", "科技与科普服务", "Ab")]
    assert {cell_width(row) for row in rows} == {17}
