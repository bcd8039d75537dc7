"""What the lecture and activity lists share: the month and text filter, the 签到 key."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Select

from station_tui.locale import t
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.paged import PagedListScreen
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from station_tui.storage.repositories.events import Listed

_MONTH = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?\s*$")


def parse_month(text: str) -> tuple[int | None, int | None] | None:
    """``2026-11`` / ``2026年11月`` / ``2026`` / empty -> (year, month); None if unreadable."""
    if not text.strip():
        return None, None
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2)) if match.group(2) else None
    if month is not None and not 1 <= month <= 12:
        return None
    return year, month


class EventListScreen(PagedListScreen):
    WITH_PLATFORM: ClassVar[bool] = False
    BINDINGS = [
        Binding("a", "attendance", "key.attendance", id="events.attendance"),
        Binding("s", "toggle_order", "key.order", id="events.order"),
        Binding("i", "photos", "key.photos", id="events.photos"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.newest_first = True

    def action_toggle_order(self) -> None:
        self.newest_first = not self.newest_first
        self.notify(t("list.newest_first") if self.newest_first else t("list.oldest_first"), timeout=2)
        self.page = 0
        self.reload()

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t(f"filter.{self.KIND}_text"), id="filter-text", compact=True)
            yield TextInput(placeholder=t("filter.month"), id="filter-month", compact=True)
            if self.WITH_PLATFORM:
                from station_tui.domain.vocab import PLATFORMS

                yield ChoiceBox(
                    [(t("platform." + p), p) for p in PLATFORMS],
                    prompt=t("filter.all_platforms"),
                    id="filter-platform",
                    compact=True,
                )

    def on_select_changed(self, event: Select.Changed) -> None:
        self.page = 0
        self.reload()

    def current_filter(self) -> Any:
        from station_tui.storage import EventFilter

        parsed = parse_month(self.query_one("#filter-month", Input).value)
        if parsed is None:
            self._filter_error = t("filter.bad_month")
            return None
        self._filter_error = ""
        platform = None
        if self.WITH_PLATFORM:
            value = self.query_one("#filter-platform", Select).value
            platform = None if value is Select.NULL else str(value)
        text = self.query_one("#filter-text", Input).value
        return EventFilter(
            year=parsed[0], month=parsed[1], platform=platform, text=text or None, newest_first=self.newest_first
        )

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.screens.forms import repository

        repo = repository(self.app, self.KIND)
        with self.station_app.store.snapshot():
            total = repo.count_matching(flt)
            lines = repo.listed(flt, limit=limit, offset=offset)
        return [(str(line.event.id), self.cells(line)) for line in lines], total

    def cells(self, line: Listed[Any]) -> tuple[Any, ...]:
        raise NotImplementedError

    def describe(self, record: Any) -> str:
        return f"{record.date.isoformat()} {record.heading}"

    def action_photos(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            from station_tui.screens.photos import open_photos

            table = self.query_one("DataTable")
            row = table.get_row(record_id)  # type: ignore[attr-defined]
            open_photos(self.app, self.KIND, record_id, " ".join(str(cell) for cell in row[:2]))

    def action_attendance(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.app.action_open_attendance(self.KIND, record_id)  # type: ignore[attr-defined]


def times(record: Any) -> str:
    if record.start_time and record.end_time:
        return f"{record.start_time:%H:%M}-{record.end_time:%H:%M}"
    if record.start_time:
        return f"{record.start_time:%H:%M}"
    return ""
