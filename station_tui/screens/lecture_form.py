"""The form of a lecture (宣讲)."""

from __future__ import annotations

from typing import Any

from station_tui.domain import Lecture
from station_tui.widgets.form import RecordForm, form_fields


class LectureForm(RecordForm):
    MODEL = Lecture
    TITLE_NEW = "lecture.new"
    TITLE_EDIT = "lecture.edit"
    FIELDS = form_fields(
        Lecture, "date", "start_time", "end_time", "topic", "speaker", "form", "place", "audience", "summary", "note"
    )

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "form": "集中宣讲"}
