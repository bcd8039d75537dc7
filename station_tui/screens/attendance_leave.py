"""Leaving a roster with unsaved changes: save and leave, leave without saving, or stay."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized


class LeaveDialog(Localized, ModalScreen[str]):
    """Unsaved roster changes: save and leave (s), leave without saving (d), or stay (Esc)."""

    DEFAULT_CSS = """
    LeaveDialog { align: center middle; }
    LeaveDialog > #dialog {
        width: 62; height: auto; border: thick $warning; border-title-align: center;
        background: $surface; padding: 0 1;
    }
    LeaveDialog #body { height: auto; margin: 1 0; }
    LeaveDialog #buttons { height: 1; margin-bottom: 1; align-horizontal: right; }
    LeaveDialog #buttons > Button { margin-left: 1; }
    """

    BINDINGS = [
        Binding("s", "answer('save')", "att.leave_key_save", id="attendance_leave.save"),
        Binding("d", "answer('discard')", "att.leave_key_discard", id="attendance_leave.discard"),
        Binding("escape", "answer('stay')", "att.leave_key_stay", id="attendance_leave.stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = t("att.leave_title")
            yield Static(t("att.leave_body"), id="body", markup=False)
            with Horizontal(id="buttons"):
                yield Button(t("att.leave_save"), id="answer-save", variant="primary", compact=True)
                yield Button(t("att.leave_discard"), id="answer-discard", variant="error", compact=True)
                yield Button(t("att.leave_stay"), id="answer-stay", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter on a reflex keeps the roster.
        self.query_one("#answer-stay", Button).focus()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("answer-"))
