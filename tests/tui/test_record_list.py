"""The list screen any record kind gets (widgets/record_list.py), tried on venues: a kind with a
table, capture and sync but no screen in the app yet. The screen and its form are defined here,
as a new kind's module would define them, and pushed by the test; the app's registry is left
alone (the venues screen of the app is its own issue)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from station_tui.domain import Venue
from station_tui.storage import Store
from station_tui.widgets.form import RecordForm, form_fields
from station_tui.widgets.paged import Column, list_columns
from station_tui.widgets.record_list import RecordListScreen
from tests.tui.conftest import give_kind_a_screen, settle, show, table_rows, text_of, type_text


class VenueForm(RecordForm):
    MODEL = Venue
    TITLE_NEW = "venue.new"
    TITLE_EDIT = "venue.edit"
    FIELDS = form_fields(Venue, "name", "address", "capacity", "note")


class VenueListScreen(RecordListScreen):
    MODE = "venues"
    KIND = "venue"
    # Venue declares no column widths yet (its screen's issue will): columns given here.
    COLUMNS = list_columns(Venue, Column("name", "field.name", 24), Column("address", "field.address", 30),
                           Column("capacity", "field.capacity", 8))  # fmt: skip


@pytest.fixture(autouse=True)
def _venues_have_a_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    give_kind_a_screen(monkeypatch, "venue", "venues", f"{__name__}:VenueForm")


def rows_of(app: Any) -> list[list[str]]:
    return table_rows(app.screen.query_one(DataTable))


def status_of(app: Any) -> str:
    return text_of(app.screen.query_one("#list-status"))


def outbox_of(store: Store, record_id: str) -> list[tuple[str, dict[str, Any]]]:
    rows = store.query("SELECT op, row_json FROM outbox WHERE tbl = 'venues' AND record_id = ? ORDER BY seq",
                       (record_id,))  # fmt: skip
    return [(r[0], json.loads(r[1])) for r in rows]


async def test_records_are_listed_in_the_declared_order_and_the_box_searches_them(seeded, make_app) -> None:
    seeded.venues.add(Venue(name="文化广场", address="村东头", capacity=300))
    seeded.venues.add(Venue(name="村委会议室", address="村委会二楼", capacity=60))
    seeded.venues.add(Venue(name="农家书屋"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await show(pilot, VenueListScreen())
        # By name, the first declared field (as SQLite compares text: by code point, 农 文 村);
        # each cell as the form shows it (no capacity: blank).
        assert rows_of(app) == [["农家书屋", "", ""], ["文化广场", "村东头", "300"], ["村委会议室", "村委会二楼", "60"]]
        assert "共 3 条" in status_of(app)
        placeholder = app.screen.query_one("#filter-text").placeholder
        # The kind's text fields by their form labels (venues have no catalog words yet but 地址
        # and 备注, which the request form brought).
        assert placeholder == "搜索field.name、地址、备注（按 / 或 f）"

        await pilot.press("f")
        await type_text(pilot, "村东")
        await pilot.pause(0.3)  # typing runs one query 0.2 s after the last key
        await settle(pilot)
        assert rows_of(app) == [["文化广场", "村东头", "300"]]
        assert "共 1 条" in status_of(app)
        await type_text(pilot, "x")
        await pilot.pause(0.3)
        await settle(pilot)
        assert rows_of(app) == [] and "没有符合条件的记录" in status_of(app)


async def test_pages_of_fifty(seeded, make_app) -> None:
    from station_tui.domain.kinds import BY_TABLE

    with seeded.write() as conn:
        for i in range(120, 0, -1):
            seeded.venues.add_in(conn, Venue(name=f"场所{i:03d}", capacity=i))
    assert BY_TABLE["venues"].order == (("name", False),)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await show(pilot, VenueListScreen())
        rows = rows_of(app)
        assert len(rows) == 50 and rows[0][0] == "场所001" and rows[-1][0] == "场所050"
        assert "第 1/3 页 · 共 120 条" in status_of(app)
        await pilot.press("pagedown")
        await settle(pilot)
        assert rows_of(app)[0] == ["场所051", "", "51"]
        await pilot.press("pagedown")
        await settle(pilot)
        rows = rows_of(app)
        assert len(rows) == 20 and rows[-1][0] == "场所120"
        assert "第 3/3 页" in status_of(app)
        await pilot.press("pageup")
        await settle(pilot)
        assert rows_of(app)[0][0] == "场所051"


async def test_a_deleted_record_disappears_and_its_tombstone_is_captured(seeded, make_app) -> None:
    for name in ("村委会议室", "农家书屋"):
        seeded.venues.add(Venue(name=name))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await show(pilot, VenueListScreen())
        assert [r[0] for r in rows_of(app)] == ["农家书屋", "村委会议室"]
        await pilot.press("down", "d")
        await settle(pilot)
        assert text_of(app.screen.query_one("#confirm-question")) == "删除“村委会议室”？\n上传时县中心也会同步删除。"
        await pilot.press("y")
        await settle(pilot)
        assert [r[0] for r in rows_of(app)] == ["农家书屋"] and "共 1 条" in status_of(app)
    gone = seeded.query_one("SELECT id, deleted FROM venues WHERE name = '村委会议室'")
    assert gone["deleted"] == 1
    assert [op for op, _ in outbox_of(seeded, gone["id"])] == ["insert", "delete"]


async def test_new_and_edit_go_through_the_kinds_form_to_the_database_and_the_outbox(seeded, make_app) -> None:
    seeded.venues.add(Venue(name="农家书屋"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = VenueListScreen()
        await show(pilot, listing)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, VenueForm) and app.screen.record is None
        await type_text(pilot, "新时代文明实践广场")
        await pilot.press("tab")
        await type_text(pilot, "村口")
        await pilot.press("tab")
        await type_text(pilot, "500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen_stack[-1] is listing
        assert rows_of(app) == [["农家书屋", "", ""], ["新时代文明实践广场", "村口", "500"]]
        assert listing.selected_id() is not None  # the cursor is on the record just saved
        square = seeded.venues.require(listing.selected_id())
        assert (square.name, square.address, square.capacity) == ("新时代文明实践广场", "村口", 500)
        assert square.row_version == 1
        assert square.note is None  # a box left empty is stored as no value, not as ""

        await pilot.press("enter")  # edit the selected one
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VenueForm) and form.record == square
        capacity = form.query_one("#f-capacity", Input)
        assert capacity.value == "500"
        capacity.value = "800"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen_stack[-1] is listing
        assert rows_of(app)[1] == ["新时代文明实践广场", "村口", "800"]
    edited = seeded.venues.require(str(square.id))
    assert (edited.capacity, edited.row_version) == (800, 2)
    changes = outbox_of(seeded, str(square.id))
    assert [(op, row["capacity"], row["row_version"]) for op, row in changes] == [
        ("insert", 500, 1), ("update", 800, 2),
    ]  # fmt: skip


async def test_a_wrong_value_is_explained_in_the_kinds_form(seeded, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await show(pilot, VenueListScreen())
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "礼堂")
        await pilot.press("tab", "tab")
        await type_text(pilot, "-5")
        await pilot.pause()
        assert "不能为负数" in text_of(app.screen.query_one("#e-capacity"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VenueForm)
    assert seeded.venues.count() == 0


def test_each_cell_shows_its_field_as_the_forms_do() -> None:
    from datetime import date, time

    from station_tui.domain import Activity, Person
    from station_tui.widgets.record_list import cell_text

    activity = {f.name: f for f in form_fields(Activity, "date", "start_time", "volunteer_tenths", "platform")}
    person = {f.name: f for f in form_fields(Person, "is_volunteer", "skills", "birth_year")}
    shown = [
        cell_text(activity["date"], date(2026, 11, 5)),
        cell_text(activity["start_time"], time(8, 30)),
        cell_text(activity["volunteer_tenths"], 15),
        cell_text(activity["volunteer_tenths"], 0),
        cell_text(activity["platform"], "文化服务"),
        cell_text(person["is_volunteer"], True),
        cell_text(person["is_volunteer"], False),
        cell_text(person["skills"], ["理发", "维修"]),
        cell_text(person["birth_year"], 1968),
        cell_text(person["birth_year"], None),
    ]
    assert shown == ["2026-11-05", "08:30", "1.5", "", "文化服务", "是", "否", "理发、维修", "1968", ""]


async def test_a_kind_whose_entry_names_no_form_gets_the_one_its_declaration_makes(
    seeded, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station_tui.screens.forms import form_class

    give_kind_a_screen(monkeypatch, "venue", "venues")
    form = form_class("venue")
    assert form.MODEL is Venue and (form.TITLE_NEW, form.TITLE_EDIT) == ("venue.new", "venue.edit")
    assert [f.name for f in form.FIELDS] == ["name", "address", "capacity", "note"]  # every declared field, in order
    assert tuple(form.FIELDS) == form_fields(Venue, "name", "address", "capacity", "note")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await show(pilot, VenueListScreen())
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, form)
        await type_text(pilot, "农家书屋")
        await pilot.press("tab", "tab")
        await type_text(pilot, "40")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows_of(app) == [["农家书屋", "", "40"]]
    assert [(v.name, v.capacity) for v in seeded.venues.search_page()] == [("农家书屋", 40)]


def test_a_kind_with_a_list_box_of_other_records_needs_a_form_of_its_own() -> None:
    from dataclasses import replace

    from station_tui.domain.kinds import BY_TABLE
    from station_tui.screens.forms import declared_form

    with pytest.raises(ValueError, match=r"Team has list boxes of other records \(leader_id\).*lookup_options"):
        declared_form(replace(BY_TABLE["teams"], key="team"))


async def test_a_new_record_s_date_box_starts_at_today(seeded, make_app) -> None:
    from station_tui.domain import Lecture
    from tests.conftest import TODAY

    class DatedForm(RecordForm):
        """A form with a date and nothing that sets a default of its own."""

        MODEL = Lecture
        FIELDS = form_fields(Lecture, "date", "topic")
        TITLE_NEW = TITLE_EDIT = "lecture.new"

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DatedForm())
        await settle(pilot)
        assert app.screen.query_one("#f-date", Input).value == TODAY.isoformat()
        assert app.screen.query_one("#f-topic", Input).value == ""
