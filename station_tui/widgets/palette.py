"""The command palette (Ctrl+P): actions such as 新建宣讲, and records found by a person's
name (or its pinyin), a lecture topic, an activity title, a team, venue or goods name, or a
villager request's words. Only these: Textual's own commands
(Theme, Keys, Quit, Screenshot …) are English and for developers, so the app leaves them out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets.option_list import Option

from station_tui.locale import t
from station_tui.screens.registry import BY_KIND, SCREENS

#: (catalog key, action on the app): a new record of each kind with a screen, then each
#: screen, then help (screens/registry.py).
ACTIONS: tuple[tuple[str, str], ...] = (
    *((e.records.new, f"app.new_record('{e.records.kind}')") for e in SCREENS if e.records),
    *((e.palette, f"app.{e.action}") for e in SCREENS),
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
    for table, kind, key, shown in _MORE_KINDS:
        for record in store.repository(table).search_page(query, limit=RECORDS_PER_KIND):
            found.append((kind, str(record.id), t(key, **shown(record))))
    return found


#: The 更多 menu's records the palette finds too, by the words of their text fields:
#: (table, kind, catalog key, the fields the line shows). A request shows no phone.
_MORE_KINDS: tuple[tuple[str, str, str, Callable[[Any], dict[str, str]]], ...] = (
    ("teams", "team", "palette.team", lambda r: {"name": r.name}),
    ("venues", "venue", "palette.venue", lambda r: {"name": r.name}),
    ("goods", "goods", "palette.goods", lambda r: {"name": r.name}),
    (
        "requests",
        "request",
        "palette.request",
        lambda r: {"date": r.received_on.isoformat(), "requester": r.requester, "wish": r.wish},
    ),
)


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
            yield Hit(score, Content(text), partial(self._open, kind, record_id), help=t(BY_KIND[kind].open))

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    def _open(self, kind: str, record_id: str) -> None:
        from station_tui.screens.forms import open_form

        open_form(self.app, kind, record_id)


class StationPalette(CommandPalette):
    """Textual's palette in the UI language: placeholder and "nothing found" from the catalog."""

    def __init__(self) -> None:
        # The id Textual's own action gives it (App.action_command_palette).
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As CommandPalette's own (Textual 8.2), with its "No matches found" in our words.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.no_match"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES)
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
