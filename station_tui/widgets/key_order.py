"""Keys are handled one at a time, each where the key before it left the focus.

Textual gives a key to the focused widget by putting it in that widget's queue, then takes
the next key at once. A key that moves the focus (Tab, Enter in a form, ``c`` that opens a
form, Ctrl+S that closes one) moves it only when the widget gets to it, so keys that came in
the same read went to the box being left: 开始时间 "14点" Tab "村规" became "14点村规". Keys come
in one read whenever they come faster than the app takes them: over SSH from the township
office, and on a slow village PC while a screen is being drawn.

So a key that arrives while the app is still busy with the one before waits until every
queue of the app and its screen is empty, then goes wherever the focus is by then. Keys
typed at a normal pace find the app idle and go at once, as before. A paste keeps its place
among the keys. A widget still doing what a key asked outside its queue says so with a true
``holds_keys``: the person picker while Enter waits for its search thread's results, a form
or roster while its save runs in a thread.

Esc and the key after it, in one read, reach the app as one Alt key (terminals send Alt+1 as
Esc 1): "Esc 2", which the help tells users to press to leave a text box for screen 2, typed
"2" into the box, or "™" (Textual reads Esc 2 as macOS Option+2). The app binds no Alt keys,
so an Alt key is taken as what was typed: Esc, then the key.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, cast

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.app import App
from textual.message_pump import MessagePump

#: Longest a key waits for the one before it (seconds): a handler that never lets the
#: app go idle must not swallow the keyboard.
SETTLE_LIMIT = 1.0

# Textual reads Esc + a digit, "-", "=" or "§" as the character macOS's Option key makes with
# it (for WezTerm); on the station's PCs that is Esc, then the key.
# (Textual declares the table a Mapping; it is a dict, edited here on purpose.)
_KEYS = cast(dict[str, object], ANSI_SEQUENCES_KEYS)
for _sequence in [f"\x1b{key}" for key in "0123456789-=§"]:
    if isinstance(_KEYS.get(_sequence), str):
        del _KEYS[_sequence]


class KeysInOrder(App):
    """Mixin for the App: keys from the terminal are taken in order, one settled at a time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key | events.Paste] = deque()
        self._letting_through: events.Key | events.Paste | None = None
        self._let_through = asyncio.Event()
        self._settling: asyncio.Task[None] | None = None

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await super().on_event(event)  # (a forwarded key is one coming back up the DOM)
            return
        if event is self._letting_through:
            self._letting_through = None
            try:
                await super().on_event(event)
            finally:
                self._let_through.set()
            return
        if isinstance(event, events.Key) and event.key.startswith("alt+"):
            # Esc and a key in one read: two keys, the second once the first has settled.
            self._held_keys.extend((events.Key("escape", "\x1b"), events.Key(event.key[4:], event.character)))
        elif self._held_keys or self._settling is not None or not self._idle():
            self._held_keys.append(event)
        else:
            await super().on_event(event)
            return
        if self._settling is None:
            self._settling = asyncio.create_task(self._let_through_when_idle())

    def _pumps(self) -> list[MessagePump]:
        try:
            return [self, *self.screen.walk_children(with_self=True)]
        except Exception:  # no screen yet, or it is being replaced: not idle
            return []

    def _idle(self) -> bool:
        pumps = self._pumps()
        return bool(pumps) and all(
            pump.message_queue_size == 0 and not getattr(pump, "holds_keys", False) for pump in pumps)

    async def _wait_until_idle(self) -> None:
        """Until a round finds every queue empty after everything queued before it was handled
        (a handled message may queue more: Enter in a box queues Submitted, which moves the
        focus; a key that opens a form queues the form's mounting)."""
        while True:
            pumps = self._pumps()
            done = asyncio.Event()
            left = 0

            def one_done(done: asyncio.Event = done) -> None:  # bound now: each round has its own
                nonlocal left
                left -= 1
                if left == 0:
                    done.set()

            for pump in pumps:
                if pump.message_queue_size and pump.call_later(one_done):
                    left += 1
            if left:
                await done.wait()
            else:
                await asyncio.sleep(0.005)  # a widget holding keys, or no screen yet: look again
            if self._idle():
                return

    async def _let_through_when_idle(self) -> None:
        try:
            while self._held_keys:
                try:
                    await asyncio.wait_for(self._wait_until_idle(), SETTLE_LIMIT)
                except asyncio.TimeoutError:
                    pass
                held = self._held_keys.popleft()
                # Posted again, so that it is handled in the app's own turn (by on_event).
                self._letting_through = (
                    events.Key(held.key, held.character) if isinstance(held, events.Key) else events.Paste(held.text))
                self._let_through.clear()
                if not self.post_message(self._letting_through):
                    return  # the app is closing
                try:
                    await asyncio.wait_for(self._let_through.wait(), SETTLE_LIMIT)
                except asyncio.TimeoutError:
                    return  # the app stopped taking messages: it is closing
        finally:
            self._settling = None


class HoldsKeysWhileSaving:
    """Mixin for a screen that saves in a thread (``self._saving`` while it does): keys typed
    after Ctrl+S wait for the save, so they reach what comes next (the list, or the form again
    with the problem shown), not a box of the form being saved."""

    _saving: bool

    @property
    def holds_keys(self) -> bool:
        return self._saving
