"""签到: the roster editor of one lecture or activity.

Type a name, pinyin or initials in the picker and press Enter to add a person; ``r`` cycles a
line's role, ``e`` edits its times and hours, ``h`` adds a headcount for a crowd, ``Delete``
removes a line. Nothing is written until Ctrl+S, which saves the whole roster in one
transaction; leaving with unsaved changes asks first. All database work runs in workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from station_tui.domain import Attendance, Event, Person, explain_text
from station_tui.domain.clock import format_clock
from station_tui.domain.hours import format_tenths
from station_tui.domain.rules import is_serving
from station_tui.domain.widths import cell_width, pad
from station_tui.locale import t
from station_tui.modals.conflict import ConflictModal
from station_tui.screens.attendance_draft import Draft, DraftError, Line
from station_tui.screens.attendance_leave import LeaveDialog
from station_tui.screens.attendance_line import LineEditor
from station_tui.screens.attendance_source import SourceDialog
from station_tui.storage import DuplicateAttendance, NotFound, StaleRecord
from station_tui.storage.repositories.attendance import RosterSource
from station_tui.storage.repositories.people import mask_phone
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.key_order import HoldsKeysWhileSaving
from station_tui.widgets.localized import Localized
from station_tui.widgets.new_person import NewPersonForm
from station_tui.widgets.person_picker import PersonPicker
from station_tui.widgets.table import RecordTable

if TYPE_CHECKING:
    from station_tui.storage import Store

EventKind = Literal["lecture", "activity"]


def _shown(field: str, value: object) -> str:
    if value is None:
        return ""
    if field == "credited_tenths":
        return format_tenths(int(value))  # type: ignore[call-overload]
    if field == "role":
        return t(f"role.{value}")
    if hasattr(value, "strftime"):
        return format_clock(value)  # type: ignore[arg-type]
    return str(value)


def _team_row(name: str, category: str | None, members: int) -> Text:
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(pad(name, 24) + " ", style="bold")
    row.append(pad(category or "", 16) + " ")
    row.append(t("att.members", n=members))
    return row


def _source_row(source: RosterSource) -> Text:
    kinds = (t("att.kind_lecture"), t("att.kind_activity"))
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(source.date + " ")
    row.append(pad(kinds[0] if source.event_kind == "lecture" else kinds[1], max(map(cell_width, kinds)) + 1))
    row.append(pad(t("att.members", n=source.named), cell_width(t("att.members", n=999)) + 1), style="green")
    row.append(source.title, style="bold")
    return row


class RosterTable(RecordTable):
    """The roster; the screen's keys act on the highlighted line."""


