"""The county's word, as this station received it (``county_items``, sync/downlink.py): read
only, for the screens and commands that show it. Plain SQL and JSON: the dashboard reads the
county's minimums on the app's start path, which stays free of pydantic.

When the county published the same thing for every station and for this station's township
(or for this station alone), the narrower one holds: station, then township, then county.
A kind this program does not read stays in the table untouched; ``items(kind)`` gives any
kind's bodies, for the screens that come to read a new one (the answers to requests sent up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from station_tui.storage.store import Store


@dataclass(frozen=True)
class CountyItem:
    id: str
    kind: str
    township: str | None
    station: str | None
    body: dict[str, Any]
    seq: int
    published_at: str
    received_at: str

    @property
    def rank(self) -> int:
        """How narrowly it was published: 2 this station, 1 its township, 0 every station."""
        return 2 if self.station else 1 if self.township else 0


@dataclass(frozen=True)
class CountyNotice:
    id: str
    date: str
    title: str
    body: str
    #: Who it was published for: "county", "township" or "station".
    scope: str
    received_at: str


_COLUMNS = "id, kind, township, station, body, seq, published_at, received_at"


class CountyWord:
    def __init__(self, store: Store) -> None:
        self.store = store

    def items(self, kind: str) -> list[CountyItem]:
        """Every item of a kind, the narrowest first, then the newest first."""
        rows = self.store.query(f"SELECT {_COLUMNS} FROM county_items WHERE kind = ?", (kind,))
        items = []
        for r in rows:
            try:
                body = json.loads(r[4])
            except ValueError:
                continue
            if isinstance(body, dict):
                items.append(CountyItem(r[0], r[1], r[2], r[3], body, int(r[5]), r[6], r[7]))
        return sorted(items, key=lambda i: (-i.rank, -i.seq))

    def _narrowest(self, kind: str, key: str | None = None, value: Any = None) -> CountyItem | None:
        for item in self.items(kind):
            if key is None or item.body.get(key) == value:
                return item
        return None

    # -- what the screens read ------------------------------------------------------------
    def theme(self, year: int, month: int) -> str | None:
        """The county's theme of the month (一月一主题), or None when it published none."""
        item = self._narrowest("theme", "month", f"{year:04d}-{month:02d}")
        theme = item.body.get("theme") if item else None
        return theme if isinstance(theme, str) and theme else None

    def themes(self, year: int) -> dict[int, str]:
        """The county's themes of a year, by month."""
        found: dict[int, str] = {}
        for item in reversed(self.items("theme")):  # the narrowest last, so it wins
            month, theme = item.body.get("month"), item.body.get("theme")
            if isinstance(month, str) and month.startswith(f"{year:04d}-") and isinstance(theme, str):
                found[int(month[5:7])] = theme
        return dict(sorted(found.items()))

    def minimums(self) -> dict[str, int] | None:
        """The monthly minimums per platform the county set, or None when it set none."""
        item = self._narrowest("minimums")
        value = item.body.get("minimums") if item else None
        if not isinstance(value, dict):
            return None
        return {str(k): int(v) for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}

    def minimums_or(self, settings_minimums: dict[str, int]) -> tuple[dict[str, int], bool]:
        """The minimums that apply, and whether they are the county's: the county's when it
        published them (a platform it left out needs 0), the settings' otherwise."""
        county = self.minimums()
        return (county, True) if county is not None else (dict(settings_minimums), False)

    def categories(self, kind: str) -> list[str] | None:
        """The county's category list (``team`` or ``request``), or None when it published none."""
        item = self._narrowest("categories", "kind", kind)
        value = item.body.get("items") if item else None
        if not isinstance(value, list):
            return None
        return [str(v) for v in value if isinstance(v, str)]

    def team_categories(self, settings_categories: list[str]) -> list[str]:
        """The team categories a form offers: the county's list when it published one."""
        return self.categories("team") or list(settings_categories)

    def rubric(self) -> CountyItem | None:
        """The county's self-check rubric (the narrowest published), or None when it sent none.
        Its body's ``rubric`` is the rubric as JSON; storage/self_check.py checks it."""
        item = self._narrowest("rubric")
        return item if item is not None and isinstance(item.body.get("rubric"), dict) else None

    def notices(self, limit: int = 50, offset: int = 0) -> list[CountyNotice]:
        """The county's notices, newest first (by their own date, then the county's order)."""
        rows = self.store.query(
            "SELECT id, township, station, body, received_at FROM county_items WHERE kind = 'notice'"
            " ORDER BY json_extract(body, '$.date') DESC, seq DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        out = []
        for r in rows:
            try:
                body = json.loads(r[3])
            except ValueError:
                continue
            scope = "station" if r[2] else "township" if r[1] else "county"
            out.append(CountyNotice(r[0], str(body.get("date", "")), str(body.get("title", "")),
                                    str(body.get("body", "")), scope, r[4]))  # fmt: skip
        return out

    def latest_notice(self) -> CountyNotice | None:
        found = self.notices(limit=1)
        return found[0] if found else None

    def position(self) -> tuple[str | None, int]:
        """The county feed's id this station follows, and how far it has received."""
        return self.store.meta("county_feed_id"), int(self.store.meta("county_feed_after", "0") or 0)
