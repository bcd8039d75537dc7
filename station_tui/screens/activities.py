"""活动: the practice activities, a page at a time, newest first, filterable by platform."""

from __future__ import annotations

from typing import Any

from station_tui.domain.hours import format_tenths
from station_tui.locale import t
from station_tui.screens.events import EventListScreen
from station_tui.widgets.paged import Column


class ActivityListScreen(EventListScreen):
    MODE = "activities"
    HELP_TITLE = "nav.activities"
    KIND = "activity"
    REPO = "activities"
    WITH_PLATFORM = True
    COLUMNS = (
        Column("date", "col.date", 10),
        Column("title", "field.title", 26),
        Column("platform", "field.platform", 14),
        Column("served", "col.served", 5),
        Column("hours", "col.hours", 6),
    )

    def cells(self, record: Any) -> tuple[Any, ...]:
        hours = format_tenths(record.volunteer_tenths) if record.volunteer_tenths else ""
        return (record.date.isoformat(), record.title, t("platform." + record.platform), record.served, hours)

    def describe(self, record: Any) -> str:
        return f"{record.date.isoformat()} {record.title}"
