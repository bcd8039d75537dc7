"""Text measured in terminal cells, as a terminal or a monospaced printout shows it.

A Chinese character takes two cells, so ``str.ljust`` misaligns any column holding one. The
dashboard, the person picker and the county's printed report pad with this one helper. Pure
Python (``unicodedata``): cheap on the app's start path, and importable by the county.
"""

from __future__ import annotations

import unicodedata


def cell_width(text: str) -> int:
    """Cells ``text`` takes: two for wide and full-width characters, none for combining marks."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells (as it is when already wider)."""
    return text + " " * max(width - cell_width(text), 0)
