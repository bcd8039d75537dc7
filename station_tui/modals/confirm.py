"""A yes/no question before anything is thrown away (a record deleted, edits discarded)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized


class ConfirmModal(Localized, ModalScreen[bool]):
    """Dismisses with True only when the user confirms; Esc or n says no."""

    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, question: str, *, confirm_label: str | None = None, danger: bool = True) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label or t("confirm.yes")
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.confirm_label} (Y)",
                    id="confirm-yes",
                    variant="error" if self.danger else "primary",
                    compact=True,
                )
                yield Label(" ", markup=False)
                yield Button(t("confirm.no") + " (N)", id="confirm-no", compact=True)
        yield KeyFooter()  # this dialog's keys, not those of the screen below

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter on a reflex keeps the data.
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
