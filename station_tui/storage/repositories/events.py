"""Lectures and activities: the two kinds of event a station records."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Activity, Event, Lecture
from station_tui.storage.repositories.base import Repository, like_escaped, to_sql
from station_tui.storage.repositories.hours import credit_event_hours

E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Listed(Generic[E]):
    """An event as its list shows it: with the figures' own numbers for it."""

    event: E
    #: 覆盖人次 / 服务人次 as the figures count them: the typed number, or the 群众 signed in
    #: by name plus headcounts, whichever is larger.
    counted: int
    #: Service hours (tenths) credited on its attendance lines; the figures add them to the
    #: hours typed on the event itself.
    roster_tenths: int
    #: Where it was held as a list shows it: the 地点 typed, else the name of its 阵地.
    place: str = ""


@dataclass(frozen=True)
class EventFilter:
    """What a list screen asks for; every field optional."""

    year: int | None = None
    month: int | None = None
    platform: str | None = None
    text: str | None = None
    newest_first: bool = True


class EventRepository(Repository[E], Generic[E]):
    #: The column that names the event (主题 for lectures, 名称 for activities).
    title_column: ClassVar[str]
    #: Columns the text filter looks in.
    text_columns: ClassVar[tuple[str, ...]]
    #: The people count typed on the form, and the attendance column that points here.
    count_column: ClassVar[str]
    attendance_fk: ClassVar[str]

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        """Soft delete; the event's service points go with it (voided in the same transaction,
        by the station's rules), since a deleted event counts nowhere. Refused (``PointsShort``)
        when someone has spent those points already."""
        from station_tui.storage.repositories.points import follow_roster_points, load_points_rules

        rules = load_points_rules()
        event_kind = "lecture" if self.attendance_fk == "lecture_id" else "activity"
        with self.store.write() as conn:
            self._soft_delete(conn, record_id, expected_version)
            follow_roster_points(conn, self.store, [(event_kind, record_id)], rules)

    def _where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        clauses, params = ["deleted = 0"], []
        if flt.year is not None and flt.month is not None:
            clauses.append("date >= ? AND date < ?")
            start = f"{flt.year:04d}-{flt.month:02d}-01"
            end_year, end_month = (flt.year + 1, 1) if flt.month == 12 else (flt.year, flt.month + 1)
            params += [start, f"{end_year:04d}-{end_month:02d}-01"]
        elif flt.year is not None:
            clauses.append("date >= ? AND date < ?")
            params += [f"{flt.year:04d}-01-01", f"{flt.year + 1:04d}-01-01"]
        if flt.platform and "platform" in self.columns:
            clauses.append("platform = ?")
            params.append(flt.platform)
        if flt.text and flt.text.strip():
            needle = f"%{like_escaped(flt.text.strip())}%"  # a typed % or _ is no wildcard
            # An event held at one of the station's venues is found by the venue's name too:
            # its 地点 is often left empty once the 阵地 is chosen.
            clauses.append(
                "("
                + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in self.text_columns)
                + " OR venue_id IN (SELECT id FROM venues WHERE name LIKE ? ESCAPE '\\')"
                + ")"
            )
            params += [needle] * (len(self.text_columns) + 1)
        return " AND ".join(clauses), params

    def page(self, flt: EventFilter | None = None, *, limit: int = 50, offset: int = 0) -> list[E]:
        """One page of the list, ordered by the event's own date (never by id: clocks lie)."""
        return [self.from_row(r) for r in self._page_rows("", flt, limit, offset)]

    def listed(self, flt: EventFilter | None = None, *, limit: int = 50, offset: int = 0) -> list[Listed[E]]:
        """The same page, each event with the people and hours the figures count for it, so
        a list never says 0 where the dashboard and the county report count 3."""
        from station_tui.storage.figures import counted_sql

        extra = (
            f", {counted_sql(self.count_column, self.attendance_fk)} AS listed_counted,"
            f" COALESCE((SELECT sum(a.credited_tenths) FROM attendance a"
            f" WHERE a.{self.attendance_fk} = e.id AND a.deleted = 0), 0) AS listed_roster_tenths,"
            " COALESCE(NULLIF(e.place, ''), (SELECT v.name FROM venues v WHERE v.id = e.venue_id), '')"
            " AS listed_place"
        )
        return [
            Listed(self.from_row(r), int(r["listed_counted"]), int(r["listed_roster_tenths"]), r["listed_place"])
            for r in self._page_rows(extra, flt, limit, offset)
        ]

    def _page_rows(self, extra: str, flt: EventFilter | None, limit: int, offset: int) -> list[Any]:
        flt = flt or EventFilter()
        where, params = self._where(flt)
        order = "DESC" if flt.newest_first else "ASC"
        return self.store.query(
            f"SELECT e.*{extra} FROM {self.table} e WHERE {where}"
            f" ORDER BY date {order}, start_time {order}, created_at {order}, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )

    def count_matching(self, flt: EventFilter | None = None) -> int:
        where, params = self._where(flt or EventFilter())
        return int(self.store.query_value(f"SELECT count(*) FROM {self.table} WHERE {where}", params))

    def find_same(self, event: E) -> E | None:
        """The stored event this one repeats: same date, start time and title. Makes a
        second import of the same file a no-op."""
        row = self.store.query_one(
            f"SELECT * FROM {self.table} WHERE deleted = 0 AND date = ? AND start_time IS ?"
            f" AND {self.title_column} = ? LIMIT 1",
            (to_sql(event.date), to_sql(event.start_time), getattr(event, self.title_column)),
        )
        return self.from_row(row) if row else None

    def latest(self, limit: int = 5) -> list[E]:
        return self.page(EventFilter(), limit=limit)

    # -- the hours ledger follows the event's date and its deletion (hours.py) ------------
    def _update(self, conn: sqlite3.Connection, record: E) -> E:
        saved = super()._update(conn, record)
        credit_event_hours(conn, record.kind, str(record.id), self.store.actor.user)
        return saved

    def _soft_delete(self, conn: sqlite3.Connection, record_id: str, expected_version: int | None) -> None:
        super()._soft_delete(conn, record_id, expected_version)
        credit_event_hours(conn, "lecture" if self.table == "lectures" else "activity", record_id,
                           self.store.actor.user)


class LectureRepository(EventRepository[Lecture]):
    kind = BY_TABLE["lectures"]
    title_column = "topic"
    text_columns = ("topic", "speaker", "place", "summary")
    count_column = "audience"
    attendance_fk = "lecture_id"

    # A speaker chosen from the people (``speaker_id``) is on the lecture's roster as 宣讲员,
    # written in the same transaction as the lecture itself, so nobody types them twice and a
    # lecture is never saved without its speaker's line (or with a former speaker's).
    def _insert(self, conn: sqlite3.Connection, record: Lecture) -> Lecture:
        saved = super()._insert(conn, record)
        self._place_speaker(conn, saved, None)
        return saved

    def _update(self, conn: sqlite3.Connection, record: Lecture) -> Lecture:
        before = conn.execute(
            "SELECT speaker_id, start_time, end_time FROM lectures WHERE id = ?", (record.id,)
        ).fetchone()
        saved = super()._update(conn, record)
        if before is not None and before[0] is not None and before[0] == saved.speaker_id:
            self._retime_speaker(conn, saved, (before[1], before[2]))
        self._place_speaker(conn, saved, before[0] if before else None)
        return saved

    def _retime_speaker(self, conn: sqlite3.Connection, lecture: Lecture, was: tuple[str | None, str | None]) -> None:
        """The same speaker, the lecture's times changed: a speaker line still holding the old
        times (nobody typed others on the roster) takes the new ones and the hours they give."""
        from station_tui.domain.models import Attendance
        from station_tui.domain.rules import credited_tenths

        now = (to_sql(lecture.start_time), to_sql(lecture.end_time))
        if now == was:
            return
        row = conn.execute(
            "SELECT * FROM attendance WHERE lecture_id = ? AND person_id = ? AND deleted = 0 AND role = '宣讲员'"
            " AND sign_in IS ? AND sign_out IS ?",
            (lecture.id, lecture.speaker_id, *was),
        ).fetchone()
        if row is None:
            return
        line = self.store.attendance.from_row(row)
        update = {
            "sign_in": lecture.start_time,
            "sign_out": lecture.end_time,
            "credited_tenths": credited_tenths(lecture, lecture.start_time, lecture.end_time),
        }
        moved = Attendance.model_validate({**line.model_dump(), **update}, context={"event": lecture})
        self.store.attendance._update(conn, moved)

    def _place_speaker(self, conn: sqlite3.Connection, lecture: Lecture, before: str | None) -> None:
        """The chosen speaker changed from ``before`` to ``lecture.speaker_id``: the former
        speaker's 宣讲员 line goes, the new one's comes (or their line becomes 宣讲员), with
        the lecture's times and the hours they give (domain/rules.py)."""
        from station_tui.domain.models import Attendance
        from station_tui.domain.rules import credited_tenths, default_times

        chosen = lecture.speaker_id
        if chosen == before:
            return
        roster = self.store.attendance

        def line_of(person_id: str) -> Attendance | None:
            row = conn.execute(
                "SELECT * FROM attendance WHERE lecture_id = ? AND person_id = ? AND deleted = 0",
                (lecture.id, person_id),
            ).fetchone()
            return roster.from_row(row) if row else None

        if before is not None:
            former = line_of(before)
            if former is not None and former.role == "宣讲员":
                roster._soft_delete(conn, str(former.id), former.row_version)
        if chosen is None:
            return
        sign_in, sign_out = default_times(lecture)
        speaking = {
            "role": "宣讲员",
            "sign_in": sign_in,
            "sign_out": sign_out,
            "credited_tenths": credited_tenths(lecture, sign_in, sign_out),
        }
        present = line_of(chosen)
        if present is None:
            line = Attendance.model_validate(
                {"event_kind": "lecture", "event_id": str(lecture.id), "person_id": chosen, **speaking},
                context={"event": lecture},
            )
            roster._insert(conn, line)
        elif present.role != "宣讲员":
            if present.sign_in is not None or present.sign_out is not None:
                # Times typed on the roster stay; the hours follow them.
                speaking.update(sign_in=present.sign_in, sign_out=present.sign_out)
                speaking["credited_tenths"] = credited_tenths(lecture, present.sign_in, present.sign_out)
            changed = Attendance.model_validate({**present.model_dump(), **speaking}, context={"event": lecture})
            roster._update(conn, changed)


class ActivityRepository(EventRepository[Activity]):
    kind = BY_TABLE["activities"]
    title_column = "title"
    text_columns = ("title", "place", "brand_project", "summary")
    count_column = "served"
    attendance_fk = "activity_id"
