"""更多 (6 or F7): the screens that have no number key of their own, each under a letter.

Ten screens do not fit an 80-column navigation line, so the five used every day keep their
number keys and the others are listed here, read from screens/registry.py (``MENU``). A
letter, or Enter on a row, switches to that screen; its keys are also in the help and its
entry in Ctrl+P.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.screens.registry import MENU
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.table import RecordTable


class MoreScreen(StationScreen):
    MODE = "more"
    BINDINGS = [
        Binding("enter", "open_chosen", "key.open", id="more.open"),
        *(
            Binding(e.menu_key, f"app.{e.action}", e.nav, show=False, id=f"more.{e.mode}")
            for e in MENU
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static(t("more.title") if MENU else t("more.empty"), id="more-title")
        yield RecordTable(id="more-list", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("more.col_key"), key="key", width=4)
        table.add_column(t("more.col_screen"), key="screen", width=12)
        table.add_column(t("more.col_what"), key="what", width=50)
        for entry in MENU:
            table.add_row(entry.menu_key, t(entry.nav), t(f"{entry.palette}.help"), key=entry.mode)
        self._seen_generation = self.station_app.generation

    def load(self) -> None:
        """The menu is the registry's: nothing in the database changes it."""

    def action_open_chosen(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            mode = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if mode is not None:
                self.app.switch_mode(mode)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.switch_mode(event.row_key.value)
