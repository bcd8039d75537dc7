"""积分 and the 爱心超市: the points ledger, goods and their stock, redemptions.

Both ledgers (``points_entries``, ``stock_entries``) are only ever added to; a balance and a
stock are sums. Every check that guards a sum (a balance never below zero, no redemption of
goods out of stock) runs inside the same ``BEGIN IMMEDIATE`` transaction as the entry it
guards: the write lock is taken before the sum is read, so two processes cannot both pass the
check on the same points. The tables' own triggers refuse the same (v4_points.py), for any
writer that skips this code.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from station_tui.domain import points as rules_of
from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import Goods, PointsEntry, Redemption, StockEntry
from station_tui.storage.repositories.base import NotFound, Repository, now_local

if TYPE_CHECKING:
    from station_tui.domain.points import PointsRules
    from station_tui.storage.store import Store


class PointsRefused(Exception):
    """Something the ledger or the 爱心超市 will not do, said plainly; nothing was written."""


class PointsShort(PointsRefused):
    """The points are not there: a deduction, a redemption or a void would take a balance
    below zero."""

    def __init__(self, balance: int, needed: int, name: str = "", *, taking_back: bool = False) -> None:
        text = rules_of.short_of_points(balance, needed)
        if taking_back:  # a roster correction or a deletion would take back points already spent
            text += "。这次更正要收回这些服务积分，但积分已经用掉了：请先取消他的兑换，再更正"
        super().__init__(f"{name}：{text}" if name else text)
        self.balance, self.needed, self.name = balance, needed, name


class OutOfStock(PointsRefused):
    def __init__(self, goods: str, stock: int, needed: int) -> None:
        super().__init__(f"库存不足：“{goods}”现有 {stock} 件，需要 {needed} 件")
        self.stock, self.needed = stock, needed


@dataclass(frozen=True)
class PublicLine:
    """One person's line of a month's 公示: points earned and spent in the month, by kind."""

    person_id: str
    name: str
    earned: int  # 获得 from service (net of its voids)
    bonus: int  # 奖励 items
    deducted: int  # 扣减 items (negative)
    redeemed: int  # 兑换 (negative), net of 退还
    balance: int  # at the month's end

    @property
    def net(self) -> int:
        return self.earned + self.bonus + self.deducted + self.redeemed


@dataclass(frozen=True)
class PersonBalance:
    person_id: str
    name: str
    balance: int
    earned: int  # every point ever added
    spent: int  # every point ever taken (as a positive number)


def _today() -> date:
    return date.today()


def _name(conn: sqlite3.Connection, person_id: str) -> str:
    row = conn.execute("SELECT name FROM people WHERE id = ?", (person_id,)).fetchone()
    return str(row[0]) if row else ""


def balance_in(conn: sqlite3.Connection, person_id: str) -> int:
    return int(
        conn.execute(
            "SELECT coalesce(sum(points), 0) FROM points_entries WHERE person_id = ? AND deleted = 0", (person_id,)
        ).fetchone()[0]
    )


def stock_in(conn: sqlite3.Connection, goods_id: str) -> int:
    return int(
        conn.execute(
            "SELECT coalesce(sum(quantity), 0) FROM stock_entries WHERE goods_id = ? AND deleted = 0", (goods_id,)
        ).fetchone()[0]
    )


class PointsRepository(Repository[PointsEntry]):
    kind = BY_TABLE["points_entries"]

    def _operator(self, operator: str | None) -> str:
        return (operator or self.store.actor.user)[:40]

    def append_in(self, conn: sqlite3.Connection, entry: PointsEntry) -> PointsEntry:
        """Add one entry inside the caller's transaction; one that takes points away is
        refused (``PointsShort``) when the balance would go below zero."""
        if entry.points < 0:
            balance = balance_in(conn, entry.person_id)
            if balance + entry.points < 0:
                raise PointsShort(balance, -entry.points, _name(conn, entry.person_id))
        return self._insert(conn, entry)

    # -- reads ---------------------------------------------------------------------------
    def balance(self, person_id: str) -> int:
        """The sum of a person's entries (one statement: usable inside a ``store.snapshot()``)."""
        return int(
            self.store.query_value(
                "SELECT coalesce(sum(points), 0) FROM points_entries WHERE person_id = ? AND deleted = 0", (person_id,)
            )
        )

    def entries(self, person_id: str, *, limit: int = 50, offset: int = 0) -> list[PointsEntry]:
        """A person's entries, newest first (by date, then by when they were made here)."""
        rows = self.store.query(
            "SELECT * FROM points_entries WHERE person_id = ? AND deleted = 0"
            " ORDER BY date DESC, created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            (person_id, limit, offset),
        )
        return [self.from_row(r) for r in rows]

    def count_entries(self, person_id: str) -> int:
        return int(
            self.store.query_value(
                "SELECT count(*) FROM points_entries WHERE person_id = ? AND deleted = 0", (person_id,)
            )
        )

    def voided_ids(self, entry_ids: Iterable[str]) -> set[str]:
        ids = list(entry_ids)
        if not ids:
            return set()
        marks = ", ".join("?" for _ in ids)
        rows = self.store.query(f"SELECT voids_id FROM points_entries WHERE voids_id IN ({marks})", ids)
        return {str(r[0]) for r in rows}

    def people_page(self, text: str = "", *, limit: int = 50, offset: int = 0) -> list[PersonBalance]:
        """People (not deleted) by pinyin, with their balances: the page's people only are
        summed (each through the person index), never the whole ledger."""
        where, params = _people_filter(text)
        rows = self.store.query(
            f"""SELECT p.id, p.name,
                       (SELECT coalesce(sum(points), 0) FROM points_entries
                         WHERE person_id = p.id AND deleted = 0) AS balance,
                       (SELECT coalesce(sum(points), 0) FROM points_entries
                         WHERE person_id = p.id AND deleted = 0 AND points > 0) AS plus,
                       (SELECT coalesce(-sum(points), 0) FROM points_entries
                         WHERE person_id = p.id AND deleted = 0 AND points < 0) AS minus
                  FROM people p
                 WHERE {where}
                 ORDER BY p.pinyin_full, p.id LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        )
        return [PersonBalance(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def count_people(self, text: str = "") -> int:
        where, params = _people_filter(text)
        return int(self.store.query_value(f"SELECT count(*) FROM people p WHERE {where}", params))

    def month_public(self, year: int, month: int) -> list[PublicLine]:
        """Who earned and spent what in a month (the 公示 list), by name's pinyin; people with
        no entry in the month are left out. A void counts under the kind it cancels, a 退还
        under 兑换. Only the month's people are summed (through the date and person indexes)."""
        first = date(year, month, 1)
        after = date(year + (month == 12), month % 12 + 1, 1)
        with self.store.snapshot() as conn:
            rows = conn.execute(
                """WITH m AS (SELECT DISTINCT person_id FROM points_entries
                               WHERE date >= :first AND date < :after AND deleted = 0),
                        e AS (SELECT x.person_id, x.date, x.points,
                                     CASE x.kind WHEN '作废' THEN v.kind WHEN '退还' THEN '兑换' ELSE x.kind END
                                       AS counts_as
                                FROM m JOIN points_entries x ON x.person_id = m.person_id
                                LEFT JOIN points_entries v ON v.id = x.voids_id
                               WHERE x.date < :after AND x.deleted = 0)
                   SELECT p.id, p.name,
                          coalesce(sum(CASE WHEN e.date >= :first AND counts_as = '获得' THEN e.points END), 0),
                          coalesce(sum(CASE WHEN e.date >= :first AND counts_as = '奖励' THEN e.points END), 0),
                          coalesce(sum(CASE WHEN e.date >= :first AND counts_as = '扣减' THEN e.points END), 0),
                          coalesce(sum(CASE WHEN e.date >= :first AND counts_as = '兑换' THEN e.points END), 0),
                          sum(e.points)
                     FROM e JOIN people p ON p.id = e.person_id
                    GROUP BY p.id
                    ORDER BY p.pinyin_full, p.id""",
                {"first": first.isoformat(), "after": after.isoformat()},
            ).fetchall()
        return [PublicLine(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6])) for r in rows]

    # -- writes --------------------------------------------------------------------------
    def add_item(
        self,
        person_id: str,
        item: str,
        rules: PointsRules,
        *,
        reason: str | None = None,
        on: date | None = None,
        operator: str | None = None,
    ) -> PointsEntry:
        """An add or deduct item of the station's list (好人好事 +5, 移风易俗 −5) for a person."""
        found = rules.item(item)
        if found is None:
            raise PointsRefused(f"积分项目“{item}”不在设置的项目列表里")
        return self.adjust(person_id, found.points, item=found.name, reason=reason, on=on, operator=operator)

    def adjust(
        self,
        person_id: str,
        points: int,
        *,
        item: str | None = None,
        reason: str | None = None,
        on: date | None = None,
        operator: str | None = None,
    ) -> PointsEntry:
        """A 奖励 (points > 0) or a 扣减 (points < 0), refused if it would take the balance below zero."""
        entry = PointsEntry(
            person_id=person_id,
            date=on or _today(),
            kind=rules_of.BONUS if points > 0 else rules_of.DEDUCTED,
            points=points,
            item=item,
            reason=reason,
            operator=self._operator(operator),
        )
        with self.store.write() as conn:
            if conn.execute("SELECT 1 FROM people WHERE id = ? AND deleted = 0", (person_id,)).fetchone() is None:
                raise NotFound("people", person_id)
            return self.append_in(conn, entry)

    def void(self, entry_id: str, reason: str, *, operator: str | None = None) -> PointsEntry:
        """Cancel an add or deduct item entered by mistake, with a new 作废 entry. Service points
        follow the roster and redemptions are cancelled as such: neither is voided here."""
        if not reason.strip():
            raise PointsRefused("作废必须写明原因")
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM points_entries WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise NotFound("points_entries", entry_id)
            entry = self.from_row(row)
            if entry.kind not in (rules_of.BONUS, rules_of.DEDUCTED):
                raise PointsRefused(f"“{entry.kind}”的积分不能在这里作废（服务积分随签到更正，兑换请取消兑换）")
            if conn.execute("SELECT 1 FROM points_entries WHERE voids_id = ?", (entry_id,)).fetchone():
                raise PointsRefused("这条积分记录已经作废过了")
            return self.append_in(
                conn,
                PointsEntry(
                    person_id=entry.person_id,
                    date=_today(),
                    kind=rules_of.VOID,
                    points=-entry.points,
                    voids_id=entry_id,
                    item=entry.item,
                    reason=reason.strip(),
                    operator=self._operator(operator),
                ),
            )


