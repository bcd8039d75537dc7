"""The form of a person or volunteer (人员)."""

from __future__ import annotations

from textual import work
from textual.containers import Horizontal
from textual.widgets import Label, Static

from station_tui.domain import Person
from station_tui.locale import t
from station_tui.widgets.form import RecordForm, form_fields
from station_tui.widgets.twin import twin_notice


def _identity(person: Person) -> tuple[object, ...]:
    """What ``find_same`` compares."""
    return person.name, person.phone, person.birth_year


class PersonForm(RecordForm):
    MODEL = Person
    TITLE_NEW = "person.new"
    TITLE_EDIT = "person.edit"
    FIELDS = form_fields(
        Person, "name", "gender", "birth_year", "phone", "is_volunteer", "volunteer_no", "skills", "id_number", "note"
    )

    def on_mount(self) -> None:
        # RecordForm.on_mount runs too (Textual calls the handlers along the MRO).
        if self.record is not None:
            # Read only: a person joins and leaves teams on the 队伍 screen.
            row = Horizontal(
                Label(t("person.teams"), classes="form-label", markup=False),
                Static("", id="person-teams", markup=False),
                classes="form-row",
            )
            self.query_one("#form-fields").mount(row)
            self._load_teams(str(self.record.id))

    @work(thread=True, group="person-teams")
    def _load_teams(self, person_id: str) -> None:
        try:
            teams = self.app.store.team_members.teams_of(person_id)  # type: ignore[attr-defined]
        except Exception as exc:  # a locked database: the line says so, the form works on
            text = t("form.lookups_failed", error=str(exc))
        else:
            text = "、".join(team.name for team in teams) or t("person.no_teams")
        self.app.call_from_thread(self._show_teams, text)

    def _show_teams(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#person-teams", Static).update(text)

    def likely_twin(self, model: Person) -> str | None:
        # An edit that leaves name, phone and birth year alone asks nothing: two records already
        # stored (by an import, or after a "yes" here) stay editable without a question each time.
        if self.record is not None and _identity(self.record) == _identity(model):
            return None
        twin = self.app.store.people.find_same(model)  # type: ignore[attr-defined]
        return None if twin is None else twin_notice(twin) + t("person.twin_ask")
