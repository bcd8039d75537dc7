"""Villager requests (微心愿) and their moves.

A request's state changes only through ``move``: the domain's rules (domain/request_flow.py)
judge the move against the state stored at that moment, and the request and the record of
the move are written in one transaction. The form edits everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Request, RequestMove
from station_tui.domain.periods import period_bounds
from station_tui.domain.request_flow import BY_ACTION, Move, MoveRefused, check
from station_tui.storage.pinyin import is_pinyin_query, normalise_query, search_keys
from station_tui.storage.repositories.base import NotFound, Repository, like_escaped, now_local

if TYPE_CHECKING:
    import sqlite3

#: Fields only the moves set: the form may not change them.
FLOW_FIELDS = ("state", "team_id", "volunteer_id", "activity_id", "escalated_to", "rating", "comment")


@dataclass(frozen=True)
class RequestFilter:
    #: The requester's name as typed, full pinyin or initials (``wdm`` finds 王大妈), or words
    #: of the request's wish.
    text: str = ""
    state: str | None = None
    request_type: str | None = None
    #: ``2026-11`` (a month) or ``2026`` (a year), on the 点单日期.
    month: str | None = None


def _month_bounds(month: str) -> tuple[str, str]:
    """``2026-11`` or ``2026`` as the first day and the day after."""
    bounds = period_bounds(int(month[:4]), int(month[5:7]) if len(month) > 4 else None)
    assert bounds is not None  # a year is given
    return bounds


class RequestRepository(Repository[Request]):
    kind = BY_TABLE["requests"]

    def to_row(self, record: Request) -> dict[str, Any]:
        row = super().to_row(record)
        row["pinyin_full"], row["pinyin_initials"] = search_keys(record.requester)
        return row

    # -- writes ---------------------------------------------------------------------------
    def _insert(self, conn: sqlite3.Connection, record: Request) -> Request:
        """A new request and the record of its making (点单), together."""
        return self.add_at(conn, record, None)

    def add_at(self, conn: sqlite3.Connection, record: Request, at: str | None) -> Request:
        """``_insert`` inside the caller's transaction, its 点单 move dated ``at`` (local time)
        when the request was taken earlier than now (demo data), else now."""
        stored = super()._insert(conn, record)
        self._record_move(
            conn, str(stored.id), "create", None, stored.state, by=record.recorded_by, target=None, note=None, at=at
        )
        return stored

    def _update(self, conn: sqlite3.Connection, record: Request) -> Request:
        """Save what the form edits; a change to a field only the moves set is refused (a
        record someone changed meanwhile goes to the usual conflict instead)."""
        current = conn.execute(
            f"SELECT row_version, {', '.join(FLOW_FIELDS)} FROM requests WHERE id = ? AND deleted = 0", (record.id,)
        ).fetchone()
        if current is not None and current["row_version"] == record.row_version:
            mine = self.to_row(record)
            changed = [f for f in FLOW_FIELDS if current[f] != mine[f]]
            if changed:
                raise MoveRefused(
                    "state_by_moves",
                    f"点单的{'、'.join(self.record_kind.label(f) for f in changed)}只能通过派单、接单、评价等操作改变，"
                    "不能在表单里直接修改。",
                )
        return super()._update(conn, record)

    def move(self, request_id: str, move: Move, *, by: str | None = None) -> Request:
        """Make ``move`` on the request as it is stored now; raises ``MoveRefused`` (plain
        Chinese) when its state does not allow it or something it needs is missing."""
        with self.store.write() as conn:
            return self.move_in(conn, request_id, move, by=by)

    def move_in(
        self, conn: sqlite3.Connection, request_id: str, move: Move, *, by: str | None = None, at: str | None = None
    ) -> Request:
        """``move`` inside the caller's transaction; ``at`` is the move's local time when it
        was made earlier than now (demo data), else now."""
        row = conn.execute("SELECT * FROM requests WHERE id = ? AND deleted = 0", (request_id,)).fetchone()
        if row is None:
            raise NotFound("requests", request_id)
        outcome = check(row["state"], move)
        target = self._target(conn, move)
        sets = {"state": outcome.to_state, **outcome.updates}
        conn.execute(
            f"UPDATE requests SET {', '.join(f'{c} = ?' for c in sets)}, row_version = row_version + 1,"
            " updated_at = ? WHERE id = ?",
            (*sets.values(), now_local(), request_id),
        )
        note = move.comment if move.action == "rate" else move.note
        if move.action == "rate":
            target = f"{move.rating} 星"
        self._record_move(
            conn,
            request_id,
            move.action,
            outcome.from_state,
            outcome.to_state,
            by=by,
            target=target,
            note=(note or "").strip() or None,
            at=at,
        )
        stored = self.get_in(conn, request_id)
        assert stored is not None
        return stored

    def _target(self, conn: sqlite3.Connection, move: Move) -> str | None:
        """What the move is aimed at, by name (the county reads it): a team, a volunteer, an
        activity, 乡镇 or 县. An id that names nothing stored is refused plainly."""
        for table, record_id, name, what in (
            ("teams", move.team_id, "name", "队伍"),
            ("people", move.volunteer_id, "name", "志愿者"),
            ("activities", move.activity_id, "title", "活动"),
        ):
            if record_id is None:
                continue
            found = conn.execute(f"SELECT {name} FROM {table} WHERE id = ? AND deleted = 0", (record_id,)).fetchone()
            if found is None:
                raise MoveRefused("unknown_target", f"找不到这个{what}，可能已被删除。")
            return str(found[0])
        if move.action == "escalate":
            return move.escalate_to
        return None

    def _record_move(
        self,
        conn: sqlite3.Connection,
        request_id: str,
        action: str,
        from_state: str | None,
        to_state: str,
        *,
        by: str | None,
        target: str | None,
        note: str | None,
        at: str | None = None,
    ) -> None:
        who = (by or "").strip() or self.store.actor.user
        self.store.repository("request_moves").add_in(
            conn,
            RequestMove(
                request_id=request_id,
                action=action,
                from_state=from_state,
                to_state=to_state,
                moved_at=at or now_local(),
                moved_by=who[:40],
                target=target[:60] if target else None,
                note=note,
            ),
        )

    # -- reads ----------------------------------------------------------------------------
    def moves(self, request_id: str) -> list[RequestMove]:
        """A request's moves in the order they were written here (never by clock or id)."""
        repo = self.store.repository("request_moves")
        rows = self.store.query(
            "SELECT * FROM request_moves WHERE request_id = ? AND deleted = 0 ORDER BY rowid", (request_id,)
        )
        return [repo.from_row(r) for r in rows]

    def _where(self, flt: RequestFilter) -> tuple[str, list[Any]]:
        clauses, params = ["deleted = 0"], []
        if flt.state:
            clauses.append("state = ?")
            params.append(flt.state)
        if flt.request_type:
            clauses.append("request_type = ?")
            params.append(flt.request_type)
        if flt.month:
            clauses.append("received_on >= ? AND received_on < ?")
            params += list(_month_bounds(flt.month))
        query = normalise_query(flt.text)
        if query:
            typed = like_escaped(flt.text.strip())
            if is_pinyin_query(query):
                clauses.append(
                    "(' ' || pinyin_initials LIKE ? OR ' ' || pinyin_full LIKE ? OR pinyin_full LIKE ?"
                    " OR wish LIKE ? ESCAPE '\\')"
                )
                params += [f"% {query}%", f"% {query}%", f"%{query}%", f"%{typed}%"]
            else:
                clauses.append("(requester LIKE ? ESCAPE '\\' OR wish LIKE ? ESCAPE '\\')")
                params += [f"%{typed}%", f"%{typed}%"]
        return " AND ".join(clauses), params

    def page(self, flt: RequestFilter | None = None, *, limit: int = 50, offset: int = 0) -> list[Request]:
        """One page of requests, newest 点单日期 first; ties by when they were recorded here."""
        where, params = self._where(flt or RequestFilter())
        rows = self.store.query(
            f"SELECT * FROM requests WHERE {where} ORDER BY received_on DESC, created_at DESC, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [self.from_row(r) for r in rows]

    def count_matching(self, flt: RequestFilter | None = None) -> int:
        where, params = self._where(flt or RequestFilter())
        return int(self.store.query_value(f"SELECT count(*) FROM requests WHERE {where}", params))

    def find_same(self, record: Request) -> Request | None:
        """A stored request with the same 点单日期, 点单人 and 心愿 (imports stay idempotent)."""
        row = self.store.query_one(
            "SELECT * FROM requests WHERE deleted = 0 AND received_on = ? AND requester = ? AND wish = ?"
            " AND id IS NOT ? LIMIT 1",
            (record.received_on.isoformat(), record.requester, record.wish, record.id),
        )
        return self.from_row(row) if row else None

    def for_activity(self, activity_id: str) -> list[Request]:
        """The requests an activity served (linked when they were completed)."""
        rows = self.store.query(
            "SELECT * FROM requests WHERE activity_id = ? AND deleted = 0 ORDER BY received_on, created_at",
            (activity_id,),
        )
        return [self.from_row(r) for r in rows]

    def activities_to_link(self, request: Request, limit: int = 200) -> list[tuple[str, str]]:
        """(label, id) of the activities that may have served ``request`` (完成 links one):
        those held since it was received, oldest first."""
        rows = self.store.query(
            "SELECT id, date, title FROM activities WHERE deleted = 0 AND date >= ?"
            " ORDER BY date, start_time LIMIT ?",
            (request.received_on.isoformat(), limit),
        )
        return [(f"{r['date']} {r['title']}", str(r["id"])) for r in rows]

    def names(self, request: Request) -> dict[str, str]:
        """The names behind a request's team, volunteer and activity ids, for the screen."""
        out: dict[str, str] = {}
        for field, table, column in (
            ("team_id", "teams", "name"),
            ("volunteer_id", "people", "name"),
            ("activity_id", "activities", "title"),
        ):
            record_id = getattr(request, field)
            if record_id:
                found = self.store.query_one(f"SELECT {column} FROM {table} WHERE id = ?", (record_id,))
                out[field] = str(found[0]) if found else "?"
        return out


def action_label(action: str) -> str:
    """A move's name as the station says it; ``create`` is 点单."""
    return "点单" if action == "create" else BY_ACTION[action].label if action in BY_ACTION else action
