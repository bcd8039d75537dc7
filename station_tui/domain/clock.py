"""Showing times of day and stored moments (reading typed ones is ``domain.as_typed``)."""

from __future__ import annotations

from datetime import time


def format_clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def readable_moment(stamp: str | None) -> str:
    """A stored local timestamp as people read it: ``2026-11-22T16:07:03`` -> ``2026-11-22 16:07:03``
    (stored with the ``T`` for scripts; anything else is shown as it is)."""
    if not stamp:
        return ""
    return stamp.replace("T", " ", 1) if len(stamp) >= 11 and stamp[10] == "T" else stamp
