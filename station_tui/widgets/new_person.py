"""A small form to add a person without leaving the screen one is working on.

It checks as you type and on save, says in plain Chinese what to fix, keeps everything typed,
and stores the person in a worker. If the same person is likely stored already (same name and
phone, or same name and birth year), it asks: a second record, or the one stored.
"""

from __future__ import annotations

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from station_tui.domain import FieldProblem, Person, explain
from station_tui.domain.vocab import GENDERS
from station_tui.locale import t
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.key_order import HoldsKeysWhileSaving
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput
from station_tui.widgets.twin import twin_notice

FIELDS = ("name", "gender", "birth_year", "phone", "is_volunteer")


def _looks_like_pinyin(name: str) -> bool:
    return bool(name) and name.isascii() and name.isalpha() and name.islower()


class NewPersonForm(HoldsKeysWhileSaving, Localized, ModalScreen["Person | None"]):
    """Returns the stored person (new, or the existing same one), or None when cancelled."""

    DEFAULT_CSS = """
    NewPersonForm { align: center middle; }
    NewPersonForm > #dialog {
        width: 64;
        height: auto;
        max-height: 22;
        overflow-y: auto;
        border: thick $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    NewPersonForm .row { height: 1; margin-top: 1; }
    NewPersonForm .label { width: 10; }
    NewPersonForm .row > Input, NewPersonForm .row > Select { width: 1fr; }
    NewPersonForm .row > Checkbox { margin-left: 9; }
    NewPersonForm .problem { color: $error; margin-left: 10; height: auto; }
    NewPersonForm .problem.-empty { display: none; }
    NewPersonForm #message { height: auto; color: $error; }
    NewPersonForm #buttons { height: 1; margin: 1 0; align-horizontal: right; }
    NewPersonForm #buttons > Button { margin-left: 1; min-width: 10; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="new_person.save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="new_person.cancel"),
    ]

    class _Saved(Message):
        def __init__(self, person: Person, existed: bool) -> None:
            super().__init__()
            self.person, self.existed = person, existed

    class _Twin(Message):
        def __init__(self, person: Person, twin: Person) -> None:
            super().__init__()
            self.person, self.twin = person, twin

    class _Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, name: str = "", *, is_volunteer: bool = False) -> None:
        super().__init__()
        self._initial_name = name
        self._initial_volunteer = is_volunteer
        self._touched: set[str] = set()
        self._saving = False
        #: The person returned is one stored before (the user chose them over a twin).
        self.used_existing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = t("new_person.title")
            with Horizontal(classes="row"):
                yield Label(t("new_person.name"), classes="label", markup=False)
                yield TextInput(
                    self._initial_name, placeholder=t("new_person.name_hint"), id="name", max_length=20, compact=True
                )
            yield Static("", id="name-problem", classes="problem -empty", markup=False)
            with Horizontal(classes="row"):
                yield Label(t("new_person.gender"), classes="label", markup=False)
                yield ChoiceBox(
                    [(t(f"gender.{g}"), g) for g in GENDERS],
                    prompt=t("new_person.gender_blank"),
                    id="gender",
                    allow_blank=True,
                    compact=True,
                )
            yield Static("", id="gender-problem", classes="problem -empty", markup=False)
            with Horizontal(classes="row"):
                yield Label(t("new_person.birth_year"), classes="label", markup=False)
                yield TextInput(
                    placeholder=t("new_person.birth_year_hint"), id="birth_year", max_length=4, compact=True
                )
            yield Static("", id="birth_year-problem", classes="problem -empty", markup=False)
            with Horizontal(classes="row"):
                yield Label(t("new_person.phone"), classes="label", markup=False)
                yield TextInput(placeholder=t("new_person.phone_hint"), id="phone", max_length=20, compact=True)
            yield Static("", id="phone-problem", classes="problem -empty", markup=False)
            with Horizontal(classes="row"):
                yield Checkbox(t("new_person.is_volunteer"), self._initial_volunteer, id="is_volunteer", compact=True)
            yield Static("", id="is_volunteer-problem", classes="problem -empty", markup=False)
            yield Static("", id="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{t('new_person.save')} Ctrl+S", id="save", variant="primary", compact=True)
                yield Button(f"{t('new_person.cancel')} Esc", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._initial = self._values()
        name = self.query_one("#name", Input)
        name.focus()
        name.cursor_position = len(name.value)

    # -- reading and checking -------------------------------------------------------------
    def _values(self) -> dict[str, object]:
        gender = self.query_one("#gender", Select)
        return {
            "name": self.query_one("#name", Input).value,
            "gender": None if gender.is_blank() else gender.value,
            "birth_year": self.query_one("#birth_year", Input).value.strip() or None,
            "phone": self.query_one("#phone", Input).value.strip() or None,
            "is_volunteer": self.query_one("#is_volunteer", Checkbox).value,
        }

    def _problems(self) -> tuple[Person | None, list[FieldProblem]]:
        values = self._values()
        name = str(values["name"]).strip()
        # Initials typed into the picker ("zjg") are not a name; the IME was probably off.
        pinyin = (
            [FieldProblem("name", "", t("new_person.pinyin_name").format(name=name))]
            if _looks_like_pinyin(name)
            else []
        )
        try:
            person = Person.model_validate(values)
        except ValidationError as exc:
            return None, pinyin + explain(exc)
        return (None, pinyin) if pinyin else (person, [])

    def _show(self, problems: list[FieldProblem], only_touched: bool) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            field = problem.field if problem.field in FIELDS else "name"
            by_field.setdefault(field, []).append(problem.message)
        for field in FIELDS:
            text = "；".join(by_field.get(field, [])) if (not only_touched or field in self._touched) else ""
            box = self.query_one(f"#{field}-problem", Static)
            box.update(text)
            box.set_class(not text, "-empty")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        if event.control.id:
            self._touched.add(event.control.id)
        self._show(self._problems()[1], only_touched=True)

    # -- actions --------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._saving:
            return
        person, problems = self._problems()
        self._show(problems, only_touched=False)
        message = self.query_one("#message", Static)
        if person is None:
            message.update(t("new_person.fix_first"))
            first = next((p.field for p in problems if p.field in FIELDS), "name")
            self.query_one(f"#{first}").focus()
            return
        self._saving = True
        message.update(t("new_person.saving"))
        self._store_person(person)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        from station_tui.screens.attendance_line import confirm_discard

        confirm_discard(self, self._values() != self._initial)

    @work(thread=True, exclusive=True, group="new-person")
    def _store_person(self, person: Person, asked: bool = False) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        try:
            twin = None if asked else store.people.find_same(person)
            if twin is not None:
                self.post_message(self._Twin(person, twin))
                return
            self.post_message(self._Saved(store.people.add(person), existed=False))
        except Exception as exc:  # locked or full disk: say so and keep the form
            self.post_message(self._Failed(str(exc)))

    @on(_Twin)
    def _twin(self, message: _Twin) -> None:
        from station_tui.modals.confirm import ConfirmModal

        def answered(new: bool | None) -> None:
            if new:
                self._store_person(message.person, asked=True)
            else:
                self.post_message(self._Saved(message.twin, existed=True))

        question = twin_notice(message.twin) + t("new_person.twin_ask")
        self.app.push_screen(
            ConfirmModal(
                question,
                confirm_label=t("new_person.twin_new"),
                cancel_label=t("new_person.twin_use"),
                danger=False,
            ),
            answered,
        )

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        self.used_existing = message.existed
        if message.existed:
            self.app.notify(t("new_person.exists").format(name=message.person.name))
        self.dismiss(message.person)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self._saving = False
        self.query_one("#message", Static).update(t("new_person.save_failed").format(error=message.error))
