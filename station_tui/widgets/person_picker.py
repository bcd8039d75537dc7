"""A person picker: type a Chinese name, full pinyin or initials, Down/Up, Enter picks.

The search runs in a thread worker on every keystroke (``exclusive`` drops the previous
one), so typing never waits for the database; a result that arrives for an older text is
ignored. The last option is always "new person" with the typed name, for people who are
not in the station's list yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from station_tui.domain.widths import pad
from station_tui.locale import t
from station_tui.storage.repositories.people import mask_phone
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from station_tui.domain import Person

NEW_PERSON = "__new_person__"


Search = Callable[[str, int], "list[Person]"]



def person_row(person: Person, *, taken: bool = False) -> Text:
    """One line of the picker: name, gender, birth year, masked phone, volunteer mark."""
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(pad(person.name, 10), style="bold")
    row.append(pad(t(f"gender.{person.gender}") if person.gender else "", 5))
    row.append(pad(str(person.birth_year or ""), 6))
    row.append(pad(mask_phone(person.phone), 13))
    if person.is_volunteer:
        row.append(t("picker.volunteer"), style="green")
    if taken:
        row.append("  " + t("picker.on_roster"), style="dim")
        row.stylize("dim")
    return row


#: ↓ and ↑ share one place in the footer ("↓↑ 选择").
_CHOOSE = Binding.Group("picker.key_choose")


class _PickerInput(Localized, TextInput):
    """The picker's text box; ↓/↑ move in the drop-down (the box itself has no use for them)."""

    BINDINGS = [
        Binding("down", "move(1)", "picker.key_down", id="picker.down", group=_CHOOSE),
        Binding("up", "move(-1)", "picker.key_up", id="picker.up", group=_CHOOSE),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Localized translated the descriptions; the group's label is a catalog key too. (The
        # compact footer puts the next key right after a group's label, hence the space.)
        bindings = self._bindings.key_to_bindings
        for key, items in bindings.items():
            bindings[key] = [
                replace(b, group=Binding.Group(t(b.group.description) + " ")) if b.group else b for b in items
            ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            return isinstance(self.parent, PersonPicker) and self.parent.is_open
        return super().check_action(action, parameters)

    def action_move(self, step: int) -> None:
        assert isinstance(self.parent, PersonPicker)
        self.parent.action_move(step)


class PersonPicker(Localized, Widget):
    """An input with a drop-down of matching people."""

    DEFAULT_CSS = """
    PersonPicker {
        height: auto;
        width: 1fr;
        & > Input { width: 1fr; }
        & > OptionList {
            display: none;
            width: 1fr;
            height: auto;
            max-height: 10;
            overlay: screen;
            constrain: none inside;
            border: tall $border;
            background: $surface;
            padding: 0;
            & > .option-list--option { padding: 0 1; }
        }
        &.-open > OptionList { display: block; }
    }
    """

    BINDINGS = [
        Binding("escape", "close", "picker.key_close", id="picker.close"),
    ]

    #: The last line of the drop-down (catalog keys: with the typed name, and for a pinyin
    #: query) and the key that does the same; a subclass may offer something else there.
    NEW_LABEL = "picker.new_person"
    NEW_LABEL_BLANK = "picker.new_person_blank"
    NEW_KEY = "  Ctrl+N"
    PLACEHOLDER = "picker.placeholder"

    class Picked(Message):
        """The user chose a stored person."""

        def __init__(self, picker: PersonPicker, person: Person) -> None:
            super().__init__()
            self.picker, self.person = picker, person

    class NewPersonRequested(Message):
        """The user wants to add someone who is not in the list yet."""

        def __init__(self, picker: PersonPicker, name: str) -> None:
            super().__init__()
            self.picker, self.name = picker, name

    class _Results(Message):
        def __init__(self, query: str, people: list[Person], error: str | None = None) -> None:
            super().__init__()
            self.query, self.people, self.error = query, people, error

    def __init__(
        self,
        *,
        search: Search | None = None,
        limit: int = 8,
        value: str = "",
        compact: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._initial_text, self._compact = value, compact
        self._search_fn = search
        self.limit = limit
        #: Person ids already chosen (e.g. already on the roster): shown dimmed.
        self.taken: set[str] = set()
        self._people: dict[str, Person] = {}
        #: The text the open list answers; Enter waits for the current text's answer.
        self._shown_query: str | None = None
        self._pick_when_ready = False

    def compose(self) -> ComposeResult:
        yield _PickerInput(
            value=self._initial_text, placeholder=t(self.PLACEHOLDER), compact=self._compact, id="picker-input"
        )
        options = OptionList(id="picker-options")
        options.can_focus = False
        yield options

    # -- public ---------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.query_one(Input).value

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def holds_keys(self) -> bool:
        """Enter came before the results it is to pick from: the keys typed after it wait
        (see widgets/key_order.py), or the next name would be typed onto this one."""
        return self._pick_when_ready

    def clear(self) -> None:
        self.query_one(Input).value = ""
        self._close()

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    # -- searching ------------------------------------------------------------------------
    def _search(self, query: str, limit: int) -> list[Person]:
        if self._search_fn is not None:
            return self._search_fn(query, limit)
        return self.app.store.people.search(query, limit=limit)  # type: ignore[attr-defined]

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        query = event.value.strip()
        if not query:
            self._close()
            return
        self._run_search(query)

    @work(thread=True, exclusive=True, group="person-picker")
    def _run_search(self, query: str) -> None:
        try:
            # One more than shown, to know whether to say "more".
            people = self._search(query, self.limit + 1)
        except Exception as exc:  # a locked or broken database must not kill the screen
            self.post_message(self._Results(query, [], t("picker.search_failed").format(error=exc)))
            return
        self.post_message(self._Results(query, people))

    @on(_Results)
    def _show_results(self, message: _Results) -> None:
        message.stop()
        if message.query != self.text.strip():
            return  # typed on since; a newer search is on its way
        if message.error:
            self.notify(message.error, severity="error")
        shown = message.people[: self.limit]
        self._people = {str(p.id): p for p in shown}
        items = [Option(person_row(p, taken=str(p.id) in self.taken), id=str(p.id)) for p in shown]
        if len(message.people) > self.limit:
            items.append(Option(Text(t("picker.more"), style="dim"), disabled=True))
        if not shown:
            items.append(Option(Text(t("picker.no_match").format(name=message.query), style="dim"), disabled=True))
        label = t(self.NEW_LABEL_BLANK) if message.query.isascii() else t(self.NEW_LABEL).format(name=message.query)
        items.append(Option(Text(label + self.NEW_KEY, style="bold"), id=NEW_PERSON))
        # One rebuild per answer, not one per option: typing stays smooth on old PCs.
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(items)
        self._shown_query = message.query
        first_free = next((i for i, p in enumerate(shown) if str(p.id) not in self.taken), None)
        if first_free is None and shown:
            # Everyone found is taken already: Enter on the best match is refused with a word,
            # where the "new person" line would open an empty form for someone already there.
            first_free = 0
        options.highlighted = first_free if first_free is not None else options.option_count - 1
        if not self.is_open:
            self.add_class("-open")
            self.refresh_bindings()  # Esc now closes the list: the footer says so
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._choose(options.get_option_at_index(options.highlighted).id)

    # -- keys -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return self.is_open
        return True

    def action_move(self, step: int) -> None:
        if not self.is_open:
            raise SkipAction()
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_close(self) -> None:
        if not self.is_open:
            raise SkipAction()
        self._close()

    def _close(self) -> None:
        self._shown_query = None
        self._pick_when_ready = False
        self._people = {}
        if self.is_open:
            self.remove_class("-open")
            self.query_one(OptionList).clear_options()
            self.refresh_bindings()

    @on(Input.Submitted, "#picker-input")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        query = self.text.strip()
        if not query:
            return
        if not self.is_open or self._shown_query != query:
            # Enter pressed before this text's results arrived: pick as soon as they do.
            self._pick_when_ready = True
            return
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        self._choose(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == NEW_PERSON:
            self.post_message(self.NewPersonRequested(self, self.text.strip()))
            return
        person = self._people.get(option_id or "")
        if person is not None:
            self.post_message(self.Picked(self, person))
