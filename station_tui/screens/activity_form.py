"""The form of a practice activity (活动)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import Select, Static

from station_tui.domain import Activity
from station_tui.locale import t
from station_tui.screens.lecture_form import venue_options
from station_tui.widgets.form import Field, form_fields
from station_tui.widgets.photo_count import PhotoCountForm

#: The last choice of the 组织队伍 list: makes a team without leaving the form.
NEW_TEAM = "__new_team__"


class ActivityForm(PhotoCountForm):
    PHOTO_TABLE = "activities"
    MODEL = Activity
    TITLE_NEW = "activity.new"
    TITLE_EDIT = "activity.edit"
    # volunteer_tenths: the roster's credited hours are added to these (issue #2's
    # volunteer_hours); its declared hint says so, or hours typed in both places would count twice.
    FIELDS = form_fields(
        Activity,
        "date",
        "start_time",
        "end_time",
        "title",
        "platform",
        "venue_id",
        "place",
        "team_id",
        "served",
        "volunteer_count",
        "volunteer_tenths",
        "brand_project",
        "summary",
        "note",
    )

    BINDINGS = [
        Binding("ctrl+t", "new_team", "key.new_team", id="form.new_team"),
    ]

    def __init__(self, record: Any = None) -> None:
        super().__init__(record)
        #: The team chosen before the 新建队伍 line was picked: back to it if that is cancelled.
        self._team_value: Any = Select.NULL

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        store = self.app.store  # type: ignore[attr-defined]
        if field.name == "venue_id":
            return venue_options(store, getattr(self.record, "venue_id", None))
        teams = store.teams.all()
        current = getattr(self.record, "team_id", None)
        if current and current not in {str(team.id) for team in teams}:
            kept = store.teams.get(current, include_deleted=True)  # deleted since: still this one's
            teams += [kept] if kept is not None else []
        return [*((team.name, str(team.id)) for team in teams), (t("activity.new_team_option"), NEW_TEAM)]

    def _show_lookups(self, options: dict[str, list[tuple[str, str]]]) -> None:
        super()._show_lookups(options)
        self._team_value = self.query_one("#f-team_id", Select).value

    def on_select_changed(self, event: Select.Changed) -> None:
        # RecordForm.on_select_changed runs after this (Textual calls the handlers along the
        # MRO) unless the default is prevented: the 新建 line is never a value to check.
        if event.select.id == "f-team_id":
            if event.value == NEW_TEAM:
                event.stop()
                event.prevent_default()
                with self.prevent(Select.Changed):
                    event.select.value = self._team_value
                self.action_new_team()
                return
            self._team_value = event.value

    def action_new_team(self) -> None:
        """新建队伍 in a small form over this one; the saved team is chosen here."""
        from station_tui.screens.team_form import QuickTeamForm

        def made(team: Any) -> None:
            box = self.query_one("#f-team_id", Select)
            if team is not None:
                options = [(label, value) for label, value in box._options if value not in (Select.NULL, NEW_TEAM)]
                options.append((Text(team.name), str(team.id)))
                options.sort(key=lambda option: str(option[0]))
                options.append((Text(t("activity.new_team_option")), NEW_TEAM))
                with self.prevent(Select.Changed):
                    box.set_options(options)
                box.value = str(team.id)  # Changed: the form checks itself again
            box.focus()

        self.app.push_screen(QuickTeamForm(), made)

    def on_mount(self) -> None:
        super().on_mount()
        if self.record is not None and self.record.id:
            self._read_served(str(self.record.id))

    @work(thread=True, group="activity-requests")
    def _read_served(self, activity_id: str) -> None:
        """The villager requests this activity served (linked when they were completed): a
        read-only line at the end of the form, shown only when there are any."""
        try:
            served = self.app.store.requests.for_activity(activity_id)  # type: ignore[attr-defined]
        except Exception:  # a locked database: the form works without the line
            return
        if served:
            from station_tui.screens.requests import served_line

            self.app.call_from_thread(self._show_served, served_line(served))

    def _show_served(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#form-fields").mount(Static(text, id="served-requests", markup=False))
