"""人员: the roster with masked phones, each volunteer's hours (their ledger's balance); search
by name, pinyin or initials. Enter (or o) opens a person's page, e edits."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from station_tui.locale import t
from station_tui.widgets.paged import Column, PagedListScreen, list_columns
from station_tui.widgets.text_input import TextInput


class PeopleScreen(PagedListScreen):
    MODE = "people"
    KIND = "person"
    BINDINGS = [
        Binding("v", "toggle_volunteers", "key.volunteers_only", id="people.volunteers_only"),
        # Enter on a row (the table's own key) opens the page too; `e` still opens the form.
        Binding("o", "open_person", "key.person_page", id="people.open"),
    ]
    COLUMNS = list_columns(
        "person",
        "name",
        "gender",
        "birth_year",
        "phone",
        Column("volunteer", "col.volunteer", 14),
        Column("hours", "col.total_hours", 7),
        "skills",
    )

    def __init__(self) -> None:
        super().__init__()
        self.volunteers_only = False

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t("filter.person_text"), id="filter-text", compact=True)
            yield Static(t("filter.everyone"), id="filter-volunteers", markup=False)

    def current_filter(self) -> Any:
        self._filter_error = ""
        return (self.query_one("#filter-text", Input).value, self.volunteers_only)

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.domain.hours import format_tenths
        from station_tui.storage.repositories.people import mask_phone

        text, volunteers_only = flt
        store = self.station_app.store
        rows = []
        with store.snapshot():
            total = store.people.count_matching(text, volunteers_only=volunteers_only)
            people = store.people.search(text, volunteers_only=volunteers_only, limit=limit, offset=offset)
            for person in people:
                # The column is the number (志愿者编号): blank without one. A volunteer shows by
                # their hours, which only volunteers have.
                volunteer = person.volunteer_no or ""
                hours = format_tenths(store.hours.balance(str(person.id))) if person.is_volunteer else ""
                rows.append(
                    (
                        str(person.id),
                        (
                            person.name,
                            person.gender or "",
                            person.birth_year or "",
                            mask_phone(person.phone),
                            volunteer,
                            hours,
                            "、".join(person.skills),
                        ),
                    )
                )
        return rows, total

    def action_toggle_volunteers(self) -> None:
        self.volunteers_only = not self.volunteers_only
        label = t("filter.volunteers_only") if self.volunteers_only else t("filter.everyone")
        self.query_one("#filter-volunteers", Static).update(label)
        self.page = 0
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        event.prevent_default()  # not the list's own handler too, which opens the form
        self.action_open_person()

    def action_open_person(self) -> None:
        """The selected person's page: identity, teams, hours ledger by year, stars."""
        person_id = self.selected_id()
        if person_id is None:
            return
        from station_tui.screens.person_page import PersonPageScreen

        self.app.push_screen(PersonPageScreen(person_id))

    def describe(self, record: Any) -> str:
        return record.name
