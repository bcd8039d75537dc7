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

if TYPE_CHECKING:  # the same names for type checkers, re-exported (`X as X`)
    from station_tui.domain.errors import FieldProblem as FieldProblem
    from station_tui.domain.errors import explain as explain
    from station_tui.domain.errors import explain_text as explain_text
    from station_tui.domain.models import Activity as Activity
    from station_tui.domain.models import Attendance as Attendance
    from station_tui.domain.models import Event as Event
    from station_tui.domain.models import Figures as Figures
    from station_tui.domain.models import Lecture as Lecture
    from station_tui.domain.models import Person as Person
    from station_tui.domain.models import Record as Record
    from station_tui.domain.models import Station as Station
    from station_tui.domain.models import Team as Team
    from station_tui.domain.models import TeamMember as TeamMember
    from station_tui.domain.models import Venue as Venue
