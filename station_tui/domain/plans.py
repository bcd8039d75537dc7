"""Monthly plans against what was done: which lecture or activity carried out a planned item.

Pure rules, no I/O and nothing heavier than the standard library (the plan screens and the
dashboard read them without pydantic). A planned item names a day or a week of its month
(days 1–7 are week 1, days 29–31 week 5) and a platform; what carries it out is
- for 理论宣讲: a lecture (宣讲), which counts under 理论宣讲;
- for the other four platforms: an activity of that platform;
held in the plan's month. One event carries at most one item of a plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

THEORY = "理论宣讲"
#: Days 29–31 are the fifth week.
MONTH_WEEKS = 5


def week_of(day: date) -> int:
    """The week of its month a day lies in: days 1–7 are week 1, … days 29–31 week 5."""
    return (day.day - 1) // 7 + 1


def week_days(week: int) -> tuple[int, int]:
    """The first and last day of the month that week ``week`` covers (the last may not exist)."""
    return 7 * (week - 1) + 1, 7 * week


@dataclass(frozen=True, slots=True)
class Done:
    """A lecture or activity that may have carried out a planned item."""

    kind: str  # "lecture" or "activity"
    id: str
    date: date
    #: An activity's platform; a lecture's is 理论宣讲.
    platform: str
    heading: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.id


@dataclass(frozen=True, slots=True)
class Planned:
    """A planned item as the rules need it."""

    id: str
    month: str  # YYYY-MM
    platform: str
    date: date | None = None
    week: int | None = None
    matched: tuple[str, str] | None = None


def carries(item: Planned, event: Done) -> bool:
    """Whether ``event`` is of the sort that carries out ``item``: a lecture for 理论宣讲, an
    activity of the item's platform for the others, in the item's month."""
    if event.date.isoformat()[:7] != item.month:
        return False
    if item.platform == THEORY:
        return event.kind == "lecture"
    return event.kind == "activity" and event.platform == item.platform


def distance(item: Planned, event: Done) -> int:
    """How many days ``event`` lies from the item's day, or from its week (0 inside it)."""
    if item.date is not None:
        return abs((event.date - item.date).days)
    if item.week is not None:
        first, last = week_days(item.week)
        day = event.date.day
        return first - day if day < first else max(0, day - last)
    return 0


def propose(items: Iterable[Planned], events: Iterable[Done]) -> dict[str, Done]:
    """For each item not yet matched, the event proposed to have carried it out: among the
    events of its sort (``carries``) that carry no item yet, the nearest to its day or week,
    the earlier on a tie. Dated items choose first, in date order, then those with a week, so
    an event goes to the item planned closest to it. Items with nothing left get no proposal."""
    items = list(items)
    events = sorted(events, key=lambda e: (e.date, e.kind, e.heading, e.id))
    taken = {item.matched for item in items if item.matched is not None}
    proposed: dict[str, Done] = {}
    waiting = [item for item in items if item.matched is None]
    waiting.sort(key=lambda i: (i.date is None, i.date or date.min, i.week or 0, i.id))
    for item in waiting:
        fitting = [e for e in events if e.key not in taken and carries(item, e)]
        if not fitting:
            continue
        best = min(fitting, key=lambda e: (distance(item, e), e.date))
        proposed[item.id] = best
        taken.add(best.key)
    return proposed
