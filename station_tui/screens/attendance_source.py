"""Where a roster's people come from in one go: a team (Ctrl+T) or an earlier event's roster
(Ctrl+R). A short list with a box that narrows it; ↓/↑ choose, Enter takes, Esc cancels.

The list is read in a thread worker for the text typed (one page, never a whole table); Enter
pressed before the answer came takes the first line of that answer.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput

#: (what the line shows, the id it stands for), for the text typed; runs in a worker thread.
Lister = Callable[[str], "list[tuple[Text, str]]"]


class FilterInput(Localized, TextInput):
    """The dialog's text box, the one thing in it that takes the focus: ↓/↑ move in the list
    below it (the box has no use for them), Enter takes, Esc cancels."""

    BINDINGS = [
        Binding("down", "move(1)", "source.key_down", id="attendance_source.down", key_display="↓"),
        Binding("up", "move(-1)", "source.key_up", id="attendance_source.up", key_display="↑"),
        Binding("enter", "submit", "source.key_take", id="attendance_source.take", key_display="Enter"),
        Binding("escape", "screen.cancel", "key.cancel", id="attendance_source.cancel"),
    ]

    def action_move(self, step: int) -> None:
        options = self.screen.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()


class SourceDialog(Localized, ModalScreen[str | None]):
    """Choose one team or one earlier event; dismissed with its id, or None."""

    DEFAULT_CSS = """
    SourceDialog { align: center middle; }
    SourceDialog > #source-dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; border-title-align: center; background: $surface; padding: 0 1;
    }
    SourceDialog #source-hint { height: auto; color: $text-muted; }
    SourceDialog OptionList { height: auto; max-height: 14; border: none; padding: 0; }
    SourceDialog #source-empty { height: auto; color: $warning; }
    """

    #: Its keys are the text box's (``FilterInput``), which always has the focus.

    class _Listed(Message):
        def __init__(self, text: str, options: list[tuple[Text, str]], error: str | None = None) -> None:
            super().__init__()
            self.text, self.options, self.error = text, options, error

    def __init__(self, title: str, hint: str, empty: str, lister: Lister) -> None:
        super().__init__()
        self._title, self._hint, self._empty = title, hint, empty
        self._lister = lister
        #: The text the list on screen answers; Enter before it matches waits for it.
        self._shown: str | None = None
        self._take_when_ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="source-dialog") as box:
            box.border_title = self._title
            yield Static(self._hint, id="source-hint", markup=False)
            yield FilterInput(placeholder=t("source.filter"), id="source-filter", compact=True)
            options = OptionList(id="source-options")
            options.can_focus = False
            yield options
            yield Static("", id="source-empty", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#source-filter", Input).focus()
        self._list("")

    @property
    def holds_keys(self) -> bool:
        """Enter came before the list it takes from: the keys after it wait for the answer."""
        return self._take_when_ready

    # -- listing --------------------------------------------------------------------------
    @on(Input.Changed, "#source-filter")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._list(event.value.strip())

    @work(thread=True, exclusive=True, group="roster-source")
    def _list(self, text: str) -> None:
        try:
            options = self._lister(text)
        except Exception as exc:  # a locked database: say so, the roster is untouched
            self.post_message(self._Listed(text, [], t("source.failed", error=str(exc))))
            return
        self.post_message(self._Listed(text, options))

    @on(_Listed)
    def _listed(self, message: _Listed) -> None:
        message.stop()
        if message.text != self.query_one("#source-filter", Input).value.strip():
            return  # typed on since; a newer answer is on its way
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(label, id=ident) for label, ident in message.options])
        if message.options:
            options.highlighted = 0
        self._shown = message.text
        self.query_one("#source-empty", Static).update(message.error or ("" if message.options else self._empty))
        if self._take_when_ready:
            self._take_when_ready = False
            self._take()

    # -- keys -----------------------------------------------------------------------------
    @on(Input.Submitted, "#source-filter")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if self._shown != event.value.strip():
            self._take_when_ready = True
            return
        self._take()

    @on(OptionList.OptionSelected, "#source-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def _take(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            self.app.bell()
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
