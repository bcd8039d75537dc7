"""Bindings whose descriptions are catalog keys, translated when a screen is made.

Class-level ``BINDINGS`` are built at import time, before ``--lang`` is known; each node
gets its own copy of its bindings, so translating that copy honours the language chosen at
start-up and leaves binding ids (used by keymaps) untouched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from station_tui.locale import t

if TYPE_CHECKING:
    from textual.dom import DOMNode

def localize_bindings(node: DOMNode) -> None:
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            replace(b, description=t(b.description), tooltip=t(b.tooltip) if b.tooltip else b.tooltip)
            if b.description
            else b
            for b in items
        ]


class Localized:
    """Mixin for screens and widgets: translate binding descriptions on construction."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        localize_bindings(self)  # type: ignore[arg-type]
