"""The list screen of any record kind: a search box, the kind's declared columns, one page at a
time, and new/edit/delete through the kind's form.

A kind's screen names only what differs from kind to kind::

    class NoticeListScreen(RecordListScreen):
        MODE = "notices"
        KIND = "notice"
        COLUMNS = list_columns("notice", "date", "title", "content")

Rows come from the kind's repository (``search_page`` / ``count_found``, which any kind has):
the records not deleted, in the order the kind declares (``RecordKind.sort``), those whose text
fields hold each word typed in the box. Each cell is its field's value as the forms show it
(dates as 2026-11-22, hours as 1.5, 是/否, a choice's words). A column that is no field of the
kind is one the screen computes: the subclass then overrides ``cell``.

Nothing here imports the models when the module is imported: the app's modes and the help
screen import every list screen, and that must stay as light as before.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input

from station_tui.locale import has, t
from station_tui.widgets.paged import Column, PagedListScreen
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from station_tui.domain.kinds import RecordKind
    from station_tui.widgets.form import Field


def cell_text(field: Field, value: Any) -> str:
    """A stored value as a list shows it: as the form shows it, and a choice in the UI's words."""
    from station_tui.widgets.form import display_value

    if field.kind == "choice" and isinstance(value, str) and has("choice." + value):
        return t("choice." + value)
    return display_value(field, value)


class RecordListScreen(PagedListScreen):
    """A paged, searchable list of one kind: a subclass sets ``MODE``, ``KIND`` and ``COLUMNS``."""

    # -- what the kind declares, read when the screen is first built -----------------------
    @cached_property
    def record_kind(self) -> RecordKind:
        from station_tui.domain.kinds import BY_KEY

        return BY_KEY[self.KIND]

    @cached_property
    def _fields(self) -> dict[str, Field]:
        """The form field of each column that is a field of the kind (how its value is shown)."""
        from station_tui.widgets.form import form_fields

        names = [c.key for c in self.COLUMNS if c.key in self.record_kind.fields]
        return {f.name: f for f in form_fields(self.record_kind.model, *names)}

    # -- layout ------------------------------------------------------------------------------
    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=self.search_hint(), id="filter-text", compact=True)

    def search_hint(self) -> str:
        """``filter.<kind>_text`` when the catalog has it; else the fields the box looks in."""
        own = f"filter.{self.KIND}_text"
        if has(own):
            return t(own)
        fields = self.record_kind.fields
        names = t("list.joiner").join(t(fields[c].ui) for c in self.record_kind.text_columns)
        return t("filter.text_of", fields=names)

    # -- loading -----------------------------------------------------------------------------
    def current_filter(self) -> Any:
        self._filter_error = ""
        return self.query_one("#filter-text", Input).value

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.screens.forms import repository

        repo = repository(self.app, self.KIND)
        with self.station_app.store.snapshot():
            total = repo.count_found(flt)
            records = repo.search_page(flt, limit=limit, offset=offset)
        return [(str(record.id), self.cells(record)) for record in records], total

    def cells(self, record: Any) -> tuple[Any, ...]:
        return tuple(self.cell(record, column) for column in self.COLUMNS)

    def cell(self, record: Any, column: Column) -> Any:
        """One cell: the field's value as shown. Override it for the columns a screen computes."""
        field = self._fields.get(column.key)
        if field is None:
            raise NotImplementedError(
                f"{type(self).__name__}: {column.key!r} is no field of {self.record_kind.model.__name__}; "
                "a column the screen computes needs cell() overridden"
            )
        return cell_text(field, getattr(record, column.key))

    def describe(self, record: Any) -> str:
        """The record as the delete question names it: its first column, and the first text
        column after it when the first is not text (a date says little on its own)."""
        shown = [c for c in self.COLUMNS if c.key in self._fields]
        if not shown:
            return super().describe(record)
        first = shown[0]
        if self._fields[first.key].kind != "text":
            text = next((c for c in shown[1:] if self._fields[c.key].kind == "text"), None)
            if text is not None:
                return f"{self.cell(record, first)} {self.cell(record, text)}".strip()
        return str(self.cell(record, first))
