"""Domain models and pure rules of a 新时代文明实践站. No I/O, no Textual."""

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

__all__ = [
    "Activity",
    "Attendance",
    "Event",
    "FieldProblem",
    "Figures",
    "Lecture",
    "Person",
    "Record",
    "Station",
    "Team",
    "TeamMember",
    "Venue",
    "explain",
    "explain_text",
]
