"""The roster being edited: what is stored, what the user changed, and what saving will do.

Kept apart from the screen so that the rules (no person twice, volunteers pre-filled from
the event's times, hours only for volunteers) read plainly and nothing here needs Textual.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import time

from station_tui.domain import Attendance, Event, Person
from station_tui.domain.models import EventKind
from station_tui.domain.rules import credited_tenths, default_times, is_serving
from station_tui.domain.vocab import ROLES
from station_tui.locale import t

#: ``r`` cycles through the roles in this order; most attendees are 群众.
ROLE_CYCLE = ("群众", "志愿者", "宣讲员")
assert set(ROLE_CYCLE) == set(ROLES)

_EDITABLE = ("role", "sign_in", "sign_out", "credited_tenths", "headcount", "note", "person_id")
_keys = itertools.count(1)


@dataclass
class Line:
    attendance: Attendance
    person: Person | None
    #: As loaded from the database; None for a line not saved yet.
    stored: Attendance | None = None
    removed: bool = False
    key: str = field(default_factory=lambda: f"line-{next(_keys)}")

    @property
    def is_new(self) -> bool:
        return self.stored is None

    @property
    def is_changed(self) -> bool:
        if self.stored is None:
            return False
        return any(getattr(self.attendance, f) != getattr(self.stored, f) for f in _EDITABLE)

    @property
    def is_dirty(self) -> bool:
        return self.is_new or self.is_changed or self.removed

    @property
    def is_headcount(self) -> bool:
        return self.attendance.person_id is None


class DraftError(ValueError):
    """A change the roster refuses; the message is for the user as is."""


class Draft:
    def __init__(self, event_kind: EventKind, event: Event, min_share: float = 0.0) -> None:
        self.event_kind = event_kind
        self.event = event
        self.min_share = min_share
        self.lines: list[Line] = []

    # -- loading --------------------------------------------------------------------------
    def load(self, stored: list[tuple[Attendance, Person | None]]) -> None:
        self.lines = [Line(att, person, stored=att) for att, person in stored]

    # -- reading --------------------------------------------------------------------------
    @property
    def visible(self) -> list[Line]:
        return [line for line in self.lines if not line.removed]

    @property
    def is_dirty(self) -> bool:
        return any(line.is_dirty and not (line.is_new and line.removed) for line in self.lines)

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)

    def has_person(self, person_id: str) -> bool:
        return any(line.attendance.person_id == person_id for line in self.visible)

    def person_ids(self) -> set[str]:
        return {str(line.attendance.person_id) for line in self.visible if line.attendance.person_id}

    def named_count(self) -> int:
        return sum(1 for line in self.visible if not line.is_headcount)

    def headcount(self) -> int:
        return sum(line.attendance.headcount or 0 for line in self.visible if line.is_headcount)

    def volunteer_tenths(self) -> int:
        return sum(line.attendance.credited_tenths for line in self.visible)

    # -- changing -------------------------------------------------------------------------
    def add_person(self, person: Person, *, registered_here: bool = False) -> Line:
        """``registered_here``: the person was just registered from this roster (新建人员)."""
        if self.has_person(str(person.id)):
            raise DraftError(t("att.duplicate_person", name=person.name))
        # A volunteer at an activity is usually serving; at a lecture people mostly listen,
        # unless registered as a volunteer right here, which says they came to serve.
        serving = person.is_volunteer and (self.event_kind == "activity" or registered_here)
        role = "志愿者" if serving else "群众"
        # A person removed and added back before saving: revive the stored line.
        for line in self.lines:
            if line.removed and line.attendance.person_id == person.id:
                line.removed = False
                return line
        line = Line(self._with_role(self.blank(person_id=person.id, role="群众"), role), person)
        self.lines.append(line)
        return line

    def add_people(self, people: list[tuple[Person, str]]) -> tuple[list[Line], int]:
        """Several people at once, each with the role given (a team's members as 志愿者, an
        earlier roster's lines with their roles): each person once, whoever is on the roster
        already is left as is. Times and hours are this event's, never the source's. Returns
        the lines added and how many were on the roster already."""
        added: list[Line] = []
        already = 0
        for person, role in people:
            if self.has_person(str(person.id)):
                already += 1
                continue
            revived = next(
                (ln for ln in self.lines if ln.removed and ln.attendance.person_id == person.id), None
            )
            if revived is not None:
                revived.removed = False
                added.append(revived)
                continue
            line = Line(self._with_role(self.blank(person_id=person.id, role="群众"), role), person)
            self.lines.append(line)
            added.append(line)
        return added, already

    def add_headcount(self, headcount: int, note: str | None = None) -> Line:
        line = Line(self.blank(headcount=headcount, note=note), None)
        self.lines.append(line)
        return line

    def cycle_role(self, key: str) -> Line:
        line = self.line(key)
        if line.is_headcount:
            raise DraftError(t("att.headcount_no_role"))
        current = line.attendance.role or "群众"
        following = ROLE_CYCLE[(ROLE_CYCLE.index(current) + 1) % len(ROLE_CYCLE)]
        line.attendance = self._with_role(line.attendance, following)
        return line

    def replace(self, key: str, attendance: Attendance) -> Line:
        """Put an edited line back (already checked by the editor)."""
        line = self.line(key)
        line.attendance = attendance
        return line

    def remove(self, key: str) -> Line:
        line = self.line(key)
        if line.is_new:
            self.lines.remove(line)
        else:
            line.removed = True
        return line

    def take_theirs(self, stored: Attendance) -> None:
        """After a conflict the user chose the other session's version of a line."""
        for line in self.lines:
            if line.stored is not None and line.stored.id == stored.id:
                line.attendance = line.stored = stored
                line.removed = False

    def keep_mine(self, stored: Attendance) -> None:
        """After a conflict the user chose to overwrite: base the line on the newer version."""
        for line in self.lines:
            if line.stored is not None and line.stored.id == stored.id:
                line.stored = stored
                line.attendance = line.attendance.model_copy(update={"row_version": stored.row_version})

    def forget(self, record_id: str) -> Line | None:
        """A line deleted by someone else meanwhile: drop it from the draft."""
        for line in self.lines:
            if line.stored is not None and line.stored.id == record_id:
                self.lines.remove(line)
                return line
        return None

    # -- saving ---------------------------------------------------------------------------
    def changes(self) -> tuple[list[Attendance], list[Attendance], list[Attendance]]:
        added = [line.attendance for line in self.lines if line.is_new and not line.removed]
        updated = [line.attendance for line in self.lines if line.is_changed and not line.removed]
        removed = [line.stored for line in self.lines if line.removed and line.stored is not None]
        return added, updated, removed

    # -- helpers --------------------------------------------------------------------------
    def blank(self, **values: object) -> Attendance:
        """An unsaved line of this roster (fields given in ``values``), for forms to start from."""
        return Attendance.model_construct(
            event_kind=self.event_kind,
            event_id=str(self.event.id),
            person_id=None,
            role=None,
            sign_in=None,
            sign_out=None,
            credited_tenths=0,
            headcount=None,
            note=None,
            id=None,
            row_version=0,
            created_at=None,
            updated_at=None,
            deleted=False,
        ).model_copy(update=values)

    def credit_for(self, sign_in: time | None, sign_out: time | None) -> int:
        return credited_tenths(self.event, sign_in, sign_out, self.min_share)

    def _with_role(self, attendance: Attendance, role: str) -> Attendance:
        update: dict[str, object] = {"role": role}
        if is_serving(role):
            sign_in, sign_out = attendance.sign_in, attendance.sign_out
            if sign_in is None and sign_out is None:
                sign_in, sign_out = default_times(self.event)
                update.update(sign_in=sign_in, sign_out=sign_out)
            if not attendance.credited_tenths:
                update["credited_tenths"] = self.credit_for(sign_in, sign_out)
        else:
            # 群众 are served, not serving: no hours; the times stay as typed.
            update["credited_tenths"] = 0
        return attendance.model_copy(update=update)
