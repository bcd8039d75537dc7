"""Version 11: villager requests (微心愿, 群众点单) and their moves.

``requests`` holds each request with its current state; ``request_moves`` one row per move
(派单, 接单, 上报, …), append-only: triggers refuse to edit or erase a move, so its history
stays as it was written. Both are synced. A request's phone is sensitive under the same
``upload_phones`` switch as a person's (the shape's ``phone`` column), and its requester's
pinyin keys are local search helpers like a person's.
"""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 11, in dependency order: version 10's, then the requests.
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
    "requests",
    "request_moves",
)

#: Version 10's shape: the new tables' ``phone`` and pinyin columns share its names and rules.
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
_DATE = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
_STATES = "('待处理', '已派单', '已接单', '已完成', '已评价', '已拒绝', '已撤销', '已上报')"

_STATEMENTS = (
    f"""CREATE TABLE requests (
    {_ID},
    received_on TEXT NOT NULL CHECK (received_on {_DATE}),
    wish TEXT NOT NULL CHECK (wish <> ''),
    content TEXT,
    requester TEXT NOT NULL CHECK (requester <> ''),
    phone TEXT,
    address TEXT,
    request_type TEXT,
    channel TEXT NOT NULL DEFAULT '当面' CHECK (channel IN ('当面', '电话', '入户询单', '网上')),
    expected_on TEXT CHECK (expected_on IS NULL OR expected_on {_DATE}),
    recorded_by TEXT,
    state TEXT NOT NULL DEFAULT '待处理' CHECK (state IN {_STATES}),
    team_id TEXT REFERENCES teams (id),
    volunteer_id TEXT REFERENCES people (id),
    activity_id TEXT REFERENCES activities (id),
    escalated_to TEXT CHECK (escalated_to IS NULL OR escalated_to IN ('乡镇', '县')),
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    comment TEXT,
    note TEXT,
    pinyin_full TEXT NOT NULL DEFAULT '',
    pinyin_initials TEXT NOT NULL DEFAULT '',{_SYNC_COLUMNS}
)""",
    "CREATE INDEX requests_received ON requests (received_on)",
    "CREATE INDEX requests_state ON requests (state, received_on)",
    "CREATE INDEX requests_activity ON requests (activity_id)",
    "CREATE INDEX requests_pinyin ON requests (pinyin_initials, pinyin_full)",
    f"""CREATE TABLE request_moves (
    {_ID},
    request_id TEXT NOT NULL REFERENCES requests (id),
    action TEXT NOT NULL CHECK (action <> ''),
    from_state TEXT CHECK (from_state IS NULL OR from_state IN {_STATES}),
    to_state TEXT NOT NULL CHECK (to_state IN {_STATES}),
    moved_at TEXT NOT NULL,
    moved_by TEXT NOT NULL,
    target TEXT,
    note TEXT,{_SYNC_COLUMNS}
)""",
    "CREATE INDEX request_moves_request ON request_moves (request_id)",
    """CREATE TRIGGER request_moves_append_only_bu BEFORE UPDATE ON request_moves
    BEGIN SELECT RAISE(ABORT, '点单的流转记录只能追加，不能修改'); END""",
    """CREATE TRIGGER request_moves_append_only_bd BEFORE DELETE ON request_moves
    BEGIN SELECT RAISE(ABORT, '点单的流转记录只能追加，不能删除'); END""",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
    for table in ("requests", "request_moves"):
        triggers.install(conn, table, SHAPE)
