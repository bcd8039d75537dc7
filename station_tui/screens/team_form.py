"""The form of a volunteer team (志愿服务队): name, category, leader, note and its members.

The category is chosen from the county's list when it sent one, else from
``settings.team_categories`` (the "10+N" list, local ones added in settings.json); the leader
and the members are chosen with the pinyin person picker. The team and every member added or
removed are saved together, in one transaction, by Ctrl+S: a removed member's row stays as a
tombstone, so the county learns of it too.

``QuickTeamForm`` is the small form the activity form opens to make a team without leaving it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from station_tui.domain import Person, Team
from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.form import Field, RecordForm, form_fields
from station_tui.widgets.person_picker import PersonPicker, person_row


class LeaderPicker(PersonPicker):
    """The person picker as a form box: its ``value`` is the chosen person's id, "" when the
    box is empty, and the text typed prefixed with "?" while it names nobody chosen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, limit=6)
        self._chosen: tuple[str, str] | None = None

    def choose(self, person_id: str, name: str) -> None:
        self._chosen = (person_id, name)
        box = self.query_one(Input)
        with box.prevent(Input.Changed):
            box.value = name
        self._close()

    @property
    def value(self) -> str:
        typed = self.text.strip()
        if not typed:
            return ""
        if self._chosen is not None and typed == self._chosen[1]:
            return self._chosen[0]
        return "?" + typed

    @value.setter
    def value(self, person_id: str) -> None:
        """Set by id (a record loaded into the form): empty clears the box; another person's
        name is read by the form (``TeamForm._load_team``), which then calls ``choose``."""
        if not person_id:
            self._chosen = None
            self.clear()


class _Categories(RecordForm):
    """What both team forms share: the categories of the settings, checked against them."""

    MODEL = Team

    def compose(self) -> ComposeResult:
        self._offer_categories()
        yield from super().compose()

    def categories(self) -> list[str]:
        """The categories offered: the county's list once it sent one, else settings.json's
        (``app.team_categories``); a stored team keeps a category since taken off the list."""
        categories = list(self.app.team_categories) or list(self.app.settings.team_categories)  # type: ignore[attr-defined]
        current = getattr(self.record, "category", None)
        if current and current not in categories:
            categories.append(current)
        return categories

    def _offer_categories(self) -> None:
        choices = tuple(self.categories())
        self.FIELDS = tuple(  # type: ignore[misc]
            replace(f, choices=choices) if f.name == "category" else f for f in type(self).FIELDS
        )

    def context(self) -> dict[str, Any]:
        return {**super().context(), "team_categories": self.categories()}

    def write(self, model: Any, *, force: bool) -> Any:
        return self.app.store.teams.save(model, force=force)  # type: ignore[attr-defined]


class QuickTeamForm(_Categories):
    """新建队伍 from the activity form: name and category; the saved team comes back."""

    TITLE_NEW = "team.quick_new"
    TITLE_EDIT = "team.edit"
    FIELDS = form_fields(Team, "name", "category")


