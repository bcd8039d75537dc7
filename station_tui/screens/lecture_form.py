"""The form of a lecture (宣讲)."""

from __future__ import annotations

from typing import Any

from station_tui.domain import Lecture
from station_tui.domain.vocab import LECTURE_FORMS
from station_tui.widgets.form import Field, RecordForm


class LectureForm(RecordForm):
    MODEL = Lecture
    REPO = "lectures"
    TITLE_NEW = "lecture.new"
    TITLE_EDIT = "lecture.edit"
    FIELDS = (
        Field("date", "field.date", kind="date", placeholder="hint.date", required=True),
        Field("start_time", "field.start_time", kind="time", placeholder="hint.time"),
        Field("end_time", "field.end_time", kind="time", placeholder="hint.time"),
        Field("topic", "field.topic", required=True),
        Field("speaker", "field.speaker"),
        Field("form", "field.form", kind="choice", choices=LECTURE_FORMS),
        Field("place", "field.place"),
        Field("audience", "field.audience", kind="int", blank=0),
        Field("summary", "field.summary"),
        Field("note", "field.note"),
    )

    def defaults(self) -> dict[str, Any]:
        return {"date": self.app.today, "form": "集中宣讲"}  # type: ignore[attr-defined]
