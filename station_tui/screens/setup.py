"""First run: the station's identity (code, name, township, county, manager)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from station_tui.domain import Station
from station_tui.locale import t
from station_tui.widgets.form import RecordForm, form_fields


class SetupScreen(RecordForm):
    """Cannot be dismissed without saving (Ctrl+Q still quits): the app needs a station."""

    MODEL = Station
    TITLE_NEW = "setup.title"
    TITLE_EDIT = "setup.title"
    CANCELLABLE = False
    FIELDS = form_fields(Station, "code", "name", "township", "county", "manager")

    def compose(self) -> ComposeResult:
        yield Static(t("setup.welcome"), id="setup-welcome", markup=False)
        yield from super().compose()

    def write(self, model: Any, *, force: bool) -> Any:
        return self.app.store.station.setup(model)  # type: ignore[attr-defined]
