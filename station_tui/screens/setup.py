"""First run: the station's identity (code, name, township, county, manager)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from station_tui.domain import Station
from station_tui.locale import t
from station_tui.widgets.form import Field, RecordForm


class SetupScreen(RecordForm):
    """Cannot be dismissed without saving (Ctrl+Q still quits): the app needs a station."""

    MODEL = Station
    REPO = "station"
    TITLE_NEW = "setup.title"
    TITLE_EDIT = "setup.title"
    CANCELLABLE = False
    FIELDS = (
        Field("code", "field.code", placeholder="hint.code", required=True),
        Field("name", "field.station_name", placeholder="hint.station_name", required=True),
        Field("township", "field.township", required=True),
        Field("county", "field.county", required=True),
        Field("manager", "field.manager"),
    )

    def compose(self) -> ComposeResult:
        yield Static(t("setup.welcome"), id="setup-welcome", markup=False)
        yield from super().compose()

    def write(self, model: Any, *, force: bool) -> Any:
        return self.app.store.station.setup(model)  # type: ignore[attr-defined]
