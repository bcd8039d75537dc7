"""宣讲: the lectures, a page at a time, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_tui.screens.events import EventListScreen
from station_tui.widgets.paged import list_columns

if TYPE_CHECKING:
    from station_tui.storage.repositories.events import Listed


class LectureListScreen(EventListScreen):
    MODE = "lectures"
    KIND = "lecture"
    COLUMNS = list_columns("lecture", "date", "topic", "speaker", "form", "audience")

    def cells(self, line: Listed[Any]) -> tuple[Any, ...]:
        lecture = line.event
        return (lecture.date.isoformat(), lecture.topic, lecture.speaker or "", lecture.form or "", line.counted)
