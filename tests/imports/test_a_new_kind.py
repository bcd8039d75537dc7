"""A record kind that declares import columns gets its import file (headers, how each cell is
read, the labels in its messages) from its declaration alone: nothing in imports/ or
domain/errors.py names it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from typing import Annotated, Literal

import pytest
from pydantic import Field, ValidationError

from station_tui.domain import errors, explain
from station_tui.domain import kinds as domain_kinds
from station_tui.domain.declare import Meta
from station_tui.domain.kinds import Beside, RecordKind
from station_tui.domain.models import Record
from station_tui.imports import cells
from station_tui.imports.kinds import import_kind, import_kinds
from station_tui.imports.readers import SheetRow
from station_tui.imports.rows import parse_row


class Toy(Record):
    title: Annotated[str, Meta("名目")] = Field(min_length=1, max_length=10)
    day: Annotated[date, Meta("哪天")]
    at: Annotated[time | None, Meta("几点")] = None
    many: Annotated[int, Meta("多少")] = 0
    spent: Annotated[int, Meta("用时", typed_as="hours")] = 0
    born: Annotated[int | None, Meta("生年", typed_as="year")] = None
    works: Annotated[bool, Meta("能用")] = False
    colour: Annotated[Literal["红", "绿"] | None, Meta("颜色")] = None
    #: Every real kind labels its ``name`` its own way; so does this one.
    name: Annotated[str | None, Meta("玩具名")] = None
    note: Annotated[str | None, Meta("备注")] = None


COLUMNS = ("title", "day", "at", "many", "spent", "born", "works", "colour", "name", "note")
TOYS = RecordKind("toys", Toy, key="toy", import_columns=COLUMNS)
TODAY = date(2026, 12, 1)


def test_headers_and_parsers_come_from_the_declaration() -> None:
    kind = import_kind(TOYS)
    assert kind.name == "toys" and kind.model is Toy
    assert kind.headers == TOYS.import_headers
    assert kind.headers == ("名目", "哪天", "几点", "多少", "用时", "生年", "能用", "颜色", "玩具名", "备注")
    assert [c.field for c in kind.columns] == list(COLUMNS)
    assert [c.parse for c in kind.columns] == [
        cells.text, cells.day, cells.clock, cells.count, cells.hours, cells.year, cells.yes_no, cells.text,
        cells.text, cells.text,
    ]  # fmt: skip
    assert kind.column_of("colour") == "颜色"


def test_a_column_beside_the_model_is_read_as_text() -> None:
    beside = RecordKind("toys", Toy, import_columns=("title", Beside("分组", "group"), "day"))
    kind = import_kind(beside)
    assert kind.headers == ("名目", "分组", "哪天")
    assert (kind.columns[1].field, kind.columns[1].parse) == (None, cells.text)


def test_declaring_it_among_the_kinds_is_enough_to_import_it() -> None:
    kinds = import_kinds((*domain_kinds.KINDS, TOYS))
    assert kinds["toys"].headers == TOYS.import_headers
    assert {"lectures", "activities", "people"} < set(kinds)
    # No identity declared for it: a row with every imported value the same is the same toy.
    one = Toy(title="风车", day=date(2024, 3, 1), many=2)
    assert kinds["toys"].key(one) == kinds["toys"].key(one.model_copy(update={"id": "x"}))
    assert kinds["toys"].key(one) != kinds["toys"].key(one.model_copy(update={"many": 3}))


def test_a_row_becomes_a_toy() -> None:
    row = SheetRow(2, ["风车", "2024年3月5日", "8点半", "12人", "1.5", "1965年", "是", "红", "小风车", ""])
    parsed, problems = parse_row(import_kind(TOYS), row, TODAY)
    assert problems == []
    assert parsed is not None
    toy = parsed.record
    assert isinstance(toy, Toy)
    assert (toy.title, toy.day, toy.at, toy.many, toy.spent, toy.born, toy.works, toy.colour, toy.name) == (
        "风车", date(2024, 3, 5), time(8, 30), 12, 15, 1965, True, "红", "小风车",
    )  # fmt: skip


def test_a_bad_row_names_the_toys_columns() -> None:
    # Each cell read by its field's way of typing, with the words the real kinds' cells get.
    row = SheetRow(3, ["", "2024-13-01", "25:00", "很多", "1.25", "65", "也许", "蓝", "", ""])
    parsed, problems = parse_row(import_kind(TOYS), row, TODAY)
    assert parsed is None
    assert [str(p) for p in problems] == [
        "第 3 行，名目：必须填写",
        "第 3 行，哪天：日期“2024-13-01”不存在：没有 13 月",
        "第 3 行，几点：时间“25:00”不存在：小时应在 0–23",
        "第 3 行，多少：“很多”不是数字，请填写整数",
        "第 3 行，用时：时长“1.25”最多保留一位小数",
        "第 3 行，生年：“65”不是年份，请填写 4 位数字，例如 1965",
        "第 3 行，能用：“也许”应填“是”或“否”",
        "第 3 行，颜色：只能是 红、绿",
    ]


@pytest.fixture
def toys_declared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy among the record kinds, as a new kind would be: errors.py reads it from there."""
    monkeypatch.setattr(domain_kinds, "KINDS", (*domain_kinds.KINDS, TOYS))
    errors.labels.cache_clear()
    yield
    errors.labels.cache_clear()


@pytest.mark.usefixtures("toys_declared")
def test_messages_about_a_toy_use_its_labels() -> None:
    with pytest.raises(ValidationError) as caught:
        Toy.model_validate({"title": "一个太长太长太长的玩具名目", "day": "昨天", "name": "x" * 61, "colour": "蓝"})
    assert [str(p) for p in explain(caught.value)] == [
        "名目：太长了：最多 10 个字（现在 13 个）",
        "哪天：日期格式应为 2024-03-15",
        "颜色：只能是 红、绿",
    ]
    field_labels, model_labels = errors.labels()
    assert field_labels["spent"] == "用时" and field_labels["note"] == "备注"
    # Where the toy names a field another kind also has in its own way, each keeps its own:
    # an activity's title is still its 名称, a person's name still 姓名.
    assert model_labels["Toy"] == {"title": "名目", "name": "玩具名"}
    assert model_labels["Activity"]["title"] == "名称" and "title" not in field_labels
    assert model_labels["Person"] == {"name": "姓名"} and field_labels["name"] == "名称"


def test_without_the_toy_the_labels_are_as_before() -> None:
    # The toy leaves the kinds with its fixture (this runs after that test in the same worker).
    field_labels, model_labels = errors.labels()
    assert "Toy" not in model_labels and field_labels["title"] == "名称"
