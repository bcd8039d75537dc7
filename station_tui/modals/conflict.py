"""Two sessions edited one record: show what the other saved next to what this user typed,
and let them choose. Nothing is overwritten without this choice."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.table import RecordTable

Choice = Literal["mine", "theirs"]


def _cell(value: str, limit: int = 39) -> Text:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return Text(shown, overflow="fold")


class ConflictModal(Localized, ModalScreen["Choice | None"]):
    """``rows`` are (field label, their value, my value). Dismisses with "mine", "theirs" or None."""

    BINDINGS = [
        Binding("m", "choose('mine')", "conflict.keep_mine", id="conflict.mine"),
        Binding("t", "choose('theirs')", "conflict.use_theirs", id="conflict.theirs"),
        Binding("escape", "choose('')", "conflict.cancel", id="conflict.cancel"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog", classes="dialog"):
            yield Static(t("conflict.title"), id="conflict-title", markup=False)
            yield Static(t("conflict.explain"), id="conflict-explain", markup=False)
            table: DataTable = RecordTable(id="conflict-table", cursor_type="none", show_cursor=False)
            table.add_column(t("conflict.field"), width=12)
            table.add_column(t("conflict.theirs"), width=26)
            table.add_column(t("conflict.mine"), width=26)
            for label, theirs, mine in self.rows or [(t("conflict.no_fields"), "", "")]:
                # Wrapped over up to three lines, so both versions can be compared in full
                # for anything but a long summary.
                table.add_row(label, _cell(theirs), _cell(mine), height=None)
            yield table
            with Horizontal(classes="buttons"):
                yield Button(t("conflict.keep_mine") + " (M)", id="conflict-mine", variant="warning", compact=True)
                yield Label(" ", markup=False)
                yield Button(t("conflict.use_theirs") + " (T)", id="conflict-theirs", variant="primary", compact=True)
                yield Label(" ", markup=False)
                yield Button(t("conflict.cancel") + " (Esc)", id="conflict-cancel", compact=True)
        yield KeyFooter()  # this dialog's keys, not those of the screen below

    def on_mount(self) -> None:
        self.query_one("#conflict-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose((event.button.id or "").removeprefix("conflict-").replace("cancel", ""))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)  # type: ignore[arg-type]
