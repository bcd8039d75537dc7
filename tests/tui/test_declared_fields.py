"""Forms and lists read their fields from the model's declaration (domain/declare.py Meta):
a form names only which fields it shows, a list only which columns."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal

import pytest
from pydantic import Field as Pydantic

from station_tui.domain.declare import Meta
from station_tui.domain.models import Record
from station_tui.widgets.form import Field, form_fields
from station_tui.widgets.paged import Column, list_columns


class Toy(Record):
    day: Annotated[date, Meta("日期", column=10, column_label="col.date")]
    at: Annotated[time | None, Meta("时间")] = None
    title: Annotated[str, Meta("名称", column=20)] = Pydantic(min_length=1)
    kind: Annotated[Literal["甲", "乙"], Meta("类别")]
    mood: Annotated[str | None, Meta("心情", typed_as="choice", choices=("好", "坏"))] = None
    people: Annotated[int, Meta("人数", column=5)] = 0
    born: Annotated[int | None, Meta("出生年份", typed_as="year")] = None
    hours: Annotated[int, Meta("时长", typed_as="hours", hint="hint.activity_hours")] = 0
    done: Annotated[bool, Meta("是否完成")] = False
    secret: Annotated[str | None, Meta("口令", typed_as="secret", ui="field.id_number")] = None
    team_id: Annotated[str | None, Meta("队伍", typed_as="lookup", ui="field.team")] = None
    tags: Annotated[list[str], Meta("标签", hint="hint.skills")] = Pydantic(default_factory=list)


def test_each_way_of_typing_gets_its_box() -> None:
    fields = {f.name: f for f in form_fields(Toy, *Toy.model_fields.keys() - Record.model_fields.keys())}
    assert fields["day"] == Field("day", "field.day", kind="date", placeholder="hint.date", required=True)
    assert fields["at"] == Field("at", "field.at", kind="time", placeholder="hint.time")
    assert fields["title"] == Field("title", "field.title", required=True)
    assert fields["kind"] == Field("kind", "field.kind", kind="choice", choices=("甲", "乙"), required=True)
    assert fields["mood"].kind == "choice" and fields["mood"].choices == ("好", "坏")
    # An empty count box is the model's default (0), an empty year box "not given".
    assert fields["people"] == Field("people", "field.people", kind="int", blank=0)
    assert fields["born"] == Field("born", "field.born", kind="int", placeholder="hint.year")
    assert fields["hours"] == Field("hours", "field.hours", kind="hours", placeholder="hint.activity_hours")
    assert fields["done"].kind == "yesno" and not fields["done"].required
    assert fields["secret"] == Field("secret", "field.id_number", kind="secret")
    assert fields["team_id"] == Field("team_id", "field.team", kind="lookup")
    assert fields["tags"] == Field("tags", "field.tags", kind="text", placeholder="hint.skills")


def test_a_form_gives_the_order_and_may_override_one_line() -> None:
    fields = form_fields(Toy, "title", "day", title={"placeholder": "hint.station_name"})
    assert [f.name for f in fields] == ["title", "day"]
    assert fields[0].placeholder == "hint.station_name" and fields[0].required


def test_a_field_the_model_does_not_declare_is_refused() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        form_fields(Toy, "day", "nonsense")
    with pytest.raises(ValueError, match="title"):
        form_fields(Toy, "day", title={"placeholder": "x"})  # an override for a line not shown
    with pytest.raises(ValueError, match="id"):
        form_fields(Toy, "id")  # the envelope is no field a person types


def test_list_columns_read_heading_and_width_and_keep_computed_ones() -> None:
    columns = list_columns(Toy, "day", "title", Column("total", "col.total_hours", 7), "people")
    assert list(columns) == [
        Column("day", "col.date", 10),
        Column("title", "field.title", 20),  # no column_label: the form's label
        Column("total", "col.total_hours", 7),
        Column("people", "field.people", 5),
    ]
    assert len(columns) == 4 and columns[2].key == "total"


def test_list_columns_by_kind_key_are_read_when_first_used() -> None:
    columns = list_columns("lecture", "date", "topic", "nonsense")  # nothing read yet
    with pytest.raises(ValueError, match="nonsense"):
        list(columns)
    assert list_columns("lecture", "audience")[0] == Column("audience", "col.audience", 5)


def test_a_field_without_a_declared_width_has_no_column() -> None:
    with pytest.raises(ValueError, match="column"):
        list(list_columns(Toy, "at"))
