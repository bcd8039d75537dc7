"""Version 9: the hours ledger (时长台账), ``hours_entries``.

Every credited hour becomes an entry: 获得 (earned, made by the roster save from an attendance
line), 补录 (a late entry typed by hand), 作废 (the void of an earlier entry: its negative,
naming it by ``voids_id``). Entries are only ever added: two triggers refuse an UPDATE of an
entry's content and any DELETE, whoever tries (the app, a second process, the sqlite3 shell).
Only ``row_version`` and ``updated_at`` may move, as the capture trigger's own bump needs.

Existing stations get one earned entry per attendance line that has credited hours on an
event not deleted, dated as its event, so that every person's balance and the station's
``hours_credited`` equal the attendance sums they had before.
"""

from __future__ import annotations

import sqlite3

from station_tui.storage.migrations import triggers

#: The synced tables as of version 9, in dependency order: version 8's, plus the ledger.
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
)

#: Version 8's shape: the ledger has no JSON, local-only or sensitive column.
SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers", "phone": "upload_phones"},
)

_TABLE = """
CREATE TABLE hours_entries (
    id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16)))),
    person_id TEXT NOT NULL REFERENCES people (id),
    date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    entry_kind TEXT NOT NULL CHECK (entry_kind IN ('获得', '补录', '作废')),
    tenths INTEGER NOT NULL CHECK (tenths BETWEEN -240 AND 240 AND tenths <> 0),
    attendance_id TEXT REFERENCES attendance (id),
    lecture_id TEXT REFERENCES lectures (id),
    activity_id TEXT REFERENCES activities (id),
    content TEXT,
    voids_id TEXT REFERENCES hours_entries (id),
    reason TEXT,
    operator TEXT NOT NULL CHECK (operator <> ''),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    CHECK ((entry_kind = '作废') = (voids_id IS NOT NULL)),
    CHECK ((entry_kind = '作废') = (tenths < 0))
)"""

_INDEXES = (
    "CREATE INDEX hours_entries_person ON hours_entries (person_id, date)",
    "CREATE INDEX hours_entries_date ON hours_entries (date)",
    "CREATE INDEX hours_entries_attendance ON hours_entries (attendance_id)",
    # An entry is voided at most once.
    "CREATE UNIQUE INDEX hours_entries_voided_once ON hours_entries (voids_id) WHERE voids_id IS NOT NULL",
)

_CONTENT = (
    "id", "person_id", "date", "entry_kind", "tenths", "attendance_id", "lecture_id", "activity_id", "content",
    "voids_id", "reason", "operator", "created_at", "deleted",
)

_APPEND_ONLY = (
    f"""CREATE TRIGGER hours_entries_never_changed BEFORE UPDATE ON hours_entries
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _CONTENT)}
    BEGIN SELECT RAISE(ABORT, '时长台账的记录不能修改：更正请作废原记录并补录新的'); END""",
    """CREATE TRIGGER hours_entries_never_deleted BEFORE DELETE ON hours_entries
    BEGIN SELECT RAISE(ABORT, '时长台账的记录不能删除：更正请作废原记录并补录新的'); END""",
)

#: The lines whose hours count today: named, credited, not deleted, on an event not deleted.
_CREDITED_LINES = """
SELECT a.id, a.person_id, a.credited_tenths, a.lecture_id, a.activity_id, COALESCE(l.date, v.date) AS date
  FROM attendance a
  LEFT JOIN lectures l ON l.id = a.lecture_id
  LEFT JOIN activities v ON v.id = a.activity_id
 WHERE a.deleted = 0 AND a.person_id IS NOT NULL AND a.credited_tenths > 0
   AND COALESCE(l.deleted, v.deleted) = 0
 ORDER BY date, a.created_at, a.id"""


def migrate(conn: sqlite3.Connection) -> None:
    # Here, not at the top: uuid6 asks importlib.metadata its version, which opening a database
    # that is already migrated (the app's start) must not pay for.
    from station_tui.storage.ids import new_id

    conn.execute(_TABLE)
    for statement in (*_INDEXES, *_APPEND_ONLY):
        conn.execute(statement)
    triggers.install(conn, "hours_entries", SHAPE)
    rows = conn.execute(_CREDITED_LINES).fetchall()
    conn.executemany(
        """INSERT INTO hours_entries (id, person_id, date, entry_kind, tenths, attendance_id, lecture_id,
                                      activity_id, reason, operator)
           VALUES (?, ?, ?, '获得', ?, ?, ?, ?, '升级时按已有签到记录记入', '系统')""",
        [(new_id(), r[1], r[5], min(r[2], 240), r[0], r[3], r[4]) for r in rows],
    )
