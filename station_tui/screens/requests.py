"""群众点单 (更多 → d): villager requests (微心愿), a page at a time, newest first, filtered by
state, category and month, searched by the requester's name, pinyin or initials; a key for each
move (派单 g, 接单 j, 完成 w, 评价 r, 上报 u, 拒绝 x, 退单 t, 撤销 z, 答复退回 b, 上级办结 o) and
its history (h).

A move the request's state does not allow is refused in plain words before any dialog opens;
one the dialog cannot make (a reason missing, a state changed by another session meanwhile)
is said in the dialog, with everything typed kept. The rules are domain/request_flow.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from station_tui.domain.request_flow import BY_ACTION, Move, refusal
from station_tui.domain.vocab import ESCALATION_TARGETS, REQUEST_STATES
from station_tui.locale import t
from station_tui.screens.events import parse_month
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.paged import PagedListScreen, list_columns
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from station_tui.domain.models import Request

#: The moves that need nothing typed: made at once.
_AT_ONCE = ("accept",)
#: What each dialog asks for, by move.
_REASON_REQUIRED = ("reject", "decline", "escalate")


@dataclass(frozen=True)
class MoveChoices:
    """What a move's dialog offers, read in a worker: teams and volunteers, or activities."""

    request: Any
    options: list[tuple[str, str]]


