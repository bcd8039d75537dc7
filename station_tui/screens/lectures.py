"""宣讲: the lectures, a page at a time, newest first."""

from __future__ import annotations

from typing import Any

from station_tui.screens.events import EventListScreen
from station_tui.widgets.paged import Column


class LectureListScreen(EventListScreen):
    MODE = "lectures"
    HELP_TITLE = "nav.lectures"
    KIND = "lecture"
    REPO = "lectures"
    COLUMNS = (
        Column("date", "col.date", 10),
        Column("topic", "field.topic", 34),
        Column("speaker", "field.speaker", 8),
        Column("form", "field.form", 8),
        Column("audience", "col.audience", 5),
    )

    def cells(self, record: Any) -> tuple[Any, ...]:
        return (record.date.isoformat(), record.topic, record.speaker or "", record.form or "", record.audience)

    def describe(self, record: Any) -> str:
        return f"{record.date.isoformat()} {record.topic}"
