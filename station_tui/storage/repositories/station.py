from __future__ import annotations

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Station
from station_tui.storage.repositories.base import Repository


class StationRepository(Repository[Station]):
    """The one station this database belongs to."""

    kind = BY_TABLE["station"]

    def current(self) -> Station | None:
        row = self.store.query_one("SELECT * FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1")
        return self.from_row(row) if row else None

    def setup(self, station: Station) -> Station:
        """Create the station's identity, or update it when it already exists."""
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM station WHERE deleted = 0 LIMIT 1").fetchone()
            if row is None:
                return self._insert(conn, station)
            existing = self.from_row(row)
            update = {"id": existing.id, "row_version": existing.row_version}
            return self._update(conn, station.model_copy(update=update))
