"""Version 6: monthly plans (活动计划, 一月一主题). ``plans`` holds a month's theme, one plan
per month among those not deleted; ``plan_items`` its planned activities, each on a day or in
a week of the month, and the lecture or activity that carried it out once matched (one event
carries at most one item of a plan). Both tables are synced."""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 6, in dependency order: version 5's, plus the plans.
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
)

#: Version 5's shape: the new tables have no JSON, local-only or sensitive column.
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

_STATEMENTS = (
    f"""CREATE TABLE plans (
    {_ID},
    month TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    theme TEXT,
    note TEXT,{_SYNC_COLUMNS}
)""",
    "CREATE UNIQUE INDEX plans_month_once ON plans (month) WHERE deleted = 0",
    f"""CREATE TABLE plan_items (
    {_ID},
    plan_id TEXT NOT NULL REFERENCES plans (id),
    date TEXT CHECK (date IS NULL OR date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    week INTEGER CHECK (week IS NULL OR week BETWEEN 1 AND 5),
    title TEXT NOT NULL CHECK (title <> ''),
    platform TEXT NOT NULL CHECK (platform IN ('理论宣讲', '教育服务', '文化服务', '科技与科普服务', '健身体育服务')),
    team_id TEXT REFERENCES teams (id),
    note TEXT,
    lecture_id TEXT REFERENCES lectures (id),
    activity_id TEXT REFERENCES activities (id),{_SYNC_COLUMNS},
    CHECK (date IS NOT NULL OR week IS NOT NULL),
    CHECK (lecture_id IS NULL OR activity_id IS NULL)
)""",
    "CREATE INDEX plan_items_plan ON plan_items (plan_id, date)",
    "CREATE INDEX plan_items_lecture ON plan_items (lecture_id) WHERE lecture_id IS NOT NULL",
    "CREATE INDEX plan_items_activity ON plan_items (activity_id) WHERE activity_id IS NOT NULL",
    # One event carries at most one item of a plan.
    """CREATE UNIQUE INDEX plan_items_lecture_once ON plan_items (plan_id, lecture_id)
    WHERE deleted = 0 AND lecture_id IS NOT NULL""",
    """CREATE UNIQUE INDEX plan_items_activity_once ON plan_items (plan_id, activity_id)
    WHERE deleted = 0 AND activity_id IS NOT NULL""",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
    for table in ("plans", "plan_items"):
        triggers.install(conn, table, SHAPE)
