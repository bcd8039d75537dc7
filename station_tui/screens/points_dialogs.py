"""Small dialogs of the 积分 and 爱心超市 screens: a few boxes, one action, the answer in place.

``ActionDialog`` shows its boxes (text, a list box, a person picker), runs its action in a
thread worker when the user saves (Ctrl+S, or Enter in the last box), and closes with the
action's result; a refusal (积分不足, 库存不足, an unknown code) is shown in the dialog in plain
Chinese and everything typed stays. ``NoticeDialog`` shows one thing to read out or copy down
(a pickup code) until Enter or Esc.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from station_tui.locale import t
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput


@dataclass(frozen=True)
class Box:
    """One box of a dialog: ``kind`` is "text", "choice" (``options``: (label, value)) or "person"."""

    name: str
    label: str
    kind: str = "text"
    placeholder: str = ""
    options: tuple[tuple[str, Any], ...] = ()
    value: str = ""
    max_length: int = 0


class ActionDialog(Localized, ModalScreen[Any]):
    """Boxes and one action: ``perform(values)`` runs in a thread; what it returns closes the
    dialog, what it raises (its message in plain Chinese) is shown and the dialog stays."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="points_dialog.save"),
        Binding("escape", "cancel", "key.cancel", id="points_dialog.cancel"),
    ]

    class Done(Message):
        def __init__(self, result: Any = None, error: str | None = None) -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(
        self, title: str, boxes: list[Box], perform: Callable[[dict[str, Any]], Any], *, note: str = "",
        chosen: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.boxes, self.perform, self.note = title, boxes, perform, note
        #: Box name → the person picked; ``chosen`` picks some before the dialog opens (a
        #: certificate started from a person's page), and the picker can still change them.
        self.people: dict[str, Any] = dict(chosen or {})
        self._busy = False

    def compose(self) -> ComposeResult:
        from station_tui.widgets.person_picker import PersonPicker

        with Vertical(classes="dialog points-dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            if self.note:
                yield Static(self.note, id="dialog-note", markup=False)
            for box in self.boxes:
                yield Label(box.label, markup=False)
                if box.kind == "choice":
                    yield ChoiceBox(list(box.options), allow_blank=False, id=f"box-{box.name}", compact=True)
                elif box.kind == "person":
                    yield PersonPicker(search=self._search_people, id=f"box-{box.name}")
                    picked = self.people.get(box.name)
                    yield Static(t("dialog.chosen", name=picked.name) if picked is not None else "",
                                 id=f"chosen-{box.name}", markup=False)
                else:
                    yield TextInput(
                        box.value, placeholder=box.placeholder, id=f"box-{box.name}", compact=True,
                        max_length=box.max_length or None,
                    )
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("dialog.save") + " (Ctrl+S)", id="dialog-save", variant="primary", compact=True)
                yield Label(" ", markup=False)
                yield Button(t("dialog.cancel") + " (Esc)", id="dialog-cancel", compact=True)
        yield KeyFooter()

    def _search_people(self, text: str, limit: int) -> list[Any]:
        return list(self.app.store.people.search(text, limit=limit))  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        first = self.query(f"#box-{self.boxes[0].name}").first() if self.boxes else None
        if first is not None:
            focus = getattr(first, "focus_input", None)
            if callable(focus):
                focus()
            else:
                first.focus()

    # -- a person picked ----------------------------------------------------------------------
    def on_person_picker_picked(self, message: Any) -> None:
        message.stop()
        name = (message.picker.id or "").removeprefix("box-")
        self.people[name] = message.person
        message.picker.clear()
        self.query_one(f"#chosen-{name}", Static).update(t("dialog.chosen", name=message.person.name))
        self.focus_next()

    def on_person_picker_new_person_requested(self, message: Any) -> None:
        message.stop()
        self._show_error(t("dialog.person_unknown", name=message.name))

    # -- saving ----------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for box in self.boxes:
            if box.kind == "person":
                out[box.name] = self.people.get(box.name)
            elif box.kind == "choice":
                out[box.name] = self.query_one(f"#box-{box.name}", ChoiceBox).value
            else:
                out[box.name] = self.query_one(f"#box-{box.name}", Input).value.strip()
        return out

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "picker-input":
            return  # the picker's own Enter picks a person
        event.stop()
        texts = [b for b in self.boxes if b.kind == "text"]
        if texts and event.input.id == f"box-{texts[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dialog-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._show_error("")
        self._run(self.values())

    @work(thread=True, exclusive=True, group="points-dialog")
    def _run(self, values: dict[str, Any]) -> None:
        try:
            result = self.perform(values)
        except Exception as exc:  # a refusal, a locked database: said in the dialog, nothing lost
            self.post_message(self.Done(error=str(exc)))
            return
        self.post_message(self.Done(result))

    def on_action_dialog_done(self, message: Done) -> None:
        self._busy = False
        if message.error is not None:
            self._show_error(message.error)
            return
        notify = getattr(self.app, "data_changed", None)
        if notify is not None:
            notify()
        self.dismiss(message.result)

    def _show_error(self, text: str) -> None:
        self.query_one("#dialog-error", Static).update(Text(text, style="red"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoticeDialog(Localized, ModalScreen[None]):
    """Something to read out or copy down (a pickup code); Enter or Esc closes it."""

    BINDINGS = [Binding("escape,enter", "close", "key.close", id="points_notice.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog points-dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            yield Static(self.text, id="notice-text", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("dialog.ok") + " (Enter)", id="notice-ok", variant="primary", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#notice-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
