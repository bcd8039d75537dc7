"""SQLite storage of a station: connection, migrations, change capture, repositories.

Importable without Textual: the sync job and the CLI use it headless. Names are exported
lazily (PEP 562) so that opening a database does not import pydantic until a repository
that returns domain models is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from station_tui._lazy import lazy_exports

_EXPORTS = {
    "Actor": "db",
    "DatabaseError": "db",
    "DiskFull": "db",
    "DuplicateAttendance": "repositories.attendance",
    "NotFound": "repositories.base",
    "StaleRecord": "repositories.base",
    "EventFilter": "repositories.events",
    "Store": "store",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:  # the same names for type checkers, re-exported (`X as X`)
    from station_tui.storage.db import Actor as Actor
    from station_tui.storage.db import DatabaseError as DatabaseError
    from station_tui.storage.db import DiskFull as DiskFull
    from station_tui.storage.repositories.attendance import DuplicateAttendance as DuplicateAttendance
    from station_tui.storage.repositories.base import NotFound as NotFound
    from station_tui.storage.repositories.base import StaleRecord as StaleRecord
    from station_tui.storage.repositories.events import EventFilter as EventFilter
    from station_tui.storage.store import Store as Store
