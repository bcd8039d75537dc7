"""Text a station sent, made safe to print on the county's terminal.

A station chooses its ``app_version``, its row text and so what a quarantined change holds.
Control characters (C0, C1: a terminal obeys them), format and bidi controls (they reorder
or hide what a clerk reads) and line or paragraph separators are left out before any of it
is shown in a table, a list or a report. JSON output keeps everything, those characters
written as escapes (``json_text``).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

#: Control, format, surrogate and line/paragraph separator categories.
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def printable(text: str) -> str:
    """``text`` without the characters a terminal would obey instead of show."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) not in _HIDDEN)


def json_text(data: Any) -> str:
    """``data`` as indented JSON for a terminal or a file: Chinese stays readable, but every
    character ``printable`` would leave out is written as a ``\\uXXXX`` escape. A JSON reader
    gets back exactly what is stored; the screen shows the escape instead of obeying it."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Outside its strings JSON holds only ASCII punctuation, digits, letters and the indent's
    # spaces and newlines, so only characters inside strings are escaped. Lines are checked
    # whole first: a line with nothing to hide (nearly all of them) is kept as it is.
    return "\n".join(line if line.isprintable() else "".join(map(_escaped, line)) for line in text.split("\n"))


def _escaped(ch: str) -> str:
    if unicodedata.category(ch) not in _HIDDEN:
        return ch
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a surrogate pair, as JSON spells it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
