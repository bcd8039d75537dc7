"""The form of a practice activity (活动)."""

from __future__ import annotations

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

