"""活动: the practice activities, a page at a time, newest first, filterable by platform."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_tui.domain.hours import format_tenths
from station_tui.locale import t
from station_tui.screens.events import EventListScreen
from station_tui.widgets.paged import Column, list_columns

if TYPE_CHECKING:
    from station_tui.storage.repositories.events import Listed


class ActivityListScreen(EventListScreen):
    MODE = "activities"
    KIND = "activity"
    WITH_PLATFORM = True
    COLUMNS = list_columns(
        "activity",
        "date",
        "title",
        "platform",
        "served",
        Column("hours", "col.hours", 6),  # the activity's own hours and its roster's
    )

    def cells(self, line: Listed[Any]) -> tuple[Any, ...]:
        activity = line.event
        tenths = activity.volunteer_tenths + line.roster_tenths  # as the figures add them
        hours = format_tenths(tenths) if tenths else ""
        return (activity.date.isoformat(), activity.title, t("platform." + activity.platform), line.counted, hours)
