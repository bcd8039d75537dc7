"""Editing one roster line: role, sign-in/out and credited hours, or a crowd's headcount.

The editor checks as you type against the event (hours never longer than the event, nor than
sign-in to sign-out, and the minimum-share setting); on a problem it says what to fix and
keeps everything typed. It returns the edited Attendance; the roster screen saves it.
"""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from station_tui.domain import Attendance, Event, explain
from station_tui.domain.as_typed import TypedError, ascii_digits, parse_time
from station_tui.domain.clock import format_clock
from station_tui.domain.hours import HoursError, format_tenths, parse_hours
from station_tui.domain.rules import check_credit, credited_tenths, is_serving
from station_tui.domain.vocab import ROLES
from station_tui.locale import t
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput

#: Rules that check several fields at once, and the field the user should fix.
_ERROR_FIELDS = {
    "hours_exceed_activity": "hours",
    "negative_hours": "hours",
    "signout_before_signin": "sign_out",
    "attendance_role": "role",
    "absurd_count": "headcount",
    "negative_count": "headcount",
}


def confirm_discard(modal: ModalScreen, changed: bool) -> None:
    """Esc in a small form: leave at once if nothing was typed, otherwise ask first."""
    if not changed:
        modal.dismiss(None)
        return
    from station_tui.modals.confirm import ConfirmModal

    def answered(discard: bool | None) -> None:
        if discard:
            modal.dismiss(None)

    modal.app.push_screen(ConfirmModal(t("form.discard"), confirm_label=t("form.discard_yes")), answered)


