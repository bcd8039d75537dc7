"""The command palette (Ctrl+P): actions such as 新建宣讲, and records found by a person's
name (or its pinyin), a lecture topic or an activity title."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from station_tui.locale import t

#: (catalog key, action on the app)
ACTIONS: tuple[tuple[str, str], ...] = (
    ("palette.new_lecture", "app.new_record('lecture')"),
    ("palette.new_activity", "app.new_record('activity')"),
    ("palette.new_person", "app.new_record('person')"),
    ("palette.dashboard", "app.switch_mode('dashboard')"),
    ("palette.lectures", "app.switch_mode('lectures')"),
    ("palette.activities", "app.switch_mode('activities')"),
    ("palette.people", "app.switch_mode('people')"),
    ("palette.sync", "app.switch_mode('sync')"),
    ("palette.help", "app.help"),
)

RECORDS_PER_KIND = 5


def find_records(store: Any, query: str) -> list[tuple[str, str, str]]:
    """(kind, id, text shown) of records matching ``query``; runs in a thread."""
    from station_tui.storage import EventFilter

    found: list[tuple[str, str, str]] = []
    from station_tui.storage.repositories.people import mask_phone

    for person in store.people.search(query, limit=RECORDS_PER_KIND):
        # Namesakes are common in a village: show what tells them apart.
        extra = [str(person.birth_year) if person.birth_year else "", mask_phone(person.phone)]
        details = "（" + "，".join(e for e in extra if e) + "）" if any(extra) else ""
        found.append(("person", str(person.id), t("palette.person", name=person.name, details=details)))
    flt = EventFilter(text=query)
    for lecture in store.lectures.page(flt, limit=RECORDS_PER_KIND):
        found.append(
            ("lecture", str(lecture.id), t("palette.lecture", date=lecture.date.isoformat(), title=lecture.topic))
        )
    for activity in store.activities.page(flt, limit=RECORDS_PER_KIND):
        found.append(
            ("activity", str(activity.id), t("palette.activity", date=activity.date.isoformat(), title=activity.title))
        )
    return found


class StationCommands(Provider):
    async def discover(self) -> Hits:
        for key, action in ACTIONS:
            yield DiscoveryHit(t(key), partial(self._run, action), help=t(key + ".help"))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key, action in ACTIONS:
            text = t(key)
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, action), help=t(key + ".help"))
        if not query.strip():
            return
        store = self.app.store  # type: ignore[attr-defined]
        try:
            records = await asyncio.to_thread(find_records, store, query.strip())
        except Exception:  # a locked or broken database must not break the palette
            return
        for kind, record_id, text in records:
            score = max(matcher.match(text), 0.5)
            # Content(text), not text: a topic or name is shown as typed, never read as markup.
            yield Hit(score, Content(text), partial(self._open, kind, record_id), help=t(f"palette.open_{kind}"))

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    def _open(self, kind: str, record_id: str) -> None:
        from station_tui.screens.forms import open_form

        open_form(self.app, kind, record_id)
