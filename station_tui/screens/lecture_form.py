"""The form of a lecture (宣讲)."""

from __future__ import annotations

from typing import Any

from station_tui.domain import Lecture, Venue
from station_tui.widgets.form import Field, RecordForm, form_fields


def venue_options(store: Any, current: str | None) -> list[tuple[str, str]]:
    """(label, id) of the 阵地 list box: each venue by its name, and its address when it has one.
    The record's own venue stays offered though it was deleted since: saving the record
    unchanged must not drop it."""
    venues: list[Venue] = store.venues.all()
    if current and current not in {str(v.id) for v in venues}:
        kept = store.venues.get(current, include_deleted=True)
        venues += [kept] if kept is not None else []
    return [(f"{v.name}（{v.address}）" if v.address else v.name, str(v.id)) for v in venues]


class LectureForm(RecordForm):
    MODEL = Lecture
    TITLE_NEW = "lecture.new"
    TITLE_EDIT = "lecture.edit"
    # 阵地 is chosen from the station's venues; 地点 stays free text for a one-off place.
    FIELDS = form_fields(
        Lecture,
        "date",
        "start_time",
        "end_time",
        "topic",
        "speaker",
        "form",
        "venue_id",
        "place",
        "audience",
        "summary",
        "note",
    )

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "form": "集中宣讲"}

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        return venue_options(self.app.store, getattr(self.record, "venue_id", None))  # type: ignore[attr-defined]