class RequestListScreen(PagedListScreen):
    MODE = "requests"
    KIND = "request"
    BINDINGS = [
        Binding("g", "move('assign')", "move.assign", id="requests.assign"),
        Binding("j", "move('accept')", "move.accept", id="requests.accept"),
        Binding("w", "move('complete')", "move.complete", id="requests.complete"),
        Binding("r", "move('rate')", "move.rate", id="requests.rate"),
        Binding("u", "move('escalate')", "move.escalate", id="requests.escalate"),
        Binding("x", "move('reject')", "move.reject", show=False, id="requests.reject"),
        Binding("t", "move('decline')", "move.decline", show=False, id="requests.decline"),
        Binding("z", "move('withdraw')", "move.withdraw", show=False, id="requests.withdraw"),
        Binding("b", "move('answer')", "move.answer", show=False, id="requests.answer"),
        Binding("o", "move('serve_above')", "move.serve_above", show=False, id="requests.serve_above"),
        Binding("h", "history", "move.history", id="requests.history"),
        Binding("i", "photos", "key.photos", show=False, id="requests.photos"),
    ]
    COLUMNS = list_columns(
        "request",
        "received_on",
        "wish",
        "requester",
        "phone",
        "request_type",
        "state",
    )

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t("filter.request_text"), id="filter-text", compact=True)
            yield TextInput(placeholder=t("filter.month"), id="filter-month", compact=True)
            yield ChoiceBox(
                [(_state(s), s) for s in REQUEST_STATES], prompt=t("filter.all_states"), id="filter-state", compact=True
            )
            yield ChoiceBox(
                [(c, c) for c in self._categories()],
                prompt=t("filter.all_request_types"),
                id="filter-type",
                compact=True,
            )

    def _categories(self) -> list[str]:
        found = getattr(self.app, "request_categories", None) or getattr(
            getattr(self.app, "settings", None), "request_categories", None
        )
        if found:
            return list(found)
        from station_tui.domain.vocab import DEFAULT_REQUEST_CATEGORIES

        return list(DEFAULT_REQUEST_CATEGORIES)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.page = 0
        self.reload()

    def current_filter(self) -> Any:
        from station_tui.storage.repositories.requests import RequestFilter

        parsed = parse_month(self.query_one("#filter-month", Input).value)
        if parsed is None:
            self._filter_error = t("filter.bad_month")
            return None
        self._filter_error = ""
        year, month = parsed
        period = None if year is None else (f"{year:04d}-{month:02d}" if month else f"{year:04d}")
        state = self.query_one("#filter-state", Select).value
        kind = self.query_one("#filter-type", Select).value
        return RequestFilter(
            text=self.query_one("#filter-text", Input).value,
            state=None if state is Select.NULL else str(state),
            request_type=None if kind is Select.NULL else str(kind),
            month=period,
        )

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.storage.repositories.people import mask_phone

        repo = self.station_app.store.requests
        with self.station_app.store.snapshot():
            total = repo.count_matching(flt)
            found = repo.page(flt, limit=limit, offset=offset)
        rows = [
            (
                str(r.id),
                (
                    r.received_on.isoformat(),
                    r.wish,
                    r.requester,
                    mask_phone(r.phone),
                    r.request_type or "",
                    _state(r.state),
                ),
            )
            for r in found
        ]
        return rows, total

    def describe(self, record: Any) -> str:
        return f"{record.received_on.isoformat()} {record.requester} {record.wish}"

    # -- moves -------------------------------------------------------------------------------
    def action_move(self, action: str) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._prepare(record_id, action)

    @work(thread=True, group="request-move")
    def _prepare(self, record_id: str, action: str) -> None:
        """Read the request (and what the dialog offers); refuse at once when its state does not
        allow the move, so nothing is typed for nothing."""
        store = self.station_app.store
        try:
            request = store.requests.get(record_id)
            if request is None:
                self.app.call_from_thread(self.notify, t("form.gone"), severity="warning")
                return
            if request.state not in BY_ACTION[action].sources:
                self.app.call_from_thread(self.notify, refusal(request.state, action), severity="warning", timeout=8)
                return
            options: list[tuple[str, str]] = []
            if action == "assign":
                options = [(t("move.team", name=team.name), f"team:{team.id}") for team in store.teams.all()]
                options += [
                    (t("move.volunteer", name=p.name), f"person:{p.id}")
                    for p in store.people.search(volunteers_only=True, limit=500)
                ]
            elif action == "complete":
                options = store.requests.activities_to_link(request)
        except Exception as exc:  # a locked database: say so, nothing changed
            self.app.call_from_thread(self.notify, t("move.failed", error=str(exc)), severity="error", timeout=8)
            return
        if action == "assign" and not options:
            self.app.call_from_thread(self.notify, t("move.nobody"), severity="warning", timeout=8)
            return
        self.app.call_from_thread(self._open_dialog, action, MoveChoices(request, options))

    def _open_dialog(self, action: str, choices: MoveChoices) -> None:
        if action in _AT_ONCE:
            self._make_move(str(choices.request.id), Move(action), None)
            return
        self.app.push_screen(MoveDialog(action, choices, self._make_move))

    @work(thread=True, group="request-move")
    def _make_move(self, record_id: str, move: Move, dialog: MoveDialog | None) -> None:
        from station_tui.domain.request_flow import MoveRefused

        store = self.station_app.store
        station = store.station.current()
        try:
            done = store.requests.move(record_id, move, by=station.manager if station else None)
        except MoveRefused as exc:
            self._say_problem(dialog, exc.message)
            return
        except Exception as exc:  # locked, disk full: nothing written, say so, keep what was typed
            self._say_problem(dialog, t("move.failed", error=str(exc)))
            return
        if dialog is not None:
            self.app.call_from_thread(dialog.dismiss, done)
        label = t(f"move.{move.action}")
        self.app.call_from_thread(self.notify, t("move.done", label=label, wish=done.wish))
        self._select_id = record_id
        self.app.call_from_thread(self.app.data_changed)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.reload)

    def _say_problem(self, dialog: MoveDialog | None, text: str) -> None:
        if dialog is not None:
            self.app.call_from_thread(dialog.show_problem, text)
        else:
            self.app.call_from_thread(self.notify, text, severity="warning", timeout=8)

    def action_photos(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            from station_tui.screens.photos import open_photos

            row = self.query_one("DataTable").get_row(record_id)  # type: ignore[attr-defined]
            open_photos(self.app, "request", record_id, " ".join(str(cell) for cell in row[:3]))

    # -- history -----------------------------------------------------------------------------
    def action_history(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._read_history(record_id)

    @work(thread=True, group="request-history")
    def _read_history(self, record_id: str) -> None:
        from station_tui.storage.repositories.people import mask_phone
        from station_tui.storage.repositories.requests import action_label

        store = self.station_app.store
        try:
            request = store.requests.get(record_id)
            if request is None:
                self.app.call_from_thread(self.notify, t("form.gone"), severity="warning")
                return
            names = store.requests.names(request)
            moves = store.requests.moves(record_id)
        except Exception as exc:  # a locked database: say so
            self.app.call_from_thread(self.notify, t("move.failed", error=str(exc)), severity="error", timeout=8)
            return
        assignee = names.get("team_id") or names.get("volunteer_id") or ""
        lines = [
            t(
                "move.details",
                state=_state(request.state),
                assignee=assignee,
                expected=request.expected_on.isoformat() if request.expected_on else "—",
                phone=mask_phone(request.phone) or "—",
            )
        ]
        if request.rating:
            stars = "★" * request.rating + "☆" * (5 - request.rating)
            lines.append(stars + (f"  {request.comment}" if request.comment else ""))
        if names.get("activity_id"):
            lines.append(f"{t('field.request_activity')}：{names['activity_id']}")
        lines.append("")
        for m in moves:
            lines.append(
                t(
                    "move.history_line",
                    at=m.moved_at.replace("T", " ")[:16],
                    who=m.moved_by,
                    action=action_label(m.action),
                    from_state=_state(m.from_state) if m.from_state else "",
                    to_state=_state(m.to_state),
                )
                + (f"  {m.target}" if m.target else "")
            )
            if m.note:
                lines.append(f"    {m.note}")
        if not moves:
            lines.append(t("move.history_none"))
        title = t("move.history_title", wish=request.wish, requester=request.requester)
        self.app.call_from_thread(self.app.push_screen, HistoryDialog(title, "\n".join(lines)))


class MoveDialog(Localized, ModalScreen[Any]):
    """What one move needs: whom to assign, the activity, stars and comment, the level and
    reason of an escalation, a reason or an answer. Refusals show here; nothing typed is lost."""

    BINDINGS = [
        Binding("ctrl+s", "save", "move.ok", id="request_move.save"),
        Binding("escape", "cancel", "key.cancel", id="request_move.cancel"),
    ]

    def __init__(self, action: str, choices: MoveChoices, submit: Any) -> None:
        super().__init__()
        self.action = action
        self.request = choices.request
        self.options = choices.options
        self._submit = submit
        self._busy = False

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(classes="dialog", id="move-dialog") as dialog:
            dialog.border_title = t(
                "move.title",
                label=t(f"move.{self.action}"),
                wish=request.wish,
                requester=request.requester,
                state=_state(request.state),
            )
            action = self.action
            if action == "assign":
                yield Label(t("move.assign_to"), markup=False)
                yield ChoiceBox(
                    [(Text(label), value) for label, value in self.options],
                    prompt=t("form.choose"),
                    id="move-choice",
                    compact=True,
                )
            elif action == "complete":
                yield Label(t("move.activity"), markup=False)
                yield ChoiceBox(
                    [(Text(label), value) for label, value in self.options],
                    prompt=t("form.choose"),
                    id="move-choice",
                    compact=True,
                )
            elif action == "rate":
                yield Label(t("move.stars"), markup=False)
                yield ChoiceBox(
                    [("★" * n + "☆" * (5 - n) + f" {n}", n) for n in range(5, 0, -1)],
                    prompt=t("form.choose"),
                    id="move-choice",
                    compact=True,
                )
            elif action == "escalate":
                yield Label(t("move.level"), markup=False)
                yield ChoiceBox(
                    [(v, v) for v in ESCALATION_TARGETS], prompt=t("form.choose"), id="move-choice", compact=True
                )
            words = {"rate": "move.comment", "answer": "move.answer_text"}.get(
                action, "move.reason" if action in _REASON_REQUIRED else "move.note"
            )
            yield Label(t(words), markup=False)
            yield TextInput("", id="move-note", max_length=200 if action == "rate" else 500, compact=True)
            yield Static("", id="move-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("move.ok") + " (Ctrl+S)", id="move-ok", variant="primary", compact=True)
                yield Button(t("key.cancel") + " (Esc)", id="move-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        boxes = self.query("#move-choice")
        (boxes.first() if boxes else self.query_one("#move-note")).focus()

    def move(self) -> Move:
        note = self.query_one("#move-note", TextInput).value.strip() or None
        choice: Any = None
        if self.query("#move-choice"):
            value = self.query_one("#move-choice", Select).value
            choice = None if value is Select.NULL else value
        if self.action == "assign":
            kind, _, record_id = str(choice or ":").partition(":")
            return Move(
                "assign",
                team_id=record_id if kind == "team" else None,
                volunteer_id=record_id if kind == "person" else None,
                note=note,
            )
        if self.action == "complete":
            return Move("complete", activity_id=choice, note=note)
        if self.action == "rate":
            return Move("rate", rating=choice, comment=note)
        if self.action == "escalate":
            return Move("escalate", escalate_to=choice, note=note)
        return Move(self.action, note=note)

    def show_problem(self, text: str) -> None:
        self._busy = False
        self.query_one("#move-problem", Static).update(text)

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.query_one("#move-problem", Static).update("")
        self._submit(str(self.request.id), self.move(), self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(TextInput.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "move-ok":
            self.action_save()
        else:
            self.dismiss(None)


class HistoryDialog(Localized, ModalScreen[None]):
    """A request's details and its moves, oldest first."""

    BINDINGS = [Binding("escape,enter,h", "close", "key.close", id="request_history.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title, self._text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="history-dialog") as dialog:
            dialog.border_title = self._title
            with VerticalScroll():
                yield Static(self._text, id="history-text", markup=False)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)


def served_line(requests: list[Request]) -> str:
    """The activity form's read-only line: the requests it served."""
    items = "；".join(f"{r.received_on.isoformat()} {r.requester} {r.wish}（{_state(r.state)}）" for r in requests)
    return t("activity.served_requests", items=items)


def _state(state: str) -> str:
    """A request's state as the UI language says it (the records keep the Chinese word)."""
    return t("reqstate." + state)
