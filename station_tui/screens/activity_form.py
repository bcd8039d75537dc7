"""The form of a practice activity (活动)."""

from __future__ import annotations

from textual import work
from textual.widgets import Static

from station_tui.domain import Activity
from station_tui.widgets.form import Field, RecordForm, form_fields


class ActivityForm(RecordForm):
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
        "place",
        "team_id",
        "served",
        "volunteer_count",
        "volunteer_tenths",
        "brand_project",
        "summary",
        "note",
    )

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        return [(team.name, str(team.id)) for team in self.app.store.teams.all()]  # type: ignore[attr-defined]


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
