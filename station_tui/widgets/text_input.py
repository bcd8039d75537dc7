"""The station's one-line text box."""

from __future__ import annotations

import os
from typing import Any

from textual.widgets import Input

#: ``STATION_CURSOR_BLINK=0`` turns the blinking cursor off (stable screenshots, and some
#: users over slow SSH links prefer it).
CURSOR_BLINK_ENV = "STATION_CURSOR_BLINK"


class TextInput(Input):
    """Textual's Input, its cursor blinking unless ``STATION_CURSOR_BLINK=0``. Every text box of
    the app is one, so a new form cannot forget the setting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = os.environ.get(CURSOR_BLINK_ENV, "1") != "0"
