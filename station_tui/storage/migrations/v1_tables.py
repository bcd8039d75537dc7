"""Version 1: the first released schema (meta, outbox, audit and the eight record tables).

Its tables are named here, not taken from ``capture.SYNCED_TABLES``: a table added later is
a later migration. The capture triggers v1 shipped with were replaced in full by v2's; v1
installs the shape v2 keeps, so a file left at version 1 by a crash between the two steps
still captures every change.
"""

from __future__ import annotations

import sqlite3
import uuid

from station_tui.storage.migrations import triggers

#: The synced tables of version 1, in dependency order.
TABLES = ("station", "people", "teams", "team_members", "venues", "lectures", "activities", "attendance")

SHAPE = triggers.Shape(
    json_columns=frozenset({"skills"}),
    local_only=frozenset({"pinyin_full", "pinyin_initials"}),
    sensitive={"id_number": "upload_id_numbers"},
)

_SYNC_COLUMNS = """
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

_ID = "id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(16))))"

_V1 = f"""
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT
);

CREATE TABLE current_actor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    user TEXT, ssh_client TEXT, program TEXT
);
INSERT INTO current_actor (id) VALUES (1);

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id  TEXT NOT NULL UNIQUE,
    tbl        TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_version INTEGER NOT NULL,
    row_json   TEXT NOT NULL,
    at         TEXT NOT NULL
);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    user       TEXT NOT NULL,
    ssh_client TEXT,
    program    TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    row_version INTEGER NOT NULL,
    fields     TEXT
);
CREATE INDEX audit_record ON audit (tbl, record_id);

CREATE TABLE station (
    {_ID},
    code TEXT NOT NULL CHECK (length(code) = 12),
    name TEXT NOT NULL,
    township TEXT NOT NULL,
    county TEXT NOT NULL,
    manager TEXT,{_SYNC_COLUMNS}
);

CREATE TABLE people (
    {_ID},
    name TEXT NOT NULL CHECK (name <> ''),
    gender TEXT CHECK (gender IN ('男', '女')),
    birth_year INTEGER,
    phone TEXT,
    is_volunteer INTEGER NOT NULL DEFAULT 0 CHECK (is_volunteer IN (0, 1)),
    volunteer_no TEXT,
    skills TEXT NOT NULL DEFAULT '[]',
    id_number TEXT,
    note TEXT,
    pinyin_full TEXT NOT NULL DEFAULT '',
    pinyin_initials TEXT NOT NULL DEFAULT '',{_SYNC_COLUMNS}
);
CREATE INDEX people_name ON people (name);
CREATE INDEX people_pinyin ON people (pinyin_initials, pinyin_full);

CREATE TABLE teams (
    {_ID},
    name TEXT NOT NULL CHECK (name <> ''),
    category TEXT,
    leader_id TEXT REFERENCES people (id),
    note TEXT,{_SYNC_COLUMNS}
);

CREATE TABLE team_members (
    {_ID},
    team_id TEXT NOT NULL REFERENCES teams (id),
    person_id TEXT NOT NULL REFERENCES people (id),{_SYNC_COLUMNS}
);
CREATE UNIQUE INDEX team_members_once ON team_members (team_id, person_id) WHERE deleted = 0;
CREATE INDEX team_members_person ON team_members (person_id);

CREATE TABLE venues (
    {_ID},
    name TEXT NOT NULL CHECK (name <> ''),
    address TEXT,
    capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    note TEXT,{_SYNC_COLUMNS}
);

CREATE TABLE lectures (
    {_ID},
    date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    start_time TEXT,
    end_time TEXT,
    topic TEXT NOT NULL CHECK (topic <> ''),
    speaker TEXT,
    form TEXT,
    place TEXT,
    venue_id TEXT REFERENCES venues (id),
    audience INTEGER NOT NULL DEFAULT 0 CHECK (audience >= 0),
    summary TEXT,
    note TEXT,{_SYNC_COLUMNS}
);
CREATE INDEX lectures_date ON lectures (date);

CREATE TABLE activities (
    {_ID},
    date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    start_time TEXT,
    end_time TEXT,
    title TEXT NOT NULL CHECK (title <> ''),
    platform TEXT NOT NULL CHECK (platform IN ('理论宣讲', '教育服务', '文化服务', '科技与科普服务', '健身体育服务')),
    place TEXT,
    venue_id TEXT REFERENCES venues (id),
    team_id TEXT REFERENCES teams (id),
    served INTEGER NOT NULL DEFAULT 0 CHECK (served >= 0),
    volunteer_count INTEGER NOT NULL DEFAULT 0 CHECK (volunteer_count >= 0),
    volunteer_tenths INTEGER NOT NULL DEFAULT 0 CHECK (volunteer_tenths >= 0),
    brand_project TEXT,
    summary TEXT,
    note TEXT,{_SYNC_COLUMNS}
);
CREATE INDEX activities_date ON activities (date);
CREATE INDEX activities_platform ON activities (platform, date);

CREATE TABLE attendance (
    {_ID},
    lecture_id TEXT REFERENCES lectures (id),
    activity_id TEXT REFERENCES activities (id),
    person_id TEXT REFERENCES people (id),
    role TEXT CHECK (role IN ('宣讲员', '志愿者', '群众')),
    sign_in TEXT,
    sign_out TEXT,
    credited_tenths INTEGER NOT NULL DEFAULT 0 CHECK (credited_tenths >= 0),
    headcount INTEGER CHECK (headcount IS NULL OR headcount >= 0),
    note TEXT,{_SYNC_COLUMNS},
    CHECK ((lecture_id IS NULL) <> (activity_id IS NULL)),
    CHECK ((person_id IS NULL) <> (headcount IS NULL))
);
CREATE INDEX attendance_lecture ON attendance (lecture_id);
CREATE INDEX attendance_activity ON attendance (activity_id);
CREATE INDEX attendance_person ON attendance (person_id);
CREATE UNIQUE INDEX attendance_once_lecture ON attendance (lecture_id, person_id)
    WHERE deleted = 0 AND person_id IS NOT NULL AND lecture_id IS NOT NULL;
CREATE UNIQUE INDEX attendance_once_activity ON attendance (activity_id, person_id)
    WHERE deleted = 0 AND person_id IS NOT NULL AND activity_id IS NOT NULL;
"""


def migrate(conn: sqlite3.Connection) -> None:
    for statement in split(_V1):
        conn.execute(statement)
    # A new database is a new epoch: the county can never confuse it with another's past.
    conn.execute("INSERT INTO meta (key, value) VALUES ('epoch', ?)", (str(uuid.uuid4()),))
    conn.execute("INSERT INTO meta (key, value) VALUES ('acked_seq', '0')")
    for table in TABLES:
        triggers.install(conn, table, SHAPE)


def split(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]
