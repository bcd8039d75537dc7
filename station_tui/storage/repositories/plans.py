"""Monthly plans and their items: one plan per month, items matched to what carried them out."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Plan, PlanItem
from station_tui.domain.plans import Done, Planned
from station_tui.storage.repositories.base import NotFound, Repository

if TYPE_CHECKING:
    import sqlite3


class PlanProblem(ValueError):
    """A plan or a match the rules refuse; the message is for the user as it is."""


class PlanRepository(Repository[Plan]):
    kind = BY_TABLE["plans"]

    def by_month(self, month: str) -> Plan | None:
        row = self.store.query_one("SELECT * FROM plans WHERE deleted = 0 AND month = ?", (month,))
        return self.from_row(row) if row else None

    def by_month_in(self, conn: sqlite3.Connection, month: str) -> Plan | None:
        row = conn.execute("SELECT * FROM plans WHERE deleted = 0 AND month = ?", (month,)).fetchone()
        return self.from_row(row) if row else None

    def _check_month(self, conn: sqlite3.Connection, record: Plan) -> None:
        other = self.by_month_in(conn, record.month)
        if other is not None and other.id != record.id:
            raise PlanProblem(f"{record.month} 已经有计划了（主题：{other.theme or '未填'}），一个月只有一份计划")

    def _insert(self, conn: sqlite3.Connection, record: Plan) -> Plan:
        self._check_month(conn, record)
        return super()._insert(conn, record)

    def _update(self, conn: sqlite3.Connection, record: Plan) -> Plan:
        self._check_month(conn, record)
        dated = conn.execute(
            "SELECT 1 FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE p.id = ? AND p.month <> ?"
            " AND i.deleted = 0 AND i.date IS NOT NULL LIMIT 1",
            (record.id, record.month),
        ).fetchone()
        if dated is not None:
            raise PlanProblem("这份计划里已有按日期安排的项目，不能改到别的月份；请另建那个月的计划")
        return super()._update(conn, record)

    def update_in(self, conn: sqlite3.Connection, record: Plan) -> Plan:
        """Save an edited plan inside the caller's transaction (an import filling in a theme)."""
        return self._update(conn, record)

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        """Deleting a plan deletes its items with it (all tombstones, in one transaction)."""
        with self.store.write() as conn:
            self._soft_delete(conn, record_id, expected_version)
            items = self.store.plan_items
            for (item_id,) in conn.execute(
                "SELECT id FROM plan_items WHERE plan_id = ? AND deleted = 0", (record_id,)
            ).fetchall():
                items._soft_delete(conn, item_id, None)


