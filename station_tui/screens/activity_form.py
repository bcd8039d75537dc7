"""The form of a practice activity (活动)."""

from __future__ import annotations

from typing import Any

from station_tui.domain import Activity
from station_tui.domain.vocab import PLATFORMS
from station_tui.widgets.form import EVENT_WHEN_FIELDS, Field, RecordForm


class ActivityForm(RecordForm):
    MODEL = Activity
    REPO = "activities"
    TITLE_NEW = "activity.new"
    TITLE_EDIT = "activity.edit"
    FIELDS = (
        *EVENT_WHEN_FIELDS,
        Field("title", "field.title", required=True),
        Field("platform", "field.platform", kind="choice", choices=PLATFORMS, required=True),
        Field("place", "field.place"),
        Field("team_id", "field.team", kind="lookup"),
        Field("served", "field.served", kind="int", blank=0),
        Field("volunteer_count", "field.volunteer_count", kind="int", blank=0),
        # The roster's credited hours are added to these (issue #2's volunteer_hours): the
        # placeholder says so, or hours typed in both places would count twice.
        Field("volunteer_tenths", "field.volunteer_tenths", kind="hours", placeholder="hint.activity_hours"),
        Field("brand_project", "field.brand_project"),
        Field("summary", "field.summary"),
        Field("note", "field.note"),
    )

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        return [(team.name, str(team.id)) for team in self.app.store.teams.all()]  # type: ignore[attr-defined]

    def defaults(self) -> dict[str, Any]:
        return {"date": self.app.today}  # type: ignore[attr-defined]