class LineEditor(Localized, ModalScreen["Attendance | None"]):
    DEFAULT_CSS = """
    LineEditor { align: center middle; }
    LineEditor > #dialog {
        width: 60; height: auto; max-height: 22; overflow-y: auto;
        border: thick $primary; border-title-align: center;
        background: $surface; padding: 0 1;
    }
    LineEditor .row { height: 1; margin-top: 1; }
    LineEditor .label { width: 10; }
    LineEditor .row > Input, LineEditor .row > Select { width: 1fr; }
    LineEditor .problem { color: $error; margin-left: 10; height: auto; }
    LineEditor .problem.-empty { display: none; }
    LineEditor #computed { color: $text-muted; margin-left: 10; height: auto; }
    LineEditor #message { color: $error; height: auto; }
    LineEditor #buttons { height: 1; margin: 1 0; align-horizontal: right; }
    LineEditor #buttons > Button { margin-left: 1; min-width: 10; }
    """

    BINDINGS = [
        Binding("ctrl+s", "ok", "att_line.ok", id="line_editor.ok", priority=True),
        Binding("escape", "cancel", "key.cancel", id="line_editor.cancel"),
    ]

    def __init__(self, attendance: Attendance, event: Event, *, person_name: str = "", min_share: float = 0.0) -> None:
        super().__init__()
        self.attendance = attendance
        self.event = event
        self.person_name = person_name
        self.min_share = min_share
        self.headcount_mode = attendance.person_id is None
        #: The hours value last filled in by the editor; typed hours are never overwritten.
        self._auto_hours = format_tenths(attendance.credited_tenths) if attendance.credited_tenths else ""

    # -- layout ---------------------------------------------------------------------------
    def _row(self, label: str, widget: Input | Select, field: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="label", markup=False)
            yield widget
        yield Static("", id=f"{field}-problem", classes="problem -empty", markup=False)

    def compose(self) -> ComposeResult:
        att = self.attendance
        with Vertical(id="dialog") as dialog:
            if self.headcount_mode:
                dialog.border_title = t("att_line.title_headcount")
                yield from self._row(
                    t("att_line.headcount"),
                    TextInput(
                        str(att.headcount or ""),
                        placeholder=t("att_line.headcount_hint"),
                        id="headcount",
                        max_length=6,
                        compact=True,
                    ),
                    "headcount",
                )
            else:
                dialog.border_title = t("att_line.title_person").format(name=self.person_name)
                yield from self._row(
                    t("att_line.role"),
                    ChoiceBox(
                        [(t(f"role.{r}"), r) for r in ROLES],
                        value=att.role or "群众",
                        allow_blank=False,
                        id="role",
                        compact=True,
                    ),
                    "role",
                )
                yield from self._row(
                    t("att_line.sign_in"),
                    TextInput(
                        format_clock(att.sign_in), placeholder=t("att_line.time_hint"), id="sign_in", compact=True
                    ),
                    "sign_in",
                )
                yield from self._row(
                    t("att_line.sign_out"),
                    TextInput(
                        format_clock(att.sign_out), placeholder=t("att_line.time_hint"), id="sign_out", compact=True
                    ),
                    "sign_out",
                )
                yield from self._row(
                    t("att_line.hours"),
                    TextInput(
                        format_tenths(att.credited_tenths) if att.credited_tenths else "",
                        placeholder=t("att_line.hours_hint"),
                        id="hours",
                        compact=True,
                    ),
                    "hours",
                )
                yield Static("", id="computed", markup=False)
            yield from self._row(
                t("att_line.note"), TextInput(att.note or "", id="note", max_length=200, compact=True), "note"
            )
            yield Static("", id="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{t('att_line.ok')} Ctrl+S", id="ok", variant="primary", compact=True)
                yield Button(f"{t('att_line.cancel')} Esc", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        first = "#headcount" if self.headcount_mode else ("#hours" if is_serving(self.attendance.role) else "#role")
        self.query_one(first).focus()
        if not self.headcount_mode:
            self._refresh_hours_state()
        self._initial = self._typed()

    # -- reading --------------------------------------------------------------------------
    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _read(self) -> tuple[Attendance | None, dict[str, str]]:
        """The line as typed, or what is wrong with it per field."""
        problems: dict[str, str] = {}
        values: dict[str, object] = {"note": self._value("note").strip() or None}
        if self.headcount_mode:
            text = ascii_digits(self._value("headcount")).strip()
            if not (text.isascii() and text.isdigit()):
                problems["headcount"] = t("att_line.headcount_needed")
            elif int(text) == 0:
                problems["headcount"] = t("att_line.headcount_zero")
            else:
                values["headcount"] = int(text)
        else:
            role = self.query_one("#role", Select).selection
            values["role"] = role
            for field in ("sign_in", "sign_out"):
                try:
                    values[field] = parse_time(self._value(field))
                except TypedError as exc:
                    problems[field] = str(exc)
            try:
                values["credited_tenths"] = parse_hours(ascii_digits(self._value("hours"))) if is_serving(role) else 0
            except HoursError as exc:
                problems["hours"] = str(exc)
        if problems:
            return None, problems
        data = {**self.attendance.model_dump(), **values}
        try:
            attendance = Attendance.model_validate(data, context={"event": self.event})
        except ValidationError as exc:
            for item, problem in zip(exc.errors(include_url=False), explain(exc), strict=True):
                field = _ERROR_FIELDS.get(item.get("type", ""), problem.field)
                field = {"credited_tenths": "hours"}.get(field, field)
                if field not in ("role", "sign_in", "sign_out", "hours", "headcount", "note"):
                    field = "headcount" if self.headcount_mode else "hours"
                problems.setdefault(field, problem.message)
            return None, problems
        if not self.headcount_mode:
            credit = check_credit(
                self.event, attendance.sign_in, attendance.sign_out, attendance.credited_tenths, self.min_share
            )
            if credit is not None:
                return None, {"hours": credit.message}
        return attendance, {}

    def _show(self, problems: dict[str, str]) -> None:
        for box in self.query(".problem").results(Static):
            field = (box.id or "").removesuffix("-problem")
            text = problems.get(field, "")
            box.update(text)
            box.set_class(not text, "-empty")

    def _refresh_hours_state(self) -> None:
        """Recompute the suggested hours from sign-in/out; fill them in unless typed by hand."""
        role = self.query_one("#role", Select).selection
        hours = self.query_one("#hours", Input)
        hours.disabled = not is_serving(role)
        computed = self.query_one("#computed", Static)
        if not is_serving(role):
            computed.update(t("att_line.hours_volunteers_only"))
            return
        try:
            sign_in, sign_out = parse_time(self._value("sign_in")), parse_time(self._value("sign_out"))
        except TypedError:
            computed.update("")
            return
        tenths = credited_tenths(self.event, sign_in, sign_out, self.min_share)
        suggestion = format_tenths(tenths) if tenths else ""
        length = self.event.minutes
        computed.update(
            t("att_line.computed").format(hours=format_tenths(tenths), cap=format_tenths(length // 6))
            if length
            else t("att_line.computed_uncapped").format(hours=format_tenths(tenths))
        )
        if hours.value.strip() in ("", self._auto_hours):
            self._auto_hours = suggestion
            hours.value = suggestion

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        if not self.headcount_mode and event.control.id in ("sign_in", "sign_out", "role"):
            self._refresh_hours_state()
        problems = self._read()[1]
        # While typing, only complain about what was touched, so a half-typed time is not shouted at.
        self._show({k: v for k, v in problems.items() if k == event.control.id or k == "hours"})

    # -- actions --------------------------------------------------------------------------
    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        attendance, problems = self._read()
        self._show(problems)
        if attendance is None:
            self.query_one("#message", Static).update(t("att_line.fix_first"))
            first = next(iter(problems))
            target = self.query(f"#{first}")
            if target:
                target.first().focus()
            return
        self.dismiss(attendance)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        confirm_discard(self, self._typed() != self._initial)

    def _typed(self) -> list[object]:
        return [w.value for w in self.query("Input, Select")]  # type: ignore[attr-defined]