class PlanItemRepository(Repository[PlanItem]):
    kind = BY_TABLE["plan_items"]

    def items_of(self, plan_id: str) -> list[PlanItem]:
        rows = self.store.query(
            "SELECT * FROM plan_items WHERE plan_id = ? AND deleted = 0"
            " ORDER BY COALESCE(CAST(substr(date, 9, 2) AS INTEGER), week * 7 - 6), date IS NULL, created_at, id",
            (plan_id,),
        )
        return [self.from_row(r) for r in rows]

    def find_same(self, record: PlanItem) -> PlanItem | None:
        """The stored item of the same plan with the same day or week, name and platform."""
        row = self.store.query_one(
            "SELECT * FROM plan_items WHERE deleted = 0 AND plan_id = ? AND date IS ? AND week IS ?"
            " AND title = ? AND platform = ? LIMIT 1",
            (
                record.plan_id,
                record.date.isoformat() if record.date else None,
                record.week,
                record.title,
                record.platform,
            ),
        )
        return self.from_row(row) if row else None

    def _check(self, conn: sqlite3.Connection, record: PlanItem) -> None:
        plan = conn.execute("SELECT month FROM plans WHERE id = ? AND deleted = 0", (record.plan_id,)).fetchone()
        if plan is None:
            raise PlanProblem("这份计划已被删除，不能再添加或修改其中的项目")
        if record.date is not None and record.date.isoformat()[:7] != plan[0]:
            raise PlanProblem(f"日期 {record.date.isoformat()} 不在计划的月份 {plan[0]} 里")
        stored = None
        if record.id is not None:
            stored = conn.execute(
                "SELECT lecture_id, activity_id FROM plan_items WHERE id = ?", (record.id,)
            ).fetchone()
        for column, table, word in (("lecture_id", "lectures", "宣讲"), ("activity_id", "activities", "活动")):
            event_id = getattr(record, column)
            if event_id is None or (stored is not None and stored[column] == event_id):
                continue  # no event, or the one it already had (deleted since, it still may be kept)
            event = conn.execute(f"SELECT deleted FROM {table} WHERE id = ?", (event_id,)).fetchone()
            if event is None or event[0]:
                raise PlanProblem(f"要对应的这场{word}已被删除或不存在")
            other = conn.execute(
                f"SELECT title FROM plan_items WHERE plan_id = ? AND {column} = ? AND deleted = 0 AND id IS NOT ?",
                (record.plan_id, event_id, record.id),
            ).fetchone()
            if other is not None:
                raise PlanProblem(f"这场{word}已经对应了本月计划中的“{other[0]}”，一场{word}只能完成一项计划")

    def _insert(self, conn: sqlite3.Connection, record: PlanItem) -> PlanItem:
        self._check(conn, record)
        return super()._insert(conn, record)

    def _update(self, conn: sqlite3.Connection, record: PlanItem) -> PlanItem:
        self._check(conn, record)
        return super()._update(conn, record)

    def match(self, item: PlanItem, event: tuple[str, str] | None) -> PlanItem:
        """Store that ``event`` ((kind, id); None: no event) carried out ``item``; raises
        ``PlanProblem`` when the rules refuse it, ``StaleRecord`` when the item changed meanwhile."""
        kind, event_id = event or (None, None)
        changed = item.model_copy(
            update={
                "lecture_id": event_id if kind == "lecture" else None,
                "activity_id": event_id if kind == "activity" else None,
            }
        )
        if kind == "lecture" and item.platform != "理论宣讲":
            raise PlanProblem(f"宣讲只能完成“理论宣讲”平台的计划，这一项是“{item.platform}”")
        return self.update(changed)

    def events_of_month(self, month: str) -> list[Done]:
        """The lectures and activities of ``month`` (YYYY-MM) not deleted, by date: what the
        month's items may be matched to."""
        start = f"{month}-01"
        year, number = int(month[:4]), int(month[5:7])
        end = f"{year + 1:04d}-01-01" if number == 12 else f"{year:04d}-{number + 1:02d}-01"
        rows = self.store.query(
            "SELECT 'lecture', id, date, '理论宣讲', topic, start_time FROM lectures"
            " WHERE deleted = 0 AND date >= ? AND date < ?"
            " UNION ALL SELECT 'activity', id, date, platform, title, start_time FROM activities"
            " WHERE deleted = 0 AND date >= ? AND date < ? ORDER BY 3, 6",
            (start, end, start, end),
        )
        return [Done(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4]) for r in rows]

    def event_heading(self, kind: str, event_id: str) -> tuple[str, str] | None:
        """(date, topic or title) of a lecture or activity not deleted, or None."""
        table, column = ("lectures", "topic") if kind == "lecture" else ("activities", "title")
        row = self.store.query_one(f"SELECT date, {column} FROM {table} WHERE id = ? AND deleted = 0", (event_id,))
        return (row[0], row[1]) if row else None

    def require_plan(self, plan_id: str) -> Plan:
        plan = self.store.plans.get(plan_id)
        if plan is None:
            raise NotFound("plans", plan_id)
        return plan


def planned(item: PlanItem, month: str) -> Planned:
    """An item as the matching rules (``domain/plans.py``) read it."""
    return Planned(str(item.id), month, item.platform, item.date, item.week, item.matched)
