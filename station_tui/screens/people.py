"""人员: the roster with masked phones, each volunteer's total hours; search by name,
pinyin or initials."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from station_tui.locale import t
from station_tui.widgets.paged import Column, PagedListScreen
from station_tui.widgets.text_input import TextInput


class PeopleScreen(PagedListScreen):
    MODE = "people"
    HELP_TITLE = "nav.people"
    KIND = "person"
    BINDINGS = [
        Binding("v", "toggle_volunteers", "key.volunteers_only", id="people.volunteers_only"),
    ]
    COLUMNS = (
        Column("name", "field.person_name", 8),
        Column("gender", "col.gender", 4),
        Column("birth_year", "col.birth_year", 6),
        Column("phone", "field.phone", 13),
        Column("volunteer", "col.volunteer", 14),
        Column("hours", "col.total_hours", 7),
        Column("skills", "field.skills", 12),
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
                if person.is_volunteer:
                    volunteer = person.volunteer_no or t("yes")
                    hours = format_tenths(store.people.volunteer_tenths(str(person.id)))
                else:
                    volunteer, hours = "", ""
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

    def describe(self, record: Any) -> str:
        return record.name
