"""SQLite storage of a station: connection, migrations, change capture, repositories.

Importable without Textual: the sync job and the CLI use it headless.
"""

from station_tui.storage.db import Actor, DatabaseError
from station_tui.storage.repositories.attendance import DuplicateAttendance
from station_tui.storage.repositories.base import NotFound, StaleRecord
from station_tui.storage.repositories.events import EventFilter
from station_tui.storage.store import Store

__all__ = ["Actor", "DatabaseError", "DuplicateAttendance", "EventFilter", "NotFound", "StaleRecord", "Store"]
