"""Fill a station database with a believable history of its work.

Every record is built through the domain models (so it passes the same validation as a
record typed in the app) and written through the repositories inside ``store.write()``, so
the capture triggers feed the outbox and audit exactly as real use does. Writes go in large
transactions (one per chunk of events): a ten-year village history takes seconds, not minutes.

The same seed and the same "today" give the same records (ids and timestamps aside).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from station_tui.demo import catalog, names
from station_tui.demo.market import DEMO_RULES, MarketSummary, write_market
from station_tui.domain.models import Activity, Attendance, Event, Lecture, Person, Station, Team, TeamMember, Venue
from station_tui.domain.vocab import PLATFORMS
from station_tui.storage.ids import new_id
from station_tui.storage.repositories.base import Repository
from station_tui.storage.repositories.points import follow_roster_points

if TYPE_CHECKING:
    import sqlite3

    from station_tui.storage import Store
    from station_tui.storage.repositories.events import EventRepository

DEFAULT_SEED = 2026
#: ``meta`` key recording that (and how) demo data was written into a database.
DEMO_META = "demo"


@dataclass(frozen=True)
class Size:
    """How busy the station is. ``standard`` over ten years gives about 5,000 events,
    100,000 attendance lines and 3,000 people: the database the benchmarks use."""

    events_per_year: int
    people_base: int
    people_per_year: int
    #: Named 群众 on an event with a named roster, before the venue's capacity caps it.
    crowd: tuple[int, int]


SIZES: dict[str, Size] = {
    "standard": Size(events_per_year=500, people_base=300, people_per_year=270, crowd=(16, 38)),
    "small": Size(events_per_year=60, people_base=80, people_per_year=40, crowd=(4, 12)),
}

#: Events written per transaction (with their attendance).
CHUNK = 200
#: Page cache while generating (KiB).
GENERATION_CACHE_KIB = 64 * 1024
LECTURE_SHARE = 0.36
#: 补录 a year in the hours ledger (one of them voided again), and roster lines corrected.
LATE_ENTRIES_A_YEAR = 4
CORRECTED_LINES = 3
#: Now and then a record is typed twice and the copy deleted, as happens in real use.
DUPLICATE_SHARE = 0.01


@dataclass
class DemoSummary:
    station: Station
    first_day: date
    last_day: date
    people: int = 0
    volunteers: int = 0
    teams: int = 0
    team_members: int = 0
    venues: int = 0
    lectures: int = 0
    activities: int = 0
    named_lines: int = 0
    headcount_lines: int = 0
    deleted: int = 0
    plans: int = 0
    plan_items: int = 0
    #: Hours ledger: 补录 entries typed by hand, 补录 voided, roster lines whose hours were corrected.
    late_entries: int = 0
    voided: int = 0
    corrected_lines: int = 0
    requests: int = 0
    certificates: int = 0
    station_created: bool = True
    market: MarketSummary = field(default_factory=MarketSummary)

    @property
    def attendance(self) -> int:
        return self.named_lines + self.headcount_lines


@dataclass
class _Villager:
    person: Person
    #: How often this person turns up, for lectures and for other activities.
    lecture_weight: float
    activity_weight: float


@dataclass
class _Pool:
    """People to draw from with weights, without repeats within one event."""

    people: list[Person]
    cum: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, people: list[Person], weights: list[float]) -> _Pool:
        return cls(people, list(accumulate(weights)))

    def draw(self, rng: random.Random, k: int, exclude: set[str]) -> list[Person]:
        k = min(k, len(self.people) - len(exclude))
        chosen: list[Person] = []
        total = self.cum[-1] if self.cum else 0
        tries = 0
        while len(chosen) < k and tries < k * 20:
            tries += 1
            person = self.people[bisect_left(self.cum, rng.random() * total)]
            if person.id not in exclude:
                exclude.add(str(person.id))
                chosen.append(person)
        return chosen


class _Generator:
    def __init__(self, store: Store, rng: random.Random, size: Size, years: int, today: date) -> None:
        self.store, self.rng, self.size, self.years, self.today = store, rng, size, years, today
        self.ctx: dict[str, Any] = {"today": today}
        self.venues: dict[str, Venue] = {}
        self.teams: dict[str, Team] = {}
        self.members: dict[str, list[Person]] = {}
        self.villagers: list[_Villager] = []
        self.volunteers: list[Person] = []
        self.speakers: list[Person] = []
        self.last_held: dict[str, date] = {}

    # -- people, teams, places ------------------------------------------------------------
    def make_people(self) -> list[Person]:
        """The villagers, with their ids made now so that teams can be formed before writing."""
        rng, phones = self.rng, set[str]()
        count = self.size.people_base + self.size.people_per_year * self.years
        for _ in range(count):
            born = names.birth_year(rng)
            gender = "女" if rng.random() < (0.55 if born < 1955 else 0.5) else "男"
            age = self.today.year - born
            volunteer = 18 <= age <= 78 and rng.random() < (0.32 if 35 <= age <= 70 else 0.15)
            has_phone = rng.random() < (0.55 if born < 1950 else 0.93)
            data: dict[str, Any] = {
                "id": new_id(),
                "name": names.full_name(rng, gender, born),
                "gender": gender,
                "birth_year": born,
                "phone": names.mobile(rng, phones) if has_phone else None,
                "is_volunteer": volunteer,
                "note": f"第{rng.randint(1, 8)}村民小组",
            }
            if volunteer:
                if rng.random() < 0.7:
                    data["volunteer_no"] = f"1403{rng.randrange(10**10):010d}"
                data["skills"] = rng.sample(names.SKILLS, rng.choice((0, 1, 1, 2)))
            if rng.random() < 0.3:
                data["id_number"] = names.id_number(rng, catalog.STATION["code"], born, gender)
            person = Person.model_validate(data, context=self.ctx)
            # Older villagers come to lectures; the middle-aged to everything else.
            lecture_w = rng.choice((0.3, 1.0, 1.0, 2.0, 4.0)) * (1.6 if age >= 55 else 0.6)
            activity_w = rng.choice((0.3, 1.0, 1.0, 2.0, 4.0)) * (1.3 if 30 <= age <= 70 else 0.8)
            self.villagers.append(_Villager(person, lecture_w, activity_w))
        self.form_teams()
        self.volunteers = [v.person for v in self.villagers if v.person.is_volunteer]
        return [v.person for v in self.villagers]

    def form_teams(self) -> None:
        """Volunteers join up to two teams; a member brings (or is given) one of its skills."""
        rng = self.rng
        volunteers = [v for v in self.villagers if v.person.is_volunteer]
        taken: dict[str, int] = {}
        for spec in catalog.TEAMS:
            def fits(p: Person, spec: catalog.TeamSpec = spec) -> bool:
                age = self.today.year - (p.birth_year or 1970)
                if spec.key == "wulao":  # 老干部、老战士、老专家、老教师、老模范
                    return age >= 60
                if spec.women >= 1.0:
                    return p.gender == "女"
                return True

            candidates = [v for v in volunteers if fits(v.person) and taken.get(str(v.person.id), 0) < 2]
            weights = [
                (spec.women if v.person.gender == "女" else 1 - spec.women + 0.05)
                * (3.0 if set(v.person.skills) & set(spec.skills) else 1.0)
                for v in candidates
            ]
            pool = _Pool.of([v.person for v in candidates], weights)
            chosen = {str(p.id) for p in pool.draw(rng, rng.randint(*spec.size), set())} if candidates else set()
            members = []
            for villager in candidates:
                if str(villager.person.id) not in chosen:
                    continue
                person = villager.person
                if not set(person.skills) & set(spec.skills):
                    person = person.model_copy(update={"skills": [*person.skills, rng.choice(spec.skills)]})
                    villager.person = person
                members.append(person)
                taken[str(person.id)] = taken.get(str(person.id), 0) + 1
            rng.shuffle(members)
            self.members[spec.key] = members
        # A member whose skills grew in a later team must be the same person object everywhere.
        current = {str(v.person.id): v.person for v in self.villagers}
        self.members = {key: [current[str(p.id)] for p in ms] for key, ms in self.members.items()}
        # 宣讲员 come from both lecture teams; someone in both is still one speaker.
        speakers = {str(p.id): p for p in self.members["speakers"] + self.members["wulao"]}
        self.speakers = list(speakers.values()) or [v.person for v in volunteers[:3]]

    def write_people_and_teams(self, conn: sqlite3.Connection) -> int:
        for villager in self.villagers:
            self.store.people._insert(conn, villager.person)
        links = 0
        for spec in catalog.TEAMS:
            members = self.members[spec.key]
            leader = members[0] if members else None
            team = self.store.teams._insert(
                conn,
                Team.model_validate(
                    {"name": spec.name, "category": spec.category, "leader_id": leader.id if leader else None},
                    context=self.ctx,
                ),
            )
            self.teams[spec.key] = team
            for person in members:
                self.store.team_members._insert(conn, TeamMember(team_id=str(team.id), person_id=str(person.id)))
                links += 1
        return links

    def write_venues(self, conn: sqlite3.Connection) -> None:
        for spec in catalog.VENUES:
            venue = Venue(
                name=spec.name,
                address=spec.address,
                capacity=spec.capacity,
                facilities=spec.facilities or None,
                open_hours=spec.open_hours or None,
            )
            self.venues[spec.key] = self.store.venues._insert(conn, venue)

    # -- the calendar ------------------------------------------------------------------------
    def calendar(self, first: date, last: date) -> list[tuple[date, catalog.ActivitySpec | None]]:
        """Which days have an event, and the fixed-day ones (学雷锋纪念日…) already decided."""
        rng = self.rng
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        weights = [catalog.MONTH_WEIGHTS[d.month] * (1.15 if d.weekday() >= 5 else 1.0) for d in days]
        total = round(self.size.events_per_year * len(days) / 365)
        fixed: list[tuple[date, catalog.ActivitySpec | None]] = [
            (date(year, spec.on[0], spec.on[1]), spec)
            for spec in catalog.ACTIVITIES
            if spec.on
            for year in range(first.year, last.year + 1)
            if first <= date(year, spec.on[0], spec.on[1]) <= last
        ]
        picked = rng.choices(days, weights=weights, k=max(total - len(fixed), 0))
        plan: list[tuple[date, catalog.ActivitySpec | None]] = [(d, None) for d in picked] + fixed
        plan.sort(key=lambda item: (item[0], item[1].title if item[1] else ""))
        return plan

    # -- events ------------------------------------------------------------------------------
    def _times(self, starts: tuple[str, ...], minutes: tuple[int, int]) -> tuple[time, time, int]:
        start = time.fromisoformat(self.rng.choice(starts))
        length = self.rng.randrange(minutes[0], minutes[1] + 1, 10) if minutes[1] > minutes[0] else minutes[0]
        end_minute = min(start.hour * 60 + start.minute + length, 23 * 60 + 30)
        return start, time(end_minute // 60, end_minute % 60), end_minute - (start.hour * 60 + start.minute)

    def _place(self, venue_key: str | None, place: str) -> tuple[str | None, str]:
        """(venue id, the place's name): an event at one of the station's venues names it by
        the venue alone (its 地点 left empty, as the forms have it); elsewhere by its 地点."""
        if venue_key:
            venue = self.venues[venue_key]
            return str(venue.id), venue.name
        if "{surname}" in place:
            place = place.format(surname=self.rng.choice(("老甄", "老王", "老李", "老张", "老郭", "老赵")))
        return None, place

    def lecture(self, day: date) -> tuple[Lecture, list[dict[str, Any]]]:
        rng = self.rng
        topics = [t for t in catalog.TOPICS if t.current(day)]
        topic = rng.choices(topics, weights=[t.weight for t in topics])[0]
        form = rng.choices(catalog.LECTURE_FORMS, weights=[f.weight for f in catalog.LECTURE_FORMS])[0]
        start, end, length = self._times(form.starts, form.minutes)
        venue_id, place = self._place(form.venue, form.place)
        speakers = rng.sample(self.speakers, 2 if rng.random() < 0.2 and len(self.speakers) > 1 else 1)
        lines: list[dict[str, Any]] = []
        exclude = {str(p.id) for p in speakers}
        on_roster = form.form not in ("大喇叭广播", "线上宣讲")
        if on_roster:
            lines += [self._worker(p, "宣讲员", start, end, length) for p in speakers]
        listeners = 0
        if form.named:
            want = self._crowd_size(min(form.audience[1], self._capacity(form.venue)))
            crowd = self._lecture_pool.draw(rng, want, exclude)
            lines += [self._listener(p, start) for p in crowd]
            listeners = len(crowd)
            if form.form == "集中宣讲" and rng.random() < 0.5 and self.volunteers:
                helper = self._volunteer_pool.draw(rng, 1, exclude)
                lines += [self._worker(p, "志愿者", start, end, length) for p in helper]
            if rng.random() < 0.2:  # late-comers nobody wrote down by name
                extra = rng.randint(3, 15)
                lines.append({"headcount": extra, "note": "未登记姓名的群众"})
                listeners += extra
            # Usually the recorded audience includes people who did not sign; now and then
            # it was left empty or typed before the roster was complete.
            audience = 0 if rng.random() < 0.04 else listeners + rng.randint(0, 12)
        else:
            audience = rng.randint(*form.audience)
            lines.append({"headcount": audience, "note": "广播覆盖估算" if form.form == "大喇叭广播" else None})
        names_text = "、".join(p.name for p in speakers)
        summary = (
            f"{day.month}月{day.day}日，宣讲员{names_text}以{form.form}的形式，围绕“{topic.text}”"
            f"用群众听得懂的语言开展宣讲，{rng.choice(catalog.OUTCOMES['理论宣讲'])}。"
        )
        lecture = Lecture.model_validate(
            {
                "date": day, "start_time": start, "end_time": end, "topic": topic.text, "speaker": names_text,
                "form": form.form,
                "place": None if venue_id else place, "venue_id": venue_id, "audience": audience, "summary": summary,
                # One speaker who stood there: the person chosen in the form (two are named as text).
                "speaker_id": str(speakers[0].id) if len(speakers) == 1 and on_roster else None,
            },
            context=self.ctx,
        )
        return lecture, lines

    def activity(self, day: date, spec: catalog.ActivitySpec | None) -> tuple[Activity, list[dict[str, Any]]]:
        rng = self.rng
        if spec is None:
            specs = [s for s in catalog.ACTIVITIES if not s.on and (not s.months or day.month in s.months)]
            weights = [s.weight * (3.0 if s.months else 1.0) for s in specs]
            if day.month == 3:  # 学雷锋志愿服务月: service activities come first
                weights = [w * (2.0 if s.platform == "教育服务" else 1.0) for s, w in zip(specs, weights, strict=True)]
            # The same activity rarely comes round again within a fortnight.
            weights = [
                w * (0.1 if (day - self.last_held.get(s.title, date.min)).days < 14 else 1.0)
                for s, w in zip(specs, weights, strict=True)
            ]
            spec = rng.choices(specs, weights=weights)[0]
        self.last_held[spec.title] = day
        start, end, length = self._times(spec.starts, spec.minutes)
        venue_id, place = self._place(spec.venue, spec.place)
        roster = spec.roster
        if roster == "either":
            roster = rng.choices(("named", "crowd", "headcount"), weights=(4, 4, 2))[0]
        elif (roster == "named" and rng.random() < 0.15) or (roster == "headcount" and rng.random() < 0.3):
            roster = "crowd"
        lines: list[dict[str, Any]] = []
        exclude: set[str] = set()
        volunteer_count, volunteer_tenths = 0, 0
        if roster in ("named", "crowd"):
            # The organizing team first, then any other volunteers of the village.
            want = rng.randint(*spec.volunteers)
            helpers = self._team_pools[spec.team].draw(rng, want, exclude)
            if len(helpers) < want:
                helpers += self._volunteer_pool.draw(rng, want - len(helpers), exclude)
            lines += [self._worker(p, "志愿者", start, end, length) for p in helpers]
            volunteer_count = len(helpers)
        if roster == "named":
            want = self._crowd_size(min(spec.served[1], self._capacity(spec.venue)))
            crowd = self._activity_pool.draw(rng, want, exclude)
            lines += [self._listener(p, start) for p in crowd]
            served = 0 if rng.random() < 0.03 else len(crowd) + rng.randint(0, 10)
        else:
            served = rng.randint(*spec.served)
            lines.append({"headcount": served})
        if roster == "headcount":
            # Volunteers and their hours typed as totals with the activity, as the paper sheet had them.
            volunteer_count = rng.randint(*spec.volunteers)
            per_person = [length * rng.randint(60, 100) // 100 // 6 for _ in range(volunteer_count)]
            volunteer_tenths = sum(per_person)
        team = self.teams.get(spec.team)
        summary = (
            f"{day.month}月{day.day}日，{team.name if team else '本站'}在{place}开展{spec.title}活动，"
            f"服务群众{served}人次，{rng.choice(catalog.OUTCOMES[spec.platform])}。"
        )
        activity = Activity.model_validate(
            {
                "date": day, "start_time": start, "end_time": end, "title": spec.title, "platform": spec.platform,
                "place": None if venue_id else place, "venue_id": venue_id,
                "team_id": team.id if team else None, "served": served,
                "volunteer_count": volunteer_count, "volunteer_tenths": volunteer_tenths,
                "brand_project": spec.brand, "summary": summary,
            },
            context=self.ctx,
        )
        return activity, lines

    def _crowd_size(self, cap: int) -> int:
        """How many 群众 sign by name: the size preset's range, within what the place holds."""
        high = min(self.size.crowd[1], cap)
        low = min(self.size.crowd[0], max(high // 2, 1))
        return self.rng.randint(low, high)

    def _capacity(self, venue_key: str | None) -> int:
        if venue_key is None:
            return 10_000
        return self.venues[venue_key].capacity or 10_000

    def _worker(self, person: Person, role: str, start: time, end: time, length: int) -> dict[str, Any]:
        """A 宣讲员 or 志愿者: signs in before the start to set up, signs out after, or leaves
        early now and then; credited with the time served, never more than the event's length."""
        rng = self.rng
        begin = _minutes(start) - rng.randint(5, 30)
        if rng.random() < 0.12:
            finish = _minutes(start) + length * rng.randint(40, 80) // 100
        else:
            finish = _minutes(end) + rng.randint(0, 20)
        begin, finish = max(begin, 6 * 60), min(finish, 23 * 60 + 59)
        return {
            "person_id": person.id,
            "role": role,
            "sign_in": _clock(begin),
            "sign_out": _clock(finish),
            "credited_tenths": min(finish - begin, length) // 6,
        }

    def _listener(self, person: Person, start: time) -> dict[str, Any]:
        arrived = max(_minutes(start) - self.rng.randint(0, 15), 0)
        return {"person_id": person.id, "role": "群众", "sign_in": _clock(arrived)}

    # -- writing -----------------------------------------------------------------------------
    def write_event(
        self,
        conn: sqlite3.Connection,
        event: Event,
        lines: list[dict[str, Any]],
        summary: DemoSummary,
        roster: list[Attendance],
    ) -> None:
        """Store the event; its attendance lines are checked and put on ``roster``, which the
        caller stores in bulk after the chunk's events (bench/bulk_insert.py)."""
        repo: EventRepository[Any] = self.store.lectures if isinstance(event, Lecture) else self.store.activities
        # A lecture's speaker's 宣讲员 line is among ``lines``, with the times a speaker really
        # signs: the event is stored as it is, without the line a form's save adds for its speaker.
        saved = Repository._insert(repo, conn, event)
        context = {**self.ctx, "event": saved}
        for line in lines:
            record = Attendance.model_validate(
                {"event_kind": saved.kind, "event_id": saved.id, **line}, context=context
            )
            roster.append(record)
            if record.person_id:
                summary.named_lines += 1
            else:
                summary.headcount_lines += 1
        if isinstance(event, Lecture):
            summary.lectures += 1
        else:
            summary.activities += 1
        if self.rng.random() < DUPLICATE_SHARE:
            # The same sheet typed twice; the copy was noticed and deleted (a tombstone remains).
            copy = Repository._insert(repo, conn, event)
            repo._soft_delete(conn, str(copy.id), None)
            summary.deleted += 1

    def ledger_by_hand(self, summary: DemoSummary, first: date, last: date) -> None:
        """A few 补录 a year (service the roster sheets missed), one of them voided again, and a
        few roster lines whose hours were corrected afterwards (the ledger voids and re-enters
        them): a ledger as a real year leaves it, still equal to its rosters plus 补录."""
        if not self.volunteers:
            return
        operator = (summary.station.manager or "专管员")
        span = (last - first).days
        for year_index in range(max(1, (span + 1) // 365)):
            made = []
            for _ in range(LATE_ENTRIES_A_YEAR):
                person = self.rng.choice(self.volunteers)
                day = first + timedelta(days=min(span, year_index * 365 + self.rng.randrange(365)))
                content, reason = self.rng.choice(catalog.LATE_ENTRIES)
                made.append(self.store.hours.late_entry(
                    str(person.id), day, self.rng.choice((10, 15, 20, 30, 40)), reason, operator, content=content))
                summary.late_entries += 1
            voided = self.rng.choice(made)
            self.store.hours.void(str(voided.id), self.rng.choice(catalog.VOID_REASONS), operator)
            summary.voided += 1
        rows = self.store.query(
            "SELECT id FROM attendance WHERE deleted = 0 AND credited_tenths >= 10"
            " ORDER BY created_at DESC, id LIMIT ?",
            (CORRECTED_LINES,),
        )
        for row in rows:
            line = self.store.attendance.get(row[0])
            if line is not None:
                self.store.attendance.update(line.model_copy(update={"credited_tenths": line.credited_tenths - 5}))
                summary.corrected_lines += 1
    def write_requests(self, first: date, last: date, recorder: str | None, seed: int) -> int:
        """Villager requests over the period, in every state, after the events they may link to.
        A random stream of their own, so the other records stay as the seed always made them."""
        from station_tui.demo.requests import write_requests

        volunteers = [v.person for v in self.villagers if v.person.is_volunteer]
        villagers = [v.person for v in self.villagers if not v.person.is_volunteer] or volunteers
        with self.store.write() as conn:
            return write_requests(
                self.store, conn, random.Random(seed * 31 + 15), first=first, last=last,
                per_year=max(12, self.size.events_per_year // 12), villagers=villagers, volunteers=volunteers,
                teams=list(self.teams.values()), recorder=recorder,
            )

    def prepare_pools(self) -> None:
        people = [v.person for v in self.villagers]
        self._lecture_pool = _Pool.of(people, [v.lecture_weight for v in self.villagers])
        self._activity_pool = _Pool.of(people, [v.activity_weight for v in self.villagers])
        self._volunteer_pool = _Pool.of(self.volunteers, [1.0] * len(self.volunteers))
        self._team_pools = {key: _Pool.of(m, [1.0] * len(m)) for key, m in self.members.items()}


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def generate(
    store: Store,
    *,
    years: int = 1,
    seed: int = DEFAULT_SEED,
    size: str | Size = "standard",
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write ``years`` of a village station's records, ending yesterday, into ``store``.

    Sets the station's identity only when the database has none. Returns what was written.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    plan_size = SIZES[size] if isinstance(size, str) else size
    today = today or date.today()
    last = today - timedelta(days=1)
    first = _years_before(today, years)
    if first.year < 2000:
        raise ValueError("demo data cannot start before 2000")
    rng = random.Random(seed)
    gen = _Generator(store, rng, plan_size, years, today)

    people = gen.make_people()
    # Marks the file as demo data being written; "complete" only once every chunk is in, so
    # an interrupted run is recognisable (see demo_state) and never mistaken for a ledger.
    store.set_meta(DEMO_META, "started" if not has_records(store) else "added")
    existing = store.station.current()
    station = existing or store.station.setup(_station(people))
    summary = DemoSummary(station=station, first_day=first, last_day=last, station_created=existing is None)
    with store.write() as conn:
        summary.team_members = gen.write_people_and_teams(conn)
        gen.write_venues(conn)
    summary.people = len(people)
    summary.volunteers = len(gen.volunteers)
    summary.teams, summary.venues = len(gen.teams), len(gen.venues)
    gen.prepare_pools()

    plan = gen.calendar(first, last)
    # The outbox's random change ids scatter index writes over the whole file; a larger page
    # cache for this run keeps them in memory (restored afterwards for normal use).
    cache = store.query_value("PRAGMA cache_size")
    store.conn.execute(f"PRAGMA cache_size = -{GENERATION_CACHE_KIB}")
    try:
        for begin in range(0, len(plan), CHUNK):
            batch: list[tuple[Event, list[dict[str, Any]]]] = []
            for day, spec in plan[begin : begin + CHUNK]:
                if spec is None and rng.random() < LECTURE_SHARE:
                    batch.append(gen.lecture(day))
                else:
                    batch.append(gen.activity(day, spec))
            with store.write() as conn:
                roster: list[Attendance] = []
                for event, lines in batch:
                    gen.write_event(conn, event, lines, summary, roster)
                store.attendance.add_all_in(conn, roster)
                # Service points follow the rosters, as a roster save in the app does.
                events = [(line.event_kind, line.event_id) for line in roster]
                follow_roster_points(conn, store, events, DEMO_RULES)
            if progress:
                progress(min(begin + CHUNK, len(plan)), len(plan))
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    gen.ledger_by_hand(summary, first, last)
    summary.market = write_market(store, rng, first, last)
    _self_check(store, today, station.manager or "专管员")
    from station_tui.demo.plans import write_plans

    # The plans come last and from their own random stream: the events stay what they were.
    summary.plans, summary.plan_items = write_plans(store, random.Random(seed + 1), first, today)
    summary.requests = gen.write_requests(first, last, station.manager, seed)
    summary.certificates = _certificates(store, first, last, station.manager or "专管员")
    _county_word(store, first, today)
    store.set_meta(DEMO_META, f"complete seed={seed} years={years} size={plan_size_name(size)}")
    return summary


def _self_check(store: Store, today: date, manager: str) -> None:
    """Last year's 自评 and the township's 审核 of it, and this year's ticks so far: the 自评
    screen then shows a station part way through its year."""
    from station_tui.domain.models import SelfCheckReview
    from station_tui.storage import self_check

    self_check.set_mark(store, today.year, "signage", ticked=True, evidence="站门口标识牌照片（2026 年 3 月更新）",
                        operator=manager)
    self_check.set_mark(store, today.year, "rules_posted", ticked=True, evidence="阵地管理制度、志愿服务制度上墙照片",
                        operator=manager)
    last = today.year - 1
    self_check.add_review(store, SelfCheckReview(year=last, level="自评", date=date(last, 12, 10), score=85,
                                                 stars=3, reviewer=manager))
    self_check.add_review(store, SelfCheckReview(year=last, level="乡镇审核", date=date(last, 12, 20), score=82,
                                                 stars=3, reviewer="乡镇宣传委员", opinion="台账规范，特色做法需加强"))
#: The county's theme of each month (一月一主题) in the demo.
_MONTH_THEMES = (
    "迎新春·送温暖", "我们的节日·传统文化", "学雷锋志愿服务月", "清明祭英烈", "劳动最光荣", "关爱未成年人",
    "党史学习教育", "全民健身", "尊师重教·孝老爱亲", "爱国主义教育", "法治宣传·消防安全", "宪法宣传",
)


#: How many 志愿服务记录证明 the demo station has issued: to its volunteers with the most hours.
DEMO_CERTIFICATES = 5


def _certificates(store: Store, first: date, last: date, manager: str) -> int:
    """A few certificates issued near the end of the period, for the volunteers with the most
    hours in its last (up to) twelve months, so the 证书 screen and its register are not empty."""
    start = max(first, last - timedelta(days=364))
    rows = store.query(
        """SELECT e.person_id FROM hours_entries e JOIN people p ON p.id = e.person_id
            WHERE p.deleted = 0 AND e.date BETWEEN ? AND ?
            GROUP BY e.person_id HAVING sum(e.tenths) > 0
            ORDER BY sum(e.tenths) DESC, p.name, p.id LIMIT ?""",
        (start.isoformat(), last.isoformat(), DEMO_CERTIFICATES),
    )
    issued = 0
    for n, row in enumerate(rows):
        on = last - timedelta(days=(len(rows) - 1 - n) * 3)
        store.certificates.issue(row[0], start, min(on, last), issuer=manager, operator=manager, issued_on=on)
        issued += 1
    return issued


def _county_word(store: Store, first: date, today: date) -> None:
    """What a county would have sent the station (sync/downlink.py), as if received: a theme
    for each month up to two months ahead, the monthly minimums and two notices. The demo
    database never syncs, so the dashboard and the 同步 screen show them from the start."""
    import json

    items: list[tuple[str, str, str | None, dict[str, Any]]] = []
    month = date(first.year, first.month, 1)
    end = date(today.year + (today.month + 1) // 12, (today.month + 1) % 12 + 1, 1)
    while month <= end:
        key = f"{month.year:04d}-{month.month:02d}"
        items.append((f"theme:{key}", "theme", None, {"month": key, "theme": _MONTH_THEMES[month.month - 1]}))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    items.append(("minimums", "minimums", None, {"minimums": {p: (4 if p == "理论宣讲" else 1) for p in PLATFORMS}}))
    items.append(("notice:demo-1", "notice", None, {
        "date": (today - timedelta(days=3)).isoformat(), "title": "关于报送本月文明实践活动台账的通知",
        "body": "各新时代文明实践站：\n请于本月25日前核对本月宣讲和活动记录，完成同步。"}))
    items.append(("notice:demo-2", "notice", "府西街道", {
        "date": (today - timedelta(days=20)).isoformat(), "title": "府西街道“我们的节日”活动安排",
        "body": "各站结合本村实际开展节日主题活动，做好签到和照片留存。"}))  # fmt: skip
    with store.write() as conn:
        for seq, (item_id, kind, township, body) in enumerate(items, start=1):
            conn.execute(
                "INSERT OR REPLACE INTO county_items (id, kind, township, station, body, seq, feed_id, published_at,"
                " received_at) VALUES (?, ?, ?, NULL, ?, ?, 'demo', ?, ?)",
                (item_id, kind, township, json.dumps(body, ensure_ascii=False), seq,
                 today.isoformat() + "T00:00:00Z", today.isoformat() + "T08:00:00"),
            )  # fmt: skip


def has_records(store: Store) -> bool:
    """Any row in any synced table, deleted ones included: such a file is someone's ledger."""
    from station_tui.storage.capture import SYNCED_TABLES

    return any(store.query_one(f"SELECT 1 FROM {table} LIMIT 1") for table in SYNCED_TABLES)


def demo_state(store: Store) -> str | None:
    """``None`` if demo data was never written here; ``"started"`` while (or if interrupted
    while) filling an empty file; ``"added"`` while adding to one that had records;
    ``"complete"`` once done."""
    value = store.meta(DEMO_META)
    return value.split()[0] if value else None


def plan_size_name(size: str | Size) -> str:
    if isinstance(size, str):
        return size
    return next((name for name, preset in SIZES.items() if preset == size), "custom")


def _station(people: list[Person]) -> Station:
    # The 专管员 is a middle-aged volunteer of the village.
    staff = [p for p in people if p.is_volunteer and 1965 <= (p.birth_year or 0) <= 1990]
    manager = staff[0].name if staff else None
    return Station(**catalog.STATION, manager=manager)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


__all__ = ["DEFAULT_SEED", "DEMO_META", "SIZES", "DemoSummary", "Size", "demo_state", "generate", "has_records"]
