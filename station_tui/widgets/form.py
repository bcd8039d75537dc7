"""A form for one record, checked by its domain model as the user types.

Errors are explained in plain Chinese under the field (``domain.explain``); nothing typed is
ever cleared by an error; Save stays disabled (and Ctrl+S refuses, pointing at the first
problem) until the record is valid. Saving runs in a worker; a concurrent edit by another
session opens the conflict dialog instead of overwriting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from station_tui.locale import t
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput


@dataclass(frozen=True)
class Field:
    """One line of a form. ``kind``: text, date, time, int, hours, choice, yesno, secret, or
    lookup (a choice among records, e.g. teams: the form's ``lookup_options`` gives them)."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    #: What an empty box means for int fields (``None`` lets the model say it is missing).
    blank: Any = None
    required: bool = False


#: The form box for each way of typing a value (``domain.declare.TypedAs``); a ``list`` is
#: typed as words in one text box.
_WIDGET_KIND: dict[str, str] = {
    "text": "text",
    "list": "text",
    "date": "date",
    "time": "time",
    "count": "int",
    "year": "int",
    "hours": "hours",
    "yesno": "yesno",
    "choice": "choice",
    "secret": "secret",
    "lookup": "lookup",
}


def form_fields(model: type[BaseModel], *names: str, **overrides: dict[str, Any]) -> tuple[Field, ...]:
    """The lines of a form for ``model``, in the order named: each line's label, box, hint,
    choices and whether it is required come from the field's declaration (``Meta``).

    A form names only its layout. Where one form must differ from the declaration, pass the
    field's name with what differs (``volunteer_tenths={"placeholder": "hint.other"}``); keep
    that rare, or the forms drift from the lists and the import files again.
    """
    from dataclasses import replace

    from station_tui.domain.declare import field_specs

    specs = field_specs(model)  # type: ignore[arg-type]
    unknown = [n for n in (*names, *overrides) if n not in specs]
    if unknown:
        raise ValueError(f"{model.__name__} declares no field {', '.join(unknown)}")
    stray = [n for n in overrides if n not in names]
    if stray:
        raise ValueError(f"overrides for fields the form does not show: {', '.join(stray)}")
    fields = []
    for name in names:
        spec = specs[name]
        kind = _WIDGET_KIND[spec.typed_as]
        blank = None
        if kind == "int" and not spec.required:
            # An empty count box means the model's default (受众人数 0), not "missing".
            blank = model.model_fields[name].get_default(call_default_factory=True)
        field = Field(
            name,
            spec.ui,
            kind=kind,
            choices=spec.choices if kind == "choice" else (),
            placeholder=spec.hint,
            blank=blank,
            required=spec.required,
        )
        fields.append(replace(field, **overrides[name]) if name in overrides else field)
    return tuple(fields)


def display_value(field: Field, value: Any) -> str:
    """A stored value as the form shows it."""
    from station_tui.domain.hours import format_tenths

    if value is None:
        return ""
    if field.kind == "hours":
        return format_tenths(int(value)) if value else ""
    if field.kind == "yesno":
        return t("yes") if value else t("no")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


class RecordForm(Localized, ModalScreen[Any]):
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    MODEL: ClassVar[type[BaseModel]]
    #: The store's repository attribute; empty: the model's table (``domain.kinds``), "lectures".
    REPO: ClassVar[str] = ""
    TITLE_NEW: ClassVar[str] = ""
    TITLE_EDIT: ClassVar[str] = ""
    CANCELLABLE: ClassVar[bool] = True

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="form.save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="form.cancel"),
    ]

    class Saved(Message):
        def __init__(self, record: Any) -> None:
            super().__init__()
            self.record = record

    class Conflict(Message):
        def __init__(self, mine: Any, theirs: Any, changed: list[str]) -> None:
            super().__init__()
            self.mine, self.theirs, self.changed = mine, theirs, changed

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Twin(Message):
        """The record likely repeats a stored one: ask before storing it."""

        def __init__(self, model: Any, question: str) -> None:
            super().__init__()
            self.model, self.question = model, question

    def __init__(self, record: Any = None) -> None:
        super().__init__()
        self.record = record
        self._touched: set[str] = set()
        self._show_all = False
        self._valid: Any = None
        self._saving = False
        #: The list boxes' choices (teams, venues) are being read: keys wait (widgets/key_order.py).
        self._looking_up = False
        self._initial: dict[str, Any] = {}

    # -- building ------------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """Values a new record starts with: a date box starts at today (most records are
        entered on the day or soon after; the app pins "today" for tests)."""
        return {field.name: self.app.today for field in self.FIELDS if field.kind == "date"}  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        source = self.record.model_dump() if self.record is not None else self.defaults()
        with Vertical(id="form-dialog", classes="dialog"):
            title = t(self.TITLE_EDIT if self.record is not None else self.TITLE_NEW)
            yield Static(title, id="form-title", markup=False)
            with VerticalScroll(id="form-fields"):
                for field in self.FIELDS:
                    with Horizontal(classes="form-row"):
                        label = t(field.label) + ("*" if field.required else "")
                        yield Label(label, classes="form-label", markup=False)
                        yield self._make_widget(field, source.get(field.name))
                    yield Static("", id=f"e-{field.name}", classes="form-error", markup=False)
            yield Static("", id="form-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("form.save") + " (Ctrl+S)", id="form-save", variant="primary", compact=True)
                if self.CANCELLABLE:
                    yield Label(" ", markup=False)
                    yield Button(t("form.cancel") + " (Esc)", id="form-cancel", compact=True)
        # The form's own keys; without it the footer of the screen below showed through, naming
        # keys (c 新建, d 删除 …) that type letters here.
        yield KeyFooter()

    def _make_widget(self, field: Field, value: Any) -> Widget:
        wid = f"f-{field.name}"
        if field.kind == "lookup":
            # Options arrive from a worker after mount (see _load_lookups).
            return ChoiceBox([], allow_blank=True, compact=True, id=wid, prompt=t("form.choose"))
        if field.kind in ("choice", "yesno"):
            if field.kind == "yesno":
                options: list[tuple[str, object]] = [(t("no"), False), (t("yes"), True)]
                current: Any = bool(value)
                allow_blank = False
            else:
                options = [(t("choice." + c) if _has_choice_label(c) else c, c) for c in field.choices]
                current = value if value in field.choices else Select.NULL
                allow_blank = True  # a required choice must be made, never defaulted
            return ChoiceBox(
                options, value=current, allow_blank=allow_blank, compact=True, id=wid, prompt=t("form.choose")
            )
        return TextInput(
            value=display_value(field, value),
            placeholder=t(field.placeholder) if field.placeholder else "",
            password=field.kind == "secret",
            compact=True,
            id=wid,
        )

    def on_mount(self) -> None:
        self._initial = self.raw_values()
        self.validate_form()
        if any(f.kind == "lookup" for f in self.FIELDS):
            self._looking_up = True
            self._load_lookups()
        first = self.query(f"#f-{self.FIELDS[0].name}").first() if self.FIELDS else None
        if first is not None:
            first.focus()

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        """(label, id) choices of a lookup field; runs in a worker thread."""
        return []

    @property
    def holds_keys(self) -> bool:
        return self._saving or self._looking_up

    @work(thread=True, group="form-lookups")
    def _load_lookups(self) -> None:
        try:
            options = {f.name: self.lookup_options(f) for f in self.FIELDS if f.kind == "lookup"}
        except Exception as exc:  # a locked database: the boxes stay empty, the rest of the form works
            self.app.call_from_thread(self.app.notify, t("form.lookups_failed", error=str(exc)), severity="warning")
            options = {}
        self.app.call_from_thread(self._show_lookups, options)

    def _show_lookups(self, options: dict[str, list[tuple[str, str]]]) -> None:
        self._looking_up = False
        current = self.record.model_dump() if self.record is not None else {}
        with self.prevent(Select.Changed):
            for name, choices in options.items():
                select = self.query_one(f"#f-{name}", Select)
                select.set_options((Text(label), value) for label, value in choices)  # names as typed, not markup
                if current.get(name) in {v for _, v in choices}:
                    select.value = current[name]
                self._initial[name] = select.value
        self.validate_form()

    # -- reading and checking --------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.FIELDS:
            widget = self.query_one(f"#f-{field.name}")
            out[field.name] = widget.value  # type: ignore[attr-defined]
        return out

    def to_data(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Form text -> model input, and the problems found before the model sees it."""
        from station_tui.domain.as_typed import TypedError, ascii_digits, parse_date, parse_time, parse_whole
        from station_tui.domain.hours import HoursError, parse_hours

        data: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for field in self.FIELDS:
            value = raw[field.name]
            try:
                if field.kind in ("choice", "yesno", "lookup"):
                    data[field.name] = None if value is Select.NULL else value
                elif field.kind == "int":
                    number = parse_whole(value)
                    data[field.name] = field.blank if number is None else number
                elif field.kind == "hours":
                    data[field.name] = parse_hours(ascii_digits(str(value)))
                elif field.kind == "date":
                    data[field.name] = parse_date(value, self.app.today)  # type: ignore[attr-defined]
                elif field.kind == "time":
                    data[field.name] = parse_time(value)
                elif not field.required and not str(value).strip():
                    data[field.name] = None  # an empty box means "not given", for every model alike
                else:
                    data[field.name] = value
            except (TypedError, HoursError) as exc:
                problems[field.name] = str(exc)
        return data, problems

    def context(self) -> dict[str, Any]:
        # team_categories: a team's category must be one the county (or the settings) lists.
        return {"today": self.app.today, "team_categories": getattr(self.app, "team_categories", None)}  # type: ignore[attr-defined]

    def build(self, data: dict[str, Any]) -> BaseModel:
        base = self.record.model_dump() if self.record is not None else {}
        merged = {**base, **data}
        return self.MODEL.model_validate(merged, context=self.context())

    def validate_form(self) -> None:
        from station_tui.domain import explain

        data, problems = self.to_data(self.raw_values())
        general: list[str] = []
        self._valid = None
        try:
            model = self.build({k: v for k, v in data.items() if k not in problems})
        except ValidationError as exc:
            for problem in explain(exc):
                if problem.field in {f.name for f in self.FIELDS}:
                    problems.setdefault(problem.field, problem.message)
                else:
                    general.append(problem.message)
        else:
            if not problems:
                self._valid = model
        for field in self.FIELDS:
            shown = problems.get(field.name, "") if (self._show_all or field.name in self._touched) else ""
            error = self.query_one(f"#e-{field.name}", Static)
            error.update(shown)
            error.display = bool(shown)
        notice = self.query_one("#form-problem", Static)
        if general and (self._show_all or self._touched):
            notice.update("；".join(general))
        elif self._valid is None and (problems or general):
            notice.update(t("form.still_wrong", n=len(problems) + len(general)))
        else:
            notice.update("")
        self.query_one("#form-save", Button).disabled = self._valid is None or self._saving
        self._problems = problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self._touch(event.input.id)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._touch(event.select.id)

    def _touch(self, widget_id: str | None) -> None:
        if not self.is_mounted or not self._initial:
            return
        if widget_id and widget_id.startswith("f-"):
            self._touched.add(widget_id[2:])
        self.validate_form()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on like Tab; on the last box it saves."""
        event.stop()
        names = [f.name for f in self.FIELDS]
        current = (event.input.id or "")[2:]
        if current == names[-1]:
            self.action_save()
        else:
            self.focus_next()

    # -- saving --------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        self.validate_form()
        if self._valid is None:
            self._show_all = True
            self.validate_form()
            for field in self.FIELDS:
                if field.name in self._problems:
                    self.query_one(f"#f-{field.name}").focus()
                    break
            self.app.bell()
            return
        self._saving = True
        self.query_one("#form-save", Button).disabled = True
        self._persist(self._valid, force=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_save()
        elif event.button.id == "form-cancel":
            self.action_cancel()

    def repository(self) -> Any:
        repo = self.REPO
        if not repo:
            from station_tui.domain.kinds import kind_of

            kind = kind_of(self.MODEL)  # type: ignore[arg-type]
            if kind is None:
                raise LookupError(f"{self.MODEL.__name__} is no record kind (domain/kinds.py)")
            repo = kind.table
        return self.app.store.repository(repo)  # type: ignore[attr-defined]

    def write(self, model: Any, *, force: bool) -> Any:
        repo = self.repository()
        if model.id is None:
            return repo.add(model)
        return repo.force_update(model) if force else repo.update(model)

    def likely_twin(self, model: Any) -> str | None:
        """The question to ask before storing ``model`` when it likely repeats a stored record
        (None: nothing to ask). Runs in the save worker; read through the repositories."""
        return None

    @work(thread=True, exclusive=True, group="form-save")
    def _persist(self, model: Any, force: bool, asked: bool = False) -> None:
        from station_tui.storage import NotFound, StaleRecord

        try:
            question = None if force or asked else self.likely_twin(model)
            if question is not None:
                self.post_message(self.Twin(model, question))
                return
            saved = self.write(model, force=force)
        except StaleRecord as exc:
            self.post_message(self.Conflict(exc.mine, exc.theirs, exc.changed))
        except NotFound:
            self.post_message(self.Failed(t("form.gone")))
        except Exception as exc:  # a locked or full disk, a sqlite3 error: say so, keep everything typed
            self.post_message(self.Failed(t("form.save_failed", error=str(exc))))
        else:
            self.post_message(self.Saved(saved))

    def on_record_form_saved(self, message: Saved) -> None:
        message.stop()
        self._saving = False
        self.app.data_changed()  # type: ignore[attr-defined]
        self.app.notify(t("form.saved"))
        self.dismiss(message.record)

    def on_record_form_failed(self, message: Failed) -> None:
        message.stop()
        self._saving = False
        self.validate_form()
        self.app.notify(message.text, severity="error", timeout=8)

    def on_record_form_twin(self, message: Twin) -> None:
        from station_tui.modals.confirm import ConfirmModal

        message.stop()

        def answered(save: bool | None) -> None:
            if save:
                self._persist(message.model, force=False, asked=True)
            else:  # back to the form, everything typed still there
                self._saving = False
                self.validate_form()

        ask = ConfirmModal(message.question, confirm_label=t("twin.save_anyway"), danger=False)
        self.app.push_screen(ask, answered)

    def on_record_form_conflict(self, message: Conflict) -> None:
        from station_tui.modals.conflict import ConflictModal

        message.stop()
        rows = []
        by_name = {f.name: f for f in self.FIELDS}
        for name in message.changed:
            field = by_name.get(name, Field(name, name))
            label = t(field.label) if name in by_name else name
            theirs, mine = getattr(message.theirs, name), getattr(message.mine, name)
            if field.kind == "lookup":  # show the team's name, not its id
                names = {v: str(lbl) for lbl, v in self.query_one(f"#f-{name}", Select)._options}
                rows.append((label, names.get(theirs, theirs or ""), names.get(mine, mine or "")))
            else:
                rows.append((label, self.conflict_text(field, theirs), self.conflict_text(field, mine)))

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                self._persist(message.mine, force=True)
                return
            self._saving = False
            if choice == "theirs":
                self.load_record(message.theirs)
                self.app.notify(t("conflict.loaded_theirs"))
            else:
                self.validate_form()

        self.app.push_screen(ConflictModal(rows), chosen)

    def conflict_text(self, field: Field, value: Any) -> str:
        """A field's value as the theirs-or-mine dialog shows it (a list box's is its label)."""
        return display_value(field, value)

    def load_record(self, record: Any) -> None:
        """Show ``record`` in the form (the other session's version, after a conflict)."""
        self.record = record
        source = record.model_dump()
        with self.prevent(Input.Changed, Select.Changed):
            for field in self.FIELDS:
                widget = self.query_one(f"#f-{field.name}")
                if isinstance(widget, Select):
                    value = source.get(field.name)
                    if field.kind == "yesno":
                        widget.value = bool(value)
                    elif field.kind == "lookup":
                        known = {v for _, v in widget._options}
                        widget.value = value if value in known else Select.NULL
                    else:
                        widget.value = value if value in field.choices else Select.NULL
                else:
                    widget.value = display_value(field, source.get(field.name))  # type: ignore[attr-defined]
        self._initial = self.raw_values()
        self._touched.clear()
        self._show_all = False
        self.validate_form()

    # -- leaving -------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """Asked by the app before quitting (any screen may define it)."""
        return self.is_mounted and bool(self._initial) and self.raw_values() != self._initial

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A form that cannot be left (first-run setup) does not offer Esc in its footer.
        return self.CANCELLABLE or action != "cancel"

    def action_cancel(self) -> None:
        if not self.CANCELLABLE:
            return
        if self.raw_values() == self._initial:
            self.dismiss(None)
            return
        from station_tui.modals.confirm import ConfirmModal

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(t("form.discard"), confirm_label=t("form.discard_yes")), answered)


def _has_choice_label(value: str) -> bool:
    from station_tui.locale import has

    return has("choice." + value)
