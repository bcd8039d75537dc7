"""The form of a lecture (宣讲)."""

from __future__ import annotations

from typing import Any

from station_tui.domain import Lecture
from station_tui.domain.vocab import LECTURE_FORMS
from station_tui.widgets.form import EVENT_WHEN_FIELDS, Field, RecordForm


class LectureForm(RecordForm):
    MODEL = Lecture
    REPO = "lectures"
    TITLE_NEW = "lecture.new"
    TITLE_EDIT = "lecture.edit"
    FIELDS = (
        *EVENT_WHEN_FIELDS,
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