class AttendanceScreen(HoldsKeysWhileSaving, Localized, Screen[None]):
    DEFAULT_CSS = """
    AttendanceScreen { layout: vertical; }
    AttendanceScreen #event, AttendanceScreen #summary, AttendanceScreen #status {
        height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    AttendanceScreen #event { background: $primary-muted; }
    AttendanceScreen #summary { color: $text-muted; }
    AttendanceScreen PersonPicker > Input { margin: 0 0; }
    AttendanceScreen RosterTable { height: 1fr; }
    AttendanceScreen #status { height: 1; padding: 0 1; }
    AttendanceScreen #status.-error { color: $error; text-style: bold; }
    """

    BINDINGS = [
        # On the roster (hidden while typing in the picker, where letters are text).
        Binding("r", "cycle_role", "att.key_role", id="attendance.cycle_role"),
        Binding("e", "edit_line", "att.key_edit", id="attendance.edit_line"),
        Binding("h", "add_headcount", "att.key_headcount", id="attendance.add_headcount"),
        Binding("delete,d", "remove_line", "att.key_remove", id="attendance.remove_line", key_display="Del"),
        # Everywhere on the screen.
        Binding("tab", "switch_focus", "att.key_switch", id="attendance.switch_focus", key_display="Tab"),
        Binding("ctrl+n", "new_person", "att.key_new_person", id="attendance.new_person"),
        Binding("ctrl+t", "add_team", "att.key_team", id="attendance.add_team"),
        Binding("ctrl+r", "from_earlier", "att.key_earlier", id="attendance.from_earlier"),
        Binding("ctrl+s", "save", "key.save", id="attendance.save", priority=True),
        Binding("escape", "leave", "att.key_leave", id="attendance.leave"),
    ]

    #: Actions on the highlighted line; only offered while the roster has the focus.
    ROW_ACTIONS = frozenset({"cycle_role", "edit_line", "add_headcount", "remove_line"})

    # -- messages from workers ------------------------------------------------------------
    class Loaded(Message):
        def __init__(
            self, event: Event | None, lines: list[tuple[Attendance, Person | None]], error: str | None = None
        ) -> None:
            super().__init__()
            self.event, self.lines, self.error = event, lines, error

    class Saved(Message):
        def __init__(self, lines: list[tuple[Attendance, Person | None]], leave: bool) -> None:
            super().__init__()
            self.lines, self.leave = lines, leave

    class Fetched(Message):
        """People to add at once (a team's members, an earlier roster's lines), read in a worker."""

        def __init__(self, people: list[tuple[Person, str]], said: str, error: str | None = None) -> None:
            super().__init__()
            self.people, self.said, self.error = people, said, error

    class SaveFailed(Message):
        def __init__(self, error: Exception, leave: bool) -> None:
            super().__init__()
            self.error, self.leave = error, leave

    def __init__(self, event_kind: EventKind, event_id: str) -> None:
        super().__init__()
        self.event_kind: EventKind = event_kind
        self.event_id = event_id
        self.draft: Draft | None = None
        self._saving = False
        #: A team's or an earlier roster's people are being read: keys typed meanwhile wait.
        self._fetching = False

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(t("att.loading"), id="event", markup=False)
        yield Static("", id="summary", markup=True)
        yield PersonPicker(id="picker")
        table = RosterTable(id="roster", cursor_type="row", zebra_stripes=True)
        table.add_column(t("att.col_mark"), key="mark", width=1)
        table.add_column(t("att.col_name"), key="name", width=12)
        table.add_column(t("att.col_gender"), key="gender", width=4)
        table.add_column(t("att.col_phone"), key="phone", width=11)
        table.add_column(t("att.col_role"), key="role", width=9)
        table.add_column(t("att.col_in"), key="in", width=5)
        table.add_column(t("att.col_out"), key="out", width=5)
        table.add_column(t("att.col_hours"), key="hours", width=4)
        table.add_column(t("att.col_note"), key="note", width=7)
        yield table
        yield Static("", id="status", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(PersonPicker).focus_input()
        self._load()

    @property
    def holds_keys(self) -> bool:
        return self._saving or self._fetching

    # -- keys -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_roster = self.focused is not None and isinstance(self.focused, RosterTable)
        if action in self.ROW_ACTIONS:
            return on_roster
        if action == "new_person":
            # Offered where people are added; hiding it on the roster keeps the footer in 80 columns.
            return not on_roster
        if action in ("add_team", "from_earlier"):
            # Likewise, and not while the picker's list is open (its ↓↑ and Esc are shown then).
            picker = next(iter(self.query(PersonPicker)), None)
            return not on_roster and not (picker is not None and picker.is_open)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#roster")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a line edits it."""
        self.action_edit_line()

    # -- helpers --------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def _min_share(self) -> float:
        settings = getattr(self.app, "settings", None)
        if settings is None:
            from station_tui.config import SettingsError, load_settings

            try:
                settings = load_settings()
            except SettingsError as exc:
                self.notify(str(exc), severity="warning")
                return 0.0
        return float(getattr(settings, "min_attendance_share", 0.0) or 0.0)

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _kind_word(self) -> str:
        return t("att.kind_lecture") if self.event_kind == "lecture" else t("att.kind_activity")

    def _line_name(self, line: Line | None) -> str:
        if line is None:
            return ""
        if line.person is not None:
            return line.person.name
        return t("att.headcount_name") if line.is_headcount else ""

    # -- loading --------------------------------------------------------------------------
    def data_changed(self) -> None:
        """Another session committed. An untouched roster reloads; one being edited is left
        alone (a clash with the other session's edit is resolved when saving)."""
        if self.draft is not None and not self.draft.is_dirty and not self._saving:
            self._load()

    @work(thread=True, exclusive=True, group="attendance-load")
    def _load(self) -> None:
        try:
            repo = self.store.lectures if self.event_kind == "lecture" else self.store.activities
            event = repo.get(self.event_id)
            lines = self._read_roster() if event is not None else []
        except Exception as exc:  # a locked or damaged database: say so, keep the screen
            self.post_message(self.Loaded(None, [], str(exc)))
            return
        self.post_message(self.Loaded(event, lines))

    def _read_roster(self) -> list[tuple[Attendance, Person | None]]:
        return [(line.attendance, line.person) for line in self.store.attendance.roster(self.event_kind, self.event_id)]

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error and self.draft is not None:
            # A background reload failed (database busy?): keep the roster on screen as it is.
            self._say(t("att.load_failed").format(error=message.error), error=True)
            return
        if message.error or message.event is None:
            text = (
                t("att.load_failed").format(error=message.error)
                if message.error
                else t("att.not_found").format(kind=self._kind_word())
            )
            self.query_one("#event", Static).update(text)
            self.query_one(PersonPicker).disabled = True
            self._say(text, error=True)
            return
        if self.draft is not None and self.draft.is_dirty:
            return  # a background reload finished after the user started editing: keep theirs
        # A reload (after this screen's own save, or another session's) makes new line keys and
        # may re-sort: keep the highlight on the same person, or the next r/e/Del hits another.
        anchor = self._anchor()
        self.draft = Draft(self.event_kind, message.event, self._min_share())
        self.draft.load(message.lines)
        self._show_event()
        self._refresh_table(focus_key=self._key_of(anchor))
        if not message.lines:
            self._say(t("att.empty"))

    def _show_event(self) -> None:
        assert self.draft is not None
        event = self.draft.event
        times = (
            f"{format_clock(event.start_time)}–{format_clock(event.end_time)}"
            if event.start_time and event.end_time
            else t("att.no_times")
        )
        length = t("att.length").format(hours=format_tenths(event.minutes // 6)) if event.minutes else ""
        header = Text()
        header.append(t("att.heading").format(kind=self._kind_word()), style="bold")
        header.append(f" {event.date.isoformat()} {times}")
        if length:
            header.append(length)
        header.append(" " + event.heading, style="bold")
        self.query_one("#event", Static).update(header)

    def _refresh_table(self, focus_key: str | None = None) -> None:
        assert self.draft is not None
        table = self.query_one(RosterTable)
        keep = focus_key
        if keep is None and table.row_count and table.cursor_row is not None:
            try:
                keep = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            except Exception:
                keep = None
        table.clear()
        for line in self.draft.visible:
            table.add_row(*self._cells(line), key=line.key)
        if keep is not None:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except Exception:
                pass
        self.query_one(PersonPicker).taken = self.draft.person_ids()
        self._refresh_summary()

    def _cells(self, line: Line) -> list[object]:
        att = line.attendance
        mark = "*" if line.is_dirty else ""
        if line.is_headcount:
            return [mark, t("att.headcount_row").format(n=att.headcount), "", "", "—", "", "", "", att.note or ""]
        person = line.person
        hours = format_tenths(att.credited_tenths) if is_serving(att.role) else "—"
        role = t(f"role.{att.role}") if att.role else ""
        return [
            mark,
            person.name if person else "?",
            t(f"gender.{person.gender}") if person and person.gender else "",
            mask_phone(person.phone) if person else "",
            role,
            format_clock(att.sign_in),
            format_clock(att.sign_out),
            hours,
            att.note or "",
        ]

    def _refresh_summary(self) -> None:
        assert self.draft is not None
        text = t("att.summary").format(
            named=self.draft.named_count(),
            crowd=self.draft.headcount(),
            hours=format_tenths(self.draft.volunteer_tenths()),
        )
        if self.draft.is_dirty:
            text += t("att.unsaved")
        self.query_one("#summary", Static).update(text)

    def _current_line(self) -> Line | None:
        if self.draft is None:
            return None
        table = self.query_one(RosterTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.draft.line(str(key))

    def _anchor(self) -> str | None:
        """What the highlighted line is about (its person, or its stored id for a headcount):
        unlike its key, this outlives a reload."""
        line = self._current_line()
        if line is None:
            return None
        return line.attendance.person_id or line.attendance.id

    def _key_of(self, anchor: str | None) -> str | None:
        if anchor is None or self.draft is None:
            return None
        line = next((ln for ln in self.draft.visible if anchor in (ln.attendance.person_id, ln.attendance.id)), None)
        return line.key if line else None

    # -- adding people --------------------------------------------------------------------
    @on(PersonPicker.Picked)
    def _picked(self, message: PersonPicker.Picked) -> None:
        self._add_person(message.person, new=False)

    def _add_person(self, person: Person, *, new: bool) -> None:
        if self.draft is None:
            self._say(t("att.no_event"), error=True)
            return
        picker = self.query_one(PersonPicker)
        try:
            line = self.draft.add_person(person, registered_here=new)
        except DraftError as exc:
            self._say(str(exc), error=True)
            return
        picker.clear()
        self._refresh_table(focus_key=line.key)
        self._say(
            (t("att.added_new") if new else t("att.added")).format(
                name=person.name, role=t(f"role.{line.attendance.role}")
            )
        )

    @on(PersonPicker.NewPersonRequested)
    def _new_requested(self, message: PersonPicker.NewPersonRequested) -> None:
        self._open_new_person(message.name)

    def action_new_person(self) -> None:
        self._open_new_person(self.query_one(PersonPicker).text.strip())

    def _open_new_person(self, name: str) -> None:
        if self.draft is None:
            self._say(t("att.no_event"), error=True)
            return
        # Names are Chinese; a pinyin query like "zs" is not a name to pre-fill.
        prefill = "" if name.isascii() else name

        form = NewPersonForm(prefill)

        def done(person: Person | None) -> None:
            if person is not None:
                self._add_person(person, new=not form.used_existing)
            self.query_one(PersonPicker).focus_input()

        self.app.push_screen(form, done)

    # -- adding many at once: a whole team, or an earlier event's roster ------------------
    def action_add_team(self) -> None:
        if self.draft is None:
            self._say(t("att.no_event"), error=True)
            return
        store = self.store

        def teams(text: str) -> list[tuple[Text, str]]:
            sizes = store.team_members.sizes()
            found = [team for team in store.teams.all() if text in team.name or text in (team.category or "")]
            return [(_team_row(team.name, team.category, sizes.get(str(team.id), 0)), str(team.id)) for team in found]

        def chosen(team_id: str | None) -> None:
            self.query_one(PersonPicker).focus_input()
            if team_id is not None:
                self._fetching = True
                self._fetch_team(team_id)

        dialog = SourceDialog(t("att.team_title"), t("att.team_hint"), t("att.team_none"), teams)
        self.app.push_screen(dialog, chosen)

    @work(thread=True, exclusive=True, group="attendance-fetch")
    def _fetch_team(self, team_id: str) -> None:
        try:
            team = self.store.teams.get(team_id)
            people = self.store.team_members.people_in(team_id)
        except Exception as exc:
            self.post_message(self.Fetched([], "", t("att.fetch_failed", error=str(exc))))
            return
        name = team.name if team is not None else ""
        self.post_message(self.Fetched([(p, "志愿者") for p in people], t("att.from_team", team=name)))

    def action_from_earlier(self) -> None:
        if self.draft is None:
            self._say(t("att.no_event"), error=True)
            return
        store, besides = self.store, self.event_id

        def rosters(text: str) -> list[tuple[Text, str]]:
            found = store.attendance.earlier_rosters(besides=besides, text=text, limit=50)
            return [(_source_row(s), f"{s.event_kind}:{s.event_id}") for s in found]

        def chosen(source: str | None) -> None:
            self.query_one(PersonPicker).focus_input()
            if source is not None:
                kind, _, event_id = source.partition(":")
                self._fetching = True
                self._fetch_roster(kind, event_id)

        dialog = SourceDialog(t("att.earlier_title"), t("att.earlier_hint"), t("att.earlier_none"), rosters)
        self.app.push_screen(dialog, chosen)

    @work(thread=True, exclusive=True, group="attendance-fetch")
    def _fetch_roster(self, kind: str, event_id: str) -> None:
        try:
            repo = self.store.lectures if kind == "lecture" else self.store.activities
            event = repo.get(event_id)
            people = self.store.attendance.named_people(kind, event_id)
        except Exception as exc:
            self.post_message(self.Fetched([], "", t("att.fetch_failed", error=str(exc))))
            return
        said = t("att.from_event", date=event.date.isoformat(), title=event.heading) if event is not None else ""
        self.post_message(self.Fetched(people, said))

    @on(Fetched)
    def _fetched(self, message: Fetched) -> None:
        self._fetching = False
        if message.error or self.draft is None:
            self._say(message.error or t("att.no_event"), error=True)
            return
        added, already = self.draft.add_people(message.people)
        self._refresh_table(focus_key=added[0].key if added else None)
        text = t("att.added_many", source=message.said, n=len(added))
        if already:
            text += t("att.already_there", n=already)
        self._say(text)

    # -- editing lines --------------------------------------------------------------------
    def action_cycle_role(self) -> None:
        line = self._current_line()
        if line is None or self.draft is None:
            self._say(t("att.no_line"), error=True)
            return
        try:
            self.draft.cycle_role(line.key)
        except DraftError as exc:
            self._say(str(exc), error=True)
            return
        self._refresh_table(focus_key=line.key)
        self._say(t("att.role_now").format(name=self._line_name(line), role=t(f"role.{line.attendance.role}")))

    def action_edit_line(self) -> None:
        line = self._current_line()
        if line is None or self.draft is None:
            self._say(t("att.no_line"), error=True)
            return
        draft = self.draft

        def done(attendance: Attendance | None) -> None:
            if attendance is not None:
                draft.replace(line.key, attendance)
                self._refresh_table(focus_key=line.key)
            self.query_one(RosterTable).focus()

        self.app.push_screen(
            LineEditor(line.attendance, draft.event, person_name=self._line_name(line), min_share=draft.min_share), done
        )

    def action_add_headcount(self) -> None:
        if self.draft is None:
            self._say(t("att.no_event"), error=True)
            return
        draft = self.draft
        blank = draft.blank()

        def done(attendance: Attendance | None) -> None:
            if attendance is not None and attendance.headcount is not None:
                line = draft.add_headcount(attendance.headcount, attendance.note)
                self._refresh_table(focus_key=line.key)
                self._say(t("att.headcount_added").format(n=attendance.headcount))
            self.query_one(RosterTable).focus()

        self.app.push_screen(LineEditor(blank, draft.event, min_share=draft.min_share), done)

    def action_remove_line(self) -> None:
        line = self._current_line()
        if line is None or self.draft is None:
            self._say(t("att.no_line"), error=True)
            return
        self.draft.remove(line.key)
        self._refresh_table()
        self._say(t("att.removed").format(name=self._line_name(line)))

    def action_focus_picker(self) -> None:
        self.query_one(PersonPicker).focus_input()

    def action_switch_focus(self) -> None:
        picker = self.query_one(PersonPicker)
        if picker.query_one("Input").has_focus:
            picker.clear()
            self.query_one(RosterTable).focus()
        else:
            picker.focus_input()

    # -- saving ---------------------------------------------------------------------------
    def action_save(self, leave: bool = False) -> None:
        if self.draft is None or self._saving:
            return
        if not self.draft.is_dirty:
            self._say(t("att.nothing_to_save"))
            if leave:
                self.dismiss()
            return
        self._saving = True
        self._say(t("att.saving"))
        self._save(*self.draft.changes(), leave=leave)

    @work(thread=True, exclusive=True, group="attendance-save")
    def _save(
        self, added: list[Attendance], updated: list[Attendance], removed: list[Attendance], *, leave: bool
    ) -> None:
        try:
            # Service points follow the roster by the station's rules (settings.json "points").
            rules = getattr(getattr(self.app, "settings", None), "points", None)
            self.store.attendance.save_roster(added=added, updated=updated, removed=removed, points_rules=rules)
            lines = self._read_roster()
        except Exception as exc:  # every failure is shown; the draft stays as it was
            self.post_message(self.SaveFailed(exc, leave))
            return
        self.post_message(self.Saved(lines, leave))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        assert self.draft is not None
        # Keep the cursor on the same person (or line) although the saved roster re-sorts.
        anchor = self._anchor()
        self.draft.load(message.lines)
        self._refresh_table(focus_key=self._key_of(anchor))
        # The dashboard and lists count attendance: let them catch up.
        notify_app = getattr(self.app, "data_changed", None)
        if notify_app is not None:
            notify_app()
        self._say(t("att.saved").format(named=self.draft.named_count(), crowd=self.draft.headcount()))
        if message.leave:
            self.dismiss()

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._saving = False
        assert self.draft is not None
        error = message.error
        if isinstance(error, StaleRecord):
            self._resolve_conflict(error, message.leave)
        elif isinstance(error, NotFound) and error.table == "attendance":
            line = self.draft.forget(error.record_id)
            self._refresh_table()
            self._say(t("att.deleted_meanwhile").format(name=self._line_name(line)), error=True)
        elif isinstance(error, NotFound):
            self._say(t("att.event_gone").format(kind=self._kind_word()), error=True)
        elif isinstance(error, DuplicateAttendance):
            names = [ln.person.name for ln in self.draft.visible if ln.person and ln.person.id == error.person_id]
            self._say(t("att.duplicate").format(name=names[0] if names else ""), error=True)
        elif isinstance(error, ValidationError):
            self._say(t("att.save_failed").format(error=explain_text(error)), error=True)
        else:
            self._say(t("att.save_failed").format(error=error), error=True)

    def _resolve_conflict(self, error: StaleRecord, leave: bool) -> None:
        """Another session changed a line since it was loaded: show both, let the user choose."""
        assert self.draft is not None
        draft = self.draft
        theirs = error.theirs
        assert isinstance(theirs, Attendance)
        line = next((ln for ln in draft.lines if ln.stored is not None and ln.stored.id == theirs.id), None)
        if line is None:
            self._say(t("att.save_failed").format(error=error), error=True)
            return
        mine = line.attendance
        rows = [
            (t(f"att.field.{f}"), _shown(f, getattr(theirs, f)), _shown(f, getattr(mine, f)))
            for f in ("role", "sign_in", "sign_out", "credited_tenths", "headcount", "note")
            if getattr(theirs, f) != getattr(mine, f) or (line.removed and f == "role")
        ]
        if line.removed:
            rows.insert(0, (self._line_name(line), t("att.conflict_kept"), t("att.conflict_removed_mine")))
        self._say(t("att.conflict").format(name=self._line_name(line)), error=True)

        def chosen(answer: str | None) -> None:
            if answer == "mine":
                draft.keep_mine(theirs)
            elif answer == "theirs":
                draft.take_theirs(theirs)
            else:
                return  # cancelled: the draft stays as it is, nothing saved
            self._refresh_table()
            if draft.is_dirty:
                self.action_save(leave)  # the rest of this user's changes
            else:
                self._say(t("conflict.loaded_theirs"))

        self.app.push_screen(ConflictModal(rows), chosen)

    # -- leaving --------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """Asked by the app before quitting."""
        return self.draft is not None and self.draft.is_dirty

    def action_leave(self) -> None:
        if self.draft is None or not self.draft.is_dirty:
            self.dismiss()
            return

        def chosen(answer: str | None) -> None:
            if answer == "save":
                self.action_save(leave=True)
            elif answer == "discard":
                self.dismiss()

        self.app.push_screen(LeaveDialog(), chosen)
