"""What the app's first screen shows, read without building domain models: the station's
name and the latest records as plain tuples. Keeps pydantic off the start-up path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station_tui.storage.store import Store


@dataclass(frozen=True)
class Recent:
    kind: str  # "lecture" | "activity"
    id: str
    date: str
    title: str
    #: 受众人数 for a lecture, the platform for an activity
    detail: str | int


def station_name(store: Store) -> str | None:
    """The station's name, or None when the database has no station yet (first run)."""
    row = store.query_one("SELECT name FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1")
    return row[0] if row else None


def recent(store: Store, limit: int = 8) -> list[Recent]:
    """The latest lectures and activities by their own date (never by id: clocks lie); a
    lecture's detail is its audience as the figures count it."""
    from station_tui.storage.figures import counted_sql

    rows = store.query(
        f"""SELECT * FROM (
             SELECT 'lecture' AS kind, id, date, start_time, created_at, topic AS title,
                    {counted_sql("audience", "lecture_id", "l")} AS detail
               FROM lectures l WHERE deleted = 0 ORDER BY date DESC, start_time DESC, created_at DESC LIMIT ?)
           UNION ALL
           SELECT * FROM (
             SELECT 'activity', id, date, start_time, created_at, title, platform
               FROM activities WHERE deleted = 0 ORDER BY date DESC, start_time DESC, created_at DESC LIMIT ?)
           ORDER BY date DESC, start_time DESC, created_at DESC LIMIT ?""",
        (limit, limit, limit),
    )
    return [Recent(r["kind"], r["id"], r["date"], r["title"], r["detail"]) for r in rows]
