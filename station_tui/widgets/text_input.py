"""The station's one-line text box."""

from __future__ import annotations

import os
from typing import Any

from textual import events
from textual.widgets import Input

from station_tui.locale import t

#: ``STATION_CURSOR_BLINK=0`` turns the blinking cursor off (stable screenshots, and some
#: users over slow SSH links prefer it).
CURSOR_BLINK_ENV = "STATION_CURSOR_BLINK"


def one_line(text: str) -> tuple[str, int]:
    """A paste as one line, and how many non-empty lines it had. Several lines are joined
    with a space (each trimmed); a single line is kept exactly, without its line break."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return (lines[0] if lines else ""), len(lines)
    return " ".join(line.strip() for line in lines), len(lines)


class TextInput(Input):
    """Textual's Input, its cursor blinking unless ``STATION_CURSOR_BLINK=0``. Every text box of
    the app is one, so a new form cannot forget the setting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = os.environ.get(CURSOR_BLINK_ENV, "1") != "0"
        self._refused = False

    def restricted(self) -> None:
        self._refused = True
        super().restricted()

    def _on_paste(self, event: events.Paste) -> None:
        # Textual's Input keeps a paste's first line and drops the rest without a word; an
        # address or a summary copied from a document often spans lines. (prevent_default: the
        # Input's own handler would paste the first line again.)
        event.stop()
        event.prevent_default()
        text, lines = one_line(event.text)
        if not text:
            return
        self._refused = False
        self.replace(text, *self.selection)
        if self._refused:  # longer than the box allows (max_length): nothing was pasted
            self.app.notify(t("paste.too_long", n=len(text), limit=self.max_length), severity="warning")
        elif lines > 1:
            self.app.notify(t("paste.joined", n=lines))
