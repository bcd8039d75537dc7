"""Text a station sent, made safe to print on the county's terminal.

A station chooses its ``app_version``, its row text and so what a quarantined change holds.
Control characters (C0, C1: a terminal obeys them), format and bidi controls (they reorder
or hide what a clerk reads) and line or paragraph separators are left out before any of it
is shown in a table, a list or a report. JSON output keeps everything, escaped by the encoder.
"""

from __future__ import annotations

import unicodedata

#: Control, format, surrogate and line/paragraph separator categories.
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def printable(text: str) -> str:
    """``text`` without the characters a terminal would obey instead of show."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) not in _HIDDEN)
