"""Version 10: the points ledger (积分) and the 爱心超市 (goods, redemptions, stock).

``points_entries`` and ``stock_entries`` are ledgers: rows are only ever added. Triggers refuse
an UPDATE or DELETE of them from any code path or the sqlite3 shell, and refuse an entry that
would take a person's points or an item's stock below zero, so a second process that slipped
past the program's own check still cannot. An entry is voided once at most, a redemption
spends and gives back once at most (unique indexes).
"""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 10, in dependency order: version 9's, plus this one's.
TABLES = (
    "station",
    "people",
    "teams",
    "team_members",
    "venues",
    "lectures",
    "activities",
    "attendance",
    "self_check_marks",
    "self_check_reviews",
    "photos",
    "plans",
    "plan_items",
    "hours_entries",
    "goods",
    "redemptions",
    "points_entries",
    "stock_entries",
)

#: Version 9's shape: the new tables hold no JSON, local-only or sensitive column.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)

_SYNC_COLUMNS = """
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

_ID = "id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16))))"
_DATE = "date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')"

_STATEMENTS = (
    f"""CREATE TABLE goods (
        {_ID},
        name TEXT NOT NULL CHECK (name <> ''),
        price_points INTEGER NOT NULL CHECK (price_points >= 1),
        unit TEXT,
        note TEXT,{_SYNC_COLUMNS}
    )""",
    "CREATE INDEX goods_name ON goods (name)",
    f"""CREATE TABLE redemptions (
        {_ID},
        person_id TEXT NOT NULL REFERENCES people (id),
        goods_id TEXT NOT NULL REFERENCES goods (id),
        quantity INTEGER NOT NULL CHECK (quantity >= 1),
        points INTEGER NOT NULL CHECK (points >= 0),
        pickup_code TEXT NOT NULL CHECK (length(pickup_code) = 6),
        {_DATE},
        state TEXT NOT NULL DEFAULT '待领取' CHECK (state IN ('待领取', '已领取', '已取消')),
        picked_up_at TEXT,
        cancelled_at TEXT,
        cancel_reason TEXT,
        operator TEXT,{_SYNC_COLUMNS}
    )""",
    "CREATE UNIQUE INDEX redemptions_pickup_code ON redemptions (pickup_code)",
    "CREATE INDEX redemptions_date ON redemptions (date)",
    "CREATE INDEX redemptions_person ON redemptions (person_id)",
    f"""CREATE TABLE points_entries (
        {_ID},
        person_id TEXT NOT NULL REFERENCES people (id),
        {_DATE},
        kind TEXT NOT NULL CHECK (kind IN ('获得', '奖励', '扣减', '兑换', '退还', '作废')),
        points INTEGER NOT NULL CHECK (points <> 0),
        lecture_id TEXT REFERENCES lectures (id),
        activity_id TEXT REFERENCES activities (id),
        attendance_id TEXT REFERENCES attendance (id),
        redemption_id TEXT REFERENCES redemptions (id),
        voids_id TEXT REFERENCES points_entries (id),
        item TEXT,
        reason TEXT,
        operator TEXT,{_SYNC_COLUMNS},
        CHECK (CASE kind WHEN '作废' THEN voids_id IS NOT NULL ELSE voids_id IS NULL END),
        CHECK (CASE kind WHEN '获得' THEN points > 0 WHEN '奖励' THEN points > 0 WHEN '退还' THEN points > 0
                         WHEN '扣减' THEN points < 0 WHEN '兑换' THEN points < 0 ELSE 1 END),
        CHECK (kind NOT IN ('兑换', '退还') OR redemption_id IS NOT NULL)
    )""",
    "CREATE INDEX points_entries_person ON points_entries (person_id, date)",
    "CREATE INDEX points_entries_date ON points_entries (date)",
    "CREATE INDEX points_entries_attendance ON points_entries (attendance_id)",
    "CREATE INDEX points_entries_lecture ON points_entries (lecture_id)",
    "CREATE INDEX points_entries_activity ON points_entries (activity_id)",
    "CREATE UNIQUE INDEX points_entries_voided_once ON points_entries (voids_id) WHERE voids_id IS NOT NULL",
    """CREATE UNIQUE INDEX points_entries_redemption_once ON points_entries (redemption_id, kind)
        WHERE kind IN ('兑换', '退还')""",
    f"""CREATE TABLE stock_entries (
        {_ID},
        goods_id TEXT NOT NULL REFERENCES goods (id),
        {_DATE},
        kind TEXT NOT NULL CHECK (kind IN ('入库', '兑换', '退还', '核减')),
        quantity INTEGER NOT NULL CHECK (quantity <> 0),
        redemption_id TEXT REFERENCES redemptions (id),
        reason TEXT,
        operator TEXT,{_SYNC_COLUMNS},
        CHECK (CASE kind WHEN '入库' THEN quantity > 0 WHEN '退还' THEN quantity > 0 ELSE quantity < 0 END),
        CHECK (kind NOT IN ('兑换', '退还') OR redemption_id IS NOT NULL)
    )""",
    "CREATE INDEX stock_entries_goods ON stock_entries (goods_id, date)",
    """CREATE UNIQUE INDEX stock_entries_redemption_once ON stock_entries (redemption_id, kind)
        WHERE kind IN ('兑换', '退还')""",
)


def _ledger_guards(conn: sqlite3.Connection, table: str, what: str, owner: str, amount: str, short: str) -> None:
    """Refuse UPDATE and DELETE of a ledger table, and an entry that takes a sum below zero."""
    conn.execute(
        f"""CREATE TRIGGER {table}_append_only_bu BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{what}只能新增，不能修改：更正请另记一笔'); END"""
    )
    conn.execute(
        f"""CREATE TRIGGER {table}_append_only_bd BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{what}只能新增，不能删除：更正请另记一笔'); END"""
    )
    conn.execute(
        f"""CREATE TRIGGER {table}_never_below_zero AFTER INSERT ON {table}
        WHEN NEW.{amount} < 0
         AND (SELECT sum({amount}) FROM {table} WHERE {owner} = NEW.{owner} AND deleted = 0) < 0
        BEGIN SELECT RAISE(ABORT, '{short}'); END"""
    )


def migrate(conn: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
    _ledger_guards(conn, "points_entries", "积分明细", "person_id", "points", "积分不足：余额不能为负数")
    _ledger_guards(conn, "stock_entries", "库存明细", "goods_id", "quantity", "库存不足：库存不能为负数")
    for table in ("goods", "redemptions", "points_entries", "stock_entries"):
        triggers.install(conn, table, SHAPE)
