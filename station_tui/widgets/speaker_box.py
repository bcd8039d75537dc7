"""The lecture form's 宣讲人 box: a person picker that also takes free text.

Type a name, full pinyin or initials and Enter picks one of the station's people (the
lecture's save then puts them on its roster as 宣讲员); a name typed and kept without
picking anyone (the drop-down's last line, or Tab) is an outside speaker, recorded by name
only. ``value`` is the text, as the form reads every box; ``speaker_id`` the person chosen,
for as long as the text is still their name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.message import Message
from textual.widgets import Input

from station_tui.widgets.person_picker import PersonPicker

if TYPE_CHECKING:
    from textual import events


class SpeakerBox(PersonPicker):
    NEW_LABEL = "speaker.outside"
    NEW_LABEL_BLANK = "speaker.outside_blank"
    NEW_KEY = ""
    PLACEHOLDER = "speaker.placeholder"

    class Edited(Message):
        """The text or the person chosen changed: the form checks itself again."""

    def __init__(self, name: str, person_id: str | None, *, id: str | None = None) -> None:
        super().__init__(value=name, compact=True, id=id)
        self._chosen: tuple[str, str] | None = (person_id, name) if person_id else None
        #: A text put in the box by the program (a pick, a stored record): no search for it.
        self._quiet = name

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self._quiet = text
        self.query_one(Input).value = text

    @property
    def speaker_id(self) -> str | None:
        if self._chosen is None or self.text.strip() != self._chosen[1]:
            return None
        return self._chosen[0]

    def show(self, name: str | None, person_id: str | None) -> None:
        """Show a stored lecture's speaker (the other session's, after a conflict)."""
        self._chosen = (person_id, name or "") if person_id else None
        self.value = name or ""

    # -- the picker's events, taken before PersonPicker's own handlers ---------------------
    @on(Input.Changed, "#picker-input")
    def _typed_here(self, event: Input.Changed) -> None:
        if event.value.strip() == self._quiet.strip():
            event.stop()
            event.prevent_default()  # a text the program put here: nothing to look up
            self._close()
        self.post_message(self.Edited())

    @on(Input.Submitted, "#picker-input")
    def _enter_here(self, event: Input.Submitted) -> None:
        if self.is_open or (event.value.strip() and event.value.strip() != self._quiet.strip()):
            return  # PersonPicker's Enter: pick the highlighted person (when the answer is in)
        event.stop()
        event.prevent_default()
        self.screen.focus_next()  # nothing to pick: Enter moves on, as in every box of a form

    @on(PersonPicker.Picked)
    def _picked_here(self, message: PersonPicker.Picked) -> None:
        message.stop()
        person = message.person
        self._chosen = (str(person.id), person.name)
        self.value = person.name
        self._close()
        self.post_message(self.Edited())
        self.screen.focus_next()

    @on(PersonPicker.NewPersonRequested)
    def _outside(self, message: PersonPicker.NewPersonRequested) -> None:
        """The last line: keep the typed name as an outside speaker."""
        message.stop()
        self._quiet = self.text
        self._close()
        self.post_message(self.Edited())
        self.screen.focus_next()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._close()
