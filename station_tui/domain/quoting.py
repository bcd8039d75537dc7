"""Quoting what a user typed or a file held, in a message, without repeating all of it.

A message names the bad value so the user can find it; a 3-million-character cell must not
become a 3-million-character message (or fill memory while the message is built)."""

from __future__ import annotations

from typing import Any

#: Characters of a value a message repeats; enough to recognise it in the file.
QUOTE_CHARS = 30


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """``“value”``, or ``“the first 30 characters…”（共 N 个字）`` when it is longer."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return f"“{text}”"
    return f"“{text[:limit]}…”（共 {len(text)} 个字）"