class TeamForm(_Categories):
    TITLE_NEW = "team.new"
    TITLE_EDIT = "team.edit"
    FIELDS = (
        *form_fields(Team, "name", "category"),
        Field("leader_id", "field.leader", kind="person"),
        *form_fields(Team, "note"),
    )

    DEFAULT_CSS = """
    TeamForm .form-row PersonPicker { width: 1fr; }
    TeamForm #members-count { color: $text-muted; padding-left: 14; }
    TeamForm #member-list { height: 5; border: none; padding: 0; margin-left: 14; background: $boost; }
    TeamForm #member-list:focus { background-tint: $foreground 5%; }
    """

    BINDINGS = [
        Binding("delete,d", "remove_member", "team.key_remove", id="team_form.remove_member"),
    ]

    class _Loaded(Message):
        def __init__(self, leader: Person | None, members: list[Person] | None) -> None:
            super().__init__()
            self.leader, self.members = leader, members

    def __init__(self, record: Any = None) -> None:
        super().__init__(record)
        #: The members as the form shows them, and as they were stored when it opened.
        self._members: dict[str, Person] = {}
        self._stored_members: set[str] = set()
        #: Person id → name, for the theirs-or-mine dialog's 负责人 line.
        self._names: dict[str, str] = {}

    # -- building ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # RecordForm's layout, with the members under the team's own boxes.
        self._offer_categories()
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
                with Horizontal(classes="form-row"):
                    yield Label(t("team.members"), classes="form-label", markup=False)
                    yield PersonPicker(id="member-picker", limit=6)
                yield Static("", id="members-count", classes="form-hint", markup=False)
                yield OptionList(id="member-list", compact=True)
            yield Static("", id="form-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("form.save") + " (Ctrl+S)", id="form-save", variant="primary", compact=True)
                yield Label(" ", markup=False)
                yield Button(t("form.cancel") + " (Esc)", id="form-cancel", compact=True)
        yield KeyFooter()

    def _make_widget(self, field: Field, value: Any) -> Widget:
        if field.kind == "person":
            return LeaderPicker(id=f"f-{field.name}")
        return super()._make_widget(field, value)

    def on_mount(self) -> None:
        # Textual calls RecordForm.on_mount after this one (handlers run along the MRO).
        for box in self.query(PersonPicker).results():
            box.query_one(Input).compact = True  # one line, as every box of a form
        self.query_one(LeaderPicker).query_one(Input).placeholder = t("team.leader_hint")
        self._show_members()
        if self.record is not None:
            self._looking_up = True  # keys typed meanwhile wait for the leader and members
            self._load_team(self.record.leader_id, str(self.record.id))

    @work(thread=True, group="team-form-load")
    def _load_team(self, leader_id: str | None, team_id: str | None) -> None:
        """Read the leader's name and (given ``team_id``) the members stored now."""
        store = self.app.store  # type: ignore[attr-defined]
        try:
            leader = store.people.get(leader_id) if leader_id else None
            members = store.teams.members(team_id) if team_id else None
        except Exception as exc:  # a locked database: say so; the form cannot show the members
            self.app.call_from_thread(self.app.notify, t("form.lookups_failed", error=str(exc)), severity="warning")
            leader, members = None, None
        self.post_message(self._Loaded(leader, members))

    def on_team_form__loaded(self, message: _Loaded) -> None:
        message.stop()
        self._looking_up = False
        if message.leader is not None:
            self.query_one(LeaderPicker).choose(str(message.leader.id), message.leader.name)
        if message.members is not None:
            self._members = {str(p.id): p for p in message.members}
            self._stored_members = set(self._members)
            self._show_members()
        self._initial = self.raw_values()
        self.validate_form()

    # -- members ---------------------------------------------------------------------------
    def _show_members(self) -> None:
        listing = self.query_one("#member-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(Option(person_row(p), id=pid) for pid, p in self._members.items())
        if self._members:
            listing.highlighted = min(highlighted or 0, len(self._members) - 1)
        self.query_one("#member-picker", PersonPicker).taken = set(self._members)
        count = self.query_one("#members-count", Static)
        count.update(t("team.members_count", n=len(self._members)) if self._members else t("team.no_members"))

    @on(PersonPicker.Picked)
    def _picked(self, message: PersonPicker.Picked) -> None:
        message.stop()
        person = message.person
        if isinstance(message.picker, LeaderPicker):
            message.picker.choose(str(person.id), person.name)
            self._touched.add("leader_id")
            self.validate_form()
            return
        self._add_member(person, message.picker)

    def _add_member(self, person: Person, picker: PersonPicker) -> None:
        if str(person.id) in self._members:
            self.app.notify(t("team.already_member", name=person.name), severity="warning")
            return
        self._members[str(person.id)] = person
        picker.clear()
        self._show_members()
        listing = self.query_one("#member-list", OptionList)
        listing.highlighted = len(self._members) - 1  # the one just added, scrolled into view
        self.validate_form()

    @on(PersonPicker.NewPersonRequested)
    def _new_person(self, message: PersonPicker.NewPersonRequested) -> None:
        from station_tui.widgets.new_person import NewPersonForm

        message.stop()
        picker = message.picker

        def made(person: Person | None) -> None:
            if person is None:
                picker.focus_input()
                return
            if isinstance(picker, LeaderPicker):
                picker.choose(str(person.id), person.name)
                self.validate_form()
            else:
                self._add_member(person, picker)
            picker.focus_input()

        self.app.push_screen(NewPersonForm(message.name), made)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_member":
            focused = self.focused
            return focused is not None and focused.id == "member-list" and bool(self._members)
        return super().check_action(action, parameters)

    def action_remove_member(self) -> None:
        listing = self.query_one("#member-list", OptionList)
        if listing.highlighted is None or not self._members:
            return
        person_id = listing.get_option_at_index(listing.highlighted).id
        person = self._members.pop(str(person_id), None)
        self._show_members()
        if person is not None:
            self.app.notify(t("team.member_removed", name=person.name), timeout=3)
        self.validate_form()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the footer offers Del only on the member list

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter on the last box goes on to the members, not to saving: Ctrl+S saves."""
        if (event.input.id or "") == f"f-{self.FIELDS[-1].name}":
            event.stop()
            event.prevent_default()  # RecordForm's handler (next along the MRO) would save
            self.query_one("#member-picker", PersonPicker).focus_input()

    # -- reading, checking, saving -------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        return {**super().raw_values(), "members": tuple(self._members)}

    def to_data(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        data, problems = super().to_data(raw)
        leader = raw.get("leader_id") or ""
        if leader.startswith("?"):
            data.pop("leader_id", None)
            problems["leader_id"] = t("team.leader_unpicked", name=leader[1:])
        else:
            data["leader_id"] = leader or None
        return data, problems

    def write(self, model: Any, *, force: bool) -> Any:
        from station_tui.storage import StaleRecord

        members = set(self._members)
        added = [pid for pid in self._members if pid not in self._stored_members]
        removed = sorted(self._stored_members - members)
        store = self.app.store  # type: ignore[attr-defined]
        try:
            return store.teams.save(model, add=added, remove=removed, force=force)
        except StaleRecord as exc:
            # The theirs-or-mine dialog names both leaders: read the other one's name here,
            # in the save's thread.
            for person_id in (getattr(exc.theirs, "leader_id", None), getattr(exc.mine, "leader_id", None)):
                if person_id and person_id not in self._names:
                    person = store.people.get(person_id, include_deleted=True)
                    self._names[person_id] = person.name if person is not None else person_id
            raise

    def conflict_text(self, field: Field, value: Any) -> str:
        if field.kind == "person":
            return self._names.get(value, value) if value else ""
        return super().conflict_text(field, value)

    def load_record(self, record: Any) -> None:
        """The other session's team after a conflict: its boxes and its leader; the members
        changed here stay as they are (saved as what was added and removed on this form)."""
        super().load_record(record)
        if record.leader_id:
            self._looking_up = True
            self._load_team(record.leader_id, None)