def _people_filter(text: str) -> tuple[str, list[Any]]:
    from station_tui.storage.repositories.base import like_escaped

    clauses, params = ["p.deleted = 0"], []
    for word in (text or "").split():
        pattern = f"%{like_escaped(word.lower())}%"
        clauses.append(
            "(p.name LIKE ? ESCAPE '\\' OR p.pinyin_full LIKE ? ESCAPE '\\' OR p.pinyin_initials LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern, pattern]
    return " AND ".join(clauses), params


# -- service points follow the roster ------------------------------------------------------


def follow_roster_points(
    conn: sqlite3.Connection, store: Store, events: Iterable[tuple[str, str]], rules: PointsRules
) -> None:
    """Make each event's earned points (获得) agree with its saved roster, inside the roster
    save's transaction: a line that earns points and has none gets a 获得 entry; a line whose
    points changed (hours, role, rules) or that was removed has its entry voided (作废), and the
    changed line gets a new one. New entries go in before the voids, so a correction that
    nets to more points never dips below zero on the way. A void that would take a person's
    balance below zero (the points were spent meanwhile) refuses the whole save (``PointsShort``).
    """
    ledger: PointsRepository = store.repository("points_entries")  # type: ignore[assignment]
    operator = ledger._operator(None)
    for event_kind, event_id in dict.fromkeys(events):
        column = "lecture_id" if event_kind == "lecture" else "activity_id"
        table = "lectures" if event_kind == "lecture" else "activities"
        event = conn.execute(f"SELECT date, deleted FROM {table} WHERE id = ?", (event_id,)).fetchone()
        if event is None:
            continue
        wanted: dict[str, tuple[str, int]] = {}  # attendance id → (person, points)
        if not event["deleted"]:
            for line in conn.execute(
                f"""SELECT id, person_id, role, credited_tenths FROM attendance
                     WHERE {column} = ? AND deleted = 0 AND person_id IS NOT NULL""",
                (event_id,),
            ):
                points = rules.earned(int(line["credited_tenths"]), line["role"])
                if points > 0:
                    wanted[line["id"]] = (line["person_id"], points)
        standing = conn.execute(
            f"""SELECT e.* FROM points_entries e
                 WHERE e.{column} = ? AND e.kind = '获得' AND e.deleted = 0
                   AND NOT EXISTS (SELECT 1 FROM points_entries v WHERE v.voids_id = e.id)""",
            (event_id,),
        ).fetchall()
        keep: set[str] = set()
        voids: list[PointsEntry] = []
        for row in standing:
            entry = ledger.from_row(row)
            line = str(entry.attendance_id)
            if wanted.get(line) == (entry.person_id, entry.points) and line not in keep:
                keep.add(line)
                continue
            voids.append(
                PointsEntry(
                    person_id=entry.person_id,
                    date=date.fromisoformat(event["date"]),
                    kind=rules_of.VOID,
                    points=-entry.points,
                    lecture_id=entry.lecture_id,
                    activity_id=entry.activity_id,
                    attendance_id=entry.attendance_id,
                    voids_id=str(entry.id),
                    reason="签到更正",
                    operator=operator,
                )
            )
        for attendance_id, (person_id, points) in wanted.items():
            if attendance_id in keep:
                continue
            ledger.append_in(
                conn,
                PointsEntry(
                    person_id=person_id,
                    date=date.fromisoformat(event["date"]),
                    kind=rules_of.EARNED,
                    points=points,
                    attendance_id=attendance_id,
                    reason="志愿服务",
                    operator=operator,
                    **{column: event_id},
                ),
            )
        for void in voids:
            try:
                ledger.append_in(conn, void)
            except PointsShort as short:
                raise PointsShort(short.balance, short.needed, short.name, taking_back=True) from None


def load_points_rules() -> PointsRules:
    """The station's points rules from settings.json; the defaults when it is missing or broken
    (the app says what is wrong with the file when it opens)."""
    from station_tui.config import SettingsError, load_settings

    try:
        return load_settings().points
    except SettingsError:
        from station_tui.domain.points import PointsRules

        return PointsRules()


# -- the 爱心超市 ------------------------------------------------------------------------------


class GoodsRepository(Repository[Goods]):
    kind = BY_TABLE["goods"]

    def stock(self, goods_id: str) -> int:
        return self.stocks([goods_id])[goods_id]

    def stocks(self, goods_ids: Iterable[str]) -> dict[str, int]:
        ids = list(goods_ids)
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.store.query(
            f"SELECT goods_id, sum(quantity) FROM stock_entries WHERE goods_id IN ({marks}) AND deleted = 0"
            " GROUP BY goods_id",
            ids,
        )
        found = {str(r[0]): int(r[1]) for r in rows}
        return {i: found.get(i, 0) for i in ids}

    def stock_entries(self, goods_id: str, *, limit: int = 50) -> list[StockEntry]:
        repo = self.store.repository("stock_entries")
        rows = self.store.query(
            "SELECT * FROM stock_entries WHERE goods_id = ? AND deleted = 0"
            " ORDER BY date DESC, created_at DESC, rowid DESC LIMIT ?",
            (goods_id, limit),
        )
        return [repo.from_row(r) for r in rows]

    def restock(
        self, goods_id: str, quantity: int, *, reason: str | None = None, on: date | None = None,
        operator: str | None = None,
    ) -> StockEntry:
        """入库 (quantity > 0), or 核减 (quantity < 0: broken, expired, counted short)."""
        entry = StockEntry(
            goods_id=goods_id,
            date=on or _today(),
            kind=rules_of.RESTOCKED if quantity > 0 else rules_of.WRITTEN_OFF,
            quantity=quantity,
            reason=reason,
            operator=(operator or self.store.actor.user)[:40],
        )
        repo = self.store.repository("stock_entries")
        with self.store.write() as conn:
            goods = self.get_in(conn, goods_id)
            if goods is None:
                raise NotFound("goods", goods_id)
            if quantity < 0:
                stock = stock_in(conn, goods_id)
                if stock + quantity < 0:
                    raise OutOfStock(goods.name, stock, -quantity)
            return repo.add_in(conn, entry)

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        """An item with redemptions waiting to be picked up stays until they are settled."""
        with self.store.write() as conn:
            waiting = conn.execute(
                "SELECT count(*) FROM redemptions WHERE goods_id = ? AND state = '待领取' AND deleted = 0",
                (record_id,),
            ).fetchone()[0]
            if waiting:
                raise PointsRefused(f"这件物品还有 {waiting} 个兑换待领取，请先核销或取消")
            self._soft_delete(conn, record_id, expected_version)


@dataclass(frozen=True)
class RedemptionLine:
    redemption: Redemption
    person: str
    goods: str


class RedemptionRepository(Repository[Redemption]):
    kind = BY_TABLE["redemptions"]

    #: How many times a clashing pickup code is drawn again before giving up (a clash is
    #: one in millions while the station has fewer than a few thousand codes).
    _CODE_TRIES = 20

    def redeem(
        self, person_id: str, goods_id: str, quantity: int = 1, *, on: date | None = None,
        operator: str | None = None, draw_code: Callable[[], str] = rules_of.new_pickup_code,
    ) -> Redemption:
        """Take the points and the stock in one transaction and hand out a pickup code
        (``draw_code``: a random one; the demo draws from its seed). Refused (nothing written)
        when the stock or the points are short."""
        if quantity < 1:
            raise PointsRefused("数量至少为 1")
        operator = (operator or self.store.actor.user)[:40]
        day = on or _today()
        points: PointsRepository = self.store.repository("points_entries")  # type: ignore[assignment]
        stock_repo = self.store.repository("stock_entries")
        with self.store.write() as conn:
            goods = conn.execute("SELECT * FROM goods WHERE id = ? AND deleted = 0", (goods_id,)).fetchone()
            if goods is None:
                raise NotFound("goods", goods_id)
            if conn.execute("SELECT 1 FROM people WHERE id = ? AND deleted = 0", (person_id,)).fetchone() is None:
                raise NotFound("people", person_id)
            stock = stock_in(conn, goods_id)
            if stock < quantity:
                raise OutOfStock(goods["name"], stock, quantity)
            cost = int(goods["price_points"]) * quantity
            balance = balance_in(conn, person_id)
            if balance < cost:
                raise PointsShort(balance, cost, _name(conn, person_id))
            redemption = self._insert(
                conn,
                Redemption(
                    person_id=person_id, goods_id=goods_id, quantity=quantity, points=cost,
                    pickup_code=self._free_code(conn, draw_code), date=day, operator=operator,
                ),
            )
            points.append_in(
                conn,
                PointsEntry(
                    person_id=person_id, date=day, kind=rules_of.REDEEMED, points=-cost,
                    redemption_id=str(redemption.id), item=goods["name"][:40],
                    reason=f"兑换{goods['name']} × {quantity}", operator=operator,
                ),
            )
            self.take_stock_in(conn, stock_repo, redemption, goods["name"])
            return redemption

    def take_stock_in(self, conn: sqlite3.Connection, stock_repo: Any, redemption: Redemption, name: str) -> None:
        """The redemption's stock leaves (its own step, so a test can stop a process here)."""
        stock_repo.add_in(
            conn,
            StockEntry(
                goods_id=redemption.goods_id, date=redemption.date, kind=rules_of.REDEEMED,
                quantity=-redemption.quantity, redemption_id=str(redemption.id),
                reason=f"兑换 {redemption.pickup_code}", operator=redemption.operator,
            ),
        )

    def _free_code(self, conn: sqlite3.Connection, draw_code: Callable[[], str]) -> str:
        for _ in range(self._CODE_TRIES):
            code = draw_code()
            if conn.execute("SELECT 1 FROM redemptions WHERE pickup_code = ?", (code,)).fetchone() is None:
                return code
        raise PointsRefused("没能生成不重复的领取码，请再试一次")

    def by_code(self, typed: str) -> Redemption | None:
        code = rules_of.normalize_code(typed)
        row = self.store.query_one("SELECT * FROM redemptions WHERE pickup_code = ? AND deleted = 0", (code,))
        return self.from_row(row) if row else None

    def pick_up(self, typed_code: str) -> Redemption:
        """核销: the goods were handed over against the code read out."""
        code = rules_of.normalize_code(typed_code)
        if not code:
            raise PointsRefused("请输入领取码")
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM redemptions WHERE pickup_code = ? AND deleted = 0", (code,)).fetchone()
            if row is None:
                raise PointsRefused(f"没有领取码为 {rules_of.spoken_code(code)} 的兑换，请核对")
            redemption = self.from_row(row)
            if redemption.state == rules_of.PICKED_UP:
                when = (redemption.picked_up_at or "").replace("T", " ")
                raise PointsRefused(f"领取码 {rules_of.spoken_code(code)} 已于 {when} 领取过了")
            if redemption.state == rules_of.CANCELLED:
                raise PointsRefused(f"领取码 {rules_of.spoken_code(code)} 的兑换已取消，不能领取")
            return self._set_state(
                conn, redemption, {"state": rules_of.PICKED_UP, "picked_up_at": now_local()}
            )

    def cancel(
        self, redemption_id: str, reason: str | None = None, *, on: date | None = None, operator: str | None = None
    ) -> Redemption:
        """Cancel a redemption not yet picked up: its points and stock come back as new entries."""
        operator = (operator or self.store.actor.user)[:40]
        points: PointsRepository = self.store.repository("points_entries")  # type: ignore[assignment]
        stock_repo = self.store.repository("stock_entries")
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM redemptions WHERE id = ? AND deleted = 0", (redemption_id,)).fetchone()
            if row is None:
                raise NotFound("redemptions", redemption_id)
            redemption = self.from_row(row)
            if redemption.state == rules_of.CANCELLED:
                raise PointsRefused("这个兑换已经取消过了")
            if redemption.state == rules_of.PICKED_UP:
                raise PointsRefused("物品已经领走，不能取消这个兑换")
            today = on or _today()
            name = conn.execute("SELECT name FROM goods WHERE id = ?", (redemption.goods_id,)).fetchone()
            goods = str(name[0]) if name else ""
            if redemption.points:
                points.append_in(
                    conn,
                    PointsEntry(
                        person_id=redemption.person_id, date=today, kind=rules_of.GIVEN_BACK,
                        points=redemption.points, redemption_id=redemption_id, item=goods[:40] or None,
                        reason=reason or "取消兑换", operator=operator,
                    ),
                )
            stock_repo.add_in(
                conn,
                StockEntry(
                    goods_id=redemption.goods_id, date=today, kind=rules_of.GIVEN_BACK,
                    quantity=redemption.quantity, redemption_id=redemption_id,
                    reason=reason or "取消兑换", operator=operator,
                ),
            )
            return self._set_state(
                conn, redemption,
                {"state": rules_of.CANCELLED, "cancelled_at": now_local(), "cancel_reason": reason or None},
            )

    def _set_state(self, conn: sqlite3.Connection, redemption: Redemption, changes: dict[str, Any]) -> Redemption:
        return self._update(conn, redemption.model_copy(update=changes))

    def lines(
        self, state: str | None = None, text: str = "", *, limit: int = 50, offset: int = 0
    ) -> list[RedemptionLine]:
        """Redemptions newest first, with the person's and the goods' names."""
        where, params = _redemption_filter(state, text)
        rows = self.store.query(
            f"""SELECT r.*, p.name AS person_name, g.name AS goods_name
                  FROM redemptions r JOIN people p ON p.id = r.person_id JOIN goods g ON g.id = r.goods_id
                 WHERE {where} ORDER BY r.date DESC, r.created_at DESC, r.rowid DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        )
        return [RedemptionLine(self.from_row(r), r["person_name"], r["goods_name"]) for r in rows]

    def count_lines(self, state: str | None = None, text: str = "") -> int:
        where, params = _redemption_filter(state, text)
        return int(
            self.store.query_value(
                f"""SELECT count(*) FROM redemptions r JOIN people p ON p.id = r.person_id
                      JOIN goods g ON g.id = r.goods_id WHERE {where}""",
                params,
            )
        )


def _redemption_filter(state: str | None, text: str) -> tuple[str, list[Any]]:
    from station_tui.storage.repositories.base import like_escaped

    clauses, params = ["r.deleted = 0"], []
    if state:
        clauses.append("r.state = ?")
        params.append(state)
    for word in (text or "").split():
        code = rules_of.normalize_code(word)
        pattern = f"%{like_escaped(word.lower())}%"
        clauses.append(
            "(p.name LIKE ? ESCAPE '\\' OR p.pinyin_full LIKE ? ESCAPE '\\' OR p.pinyin_initials LIKE ? ESCAPE '\\'"
            " OR g.name LIKE ? ESCAPE '\\' OR r.pickup_code = ?)"
        )
        params += [pattern, pattern, pattern, pattern, code]
    return " AND ".join(clauses), params


__all__ = [
    "GoodsRepository",
    "OutOfStock",
    "PersonBalance",
    "PointsRefused",
    "PointsRepository",
    "PointsShort",
    "PublicLine",
    "RedemptionLine",
    "RedemptionRepository",
    "follow_roster_points",
    "load_points_rules",
]
