"""阵地: the station's venues (name, address, capacity, 开放时间; 设施 and the note in the form),
which the lecture and activity forms choose from."""

from __future__ import annotations

from station_tui.widgets.paged import list_columns
from station_tui.widgets.record_list import RecordListScreen


class VenueListScreen(RecordListScreen):
    MODE = "venues"
    KIND = "venue"
    COLUMNS = list_columns("venue", "name", "address", "capacity", "open_hours")
