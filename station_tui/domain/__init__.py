"""Domain models and pure rules of a 新时代文明实践站. No I/O, no Textual.

Names are exported lazily (PEP 562): ``domain.vocab`` and ``domain.hours`` are pure Python,
and importing them must not pay for pydantic, which the app's start-up path avoids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from station_tui._lazy import lazy_exports

_EXPORTS = {
    "FieldProblem": "errors",
    "explain": "errors",
    "explain_text": "errors",
    "Activity": "models",
    "Attendance": "models",
    "Event": "models",
    "Figures": "models",
    "Lecture": "models",
    "Person": "models",
    "Record": "models",
    "Station": "models",
    "Team": "models",
    "TeamMember": "models",
    "Venue": "models",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:
    from station_tui.domain.errors import FieldProblem, explain, explain_text
    from station_tui.domain.models import (
        Activity,
        Attendance,
        Event,
        Figures,
        Lecture,
        Person,
        Record,
        Station,
        Team,
        TeamMember,
        Venue,
    )
