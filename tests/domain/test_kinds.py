"""Each record kind is declared once (domain/kinds.py and the models' Meta): these tests keep
the declarations whole, so whatever derives from them has something to derive from."""

from __future__ import annotations

import pytest

from station_tui.domain import models
from station_tui.domain.declare import Meta, field_specs, undeclared_fields
from station_tui.domain.kinds import BY_KEY, BY_TABLE, KINDS, SYNCED_TABLES, Beside, RecordKind, kind_of


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.table)
def test_every_field_of_a_record_is_declared(kind):
    # A field without Meta would have no label in messages and no column, silently.
    assert undeclared_fields(kind.model) == []


def test_every_record_model_is_a_kind():
    record_models = {m for m in vars(models).values() if isinstance(m, type) and issubclass(m, models.Record)}
    abstract = {models.Record, models.Event}
    assert {k.model for k in KINDS} == record_models - abstract


def test_tables_keys_and_the_synced_order():
    assert len(BY_TABLE) == len(KINDS)
    # A table after those it refers to (a kind appended later comes last; attendance need not).
    assert SYNCED_TABLES[0] == "station"
    order = SYNCED_TABLES.index
    assert order("people") < order("teams") < order("team_members")
    assert order("venues") < order("lectures") and order("teams") < order("activities")
    assert max(order("lectures"), order("activities"), order("people")) < order("attendance")
    assert BY_KEY["lecture"].model is models.Lecture
    assert kind_of(models.Person) is BY_TABLE["people"]


def test_defaults_come_from_the_type():
    lecture = field_specs(models.Lecture)
    assert lecture["date"].typed_as == "date" and lecture["date"].hint == "hint.date"
    assert lecture["start_time"].typed_as == "time"
    assert lecture["audience"].typed_as == "count" and not lecture["audience"].required
    assert lecture["topic"].typed_as == "text" and lecture["topic"].required
    assert lecture["topic"].ui == "field.topic" and lecture["topic"].column_label == "field.topic"
    activity = field_specs(models.Activity)
    assert activity["platform"].typed_as == "choice"
    assert activity["platform"].choices == ("理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务")
    person = field_specs(models.Person)
    assert person["is_volunteer"].typed_as == "yesno"
    assert person["skills"].json and person["skills"].typed_as == "list"


def test_what_a_field_says_overrides_the_default():
    person = field_specs(models.Person)
    assert person["birth_year"].typed_as == "year" and person["birth_year"].hint == "hint.year"
    assert person["name"].label == "姓名" and person["name"].ui == "field.person_name"
    assert BY_TABLE["people"].sensitive == {"phone": "upload_phones", "id_number": "upload_id_numbers"}
    attendance = BY_TABLE["attendance"]
    assert "event_id" not in attendance.columns and "person_id" in attendance.columns


def test_import_headers_are_the_fields_labels():
    assert BY_TABLE["lectures"].import_headers == (
        "日期", "开始时间", "结束时间", "主题", "宣讲人", "形式", "地点", "受众人数", "备注",
    )
    people = BY_TABLE["people"]
    assert Beside("所属队伍", "team") in people.import_columns
    assert people.import_headers[0] == "姓名"


def test_a_model_of_a_new_kind_is_read_the_same_way():
    from typing import Annotated

    class Toy(models.Record):
        title: Annotated[str, Meta("标题", column=20)]
        size: Annotated[int | None, Meta("大小")] = None

    specs = field_specs(Toy)
    assert list(specs) == ["title", "size"]
    assert specs["title"].required and specs["title"].column == 20
    assert specs["size"].typed_as == "count" and not specs["size"].required


def test_every_kinds_list_order_and_search_are_its_own_stored_fields():
    for kind in KINDS:
        assert kind.order and {name for name, _ in kind.order} <= set(kind.columns), kind.table
        assert set(kind.text_columns) <= set(kind.columns), kind.table
    assert BY_TABLE["venues"].order == (("name", False),)  # no sort declared: the first field
    assert BY_TABLE["venues"].text_columns == ("name", "address", "facilities", "open_hours", "note")
    assert BY_TABLE["lectures"].order == (("date", True), ("start_time", True))
    assert "id_number" not in BY_TABLE["people"].text_columns  # typed as a secret: never searched


def test_a_sort_naming_no_stored_field_is_refused_with_the_place_to_look():
    toy = RecordKind("venues", models.Venue, sort=("-size",))
    with pytest.raises(ValueError, match=r"venues: sort names \['size'\].*Venue"):
        _ = toy.order
