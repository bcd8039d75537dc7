"""The record kinds (domain/kinds.py, the models' Meta) agree with the schema the migrations make.

The migrations are frozen history and write out their own SQL, tables and trigger shape; the
rest of the program reads the kinds. These tests hold the two together: a kind declared
without its migration, or a migration appended without its kind, fails here with the place to
change. Adding a synced table is a kind in domain/kinds.py plus one migration module in
storage/migrations/ (and its line in MIGRATIONS); nothing else in storage needs an edit.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from station_tui.domain.kinds import KINDS, SCHEMA_VERSION, SYNCED_TABLES, RecordKind
from station_tui.settings_model import Settings
from station_tui.storage import Actor, Store, capture
from station_tui.storage.migrations import LATEST, latest_capture
from tests.fresh_process import modules_left

#: The columns every record's table has, handled by the repositories and the triggers.
ENVELOPE = frozenset({"id", "row_version", "created_at", "updated_at", "deleted"})
#: The tables of a station database that hold no records: bookkeeping, and the county's word
#: (county_items: what the county published, kept as sent, never captured).
BOOKKEEPING = frozenset({"meta", "current_actor", "outbox", "audit", "sqlite_sequence", "county_items"})

ADD_MIGRATION = (
    f"add a migration in station_tui/storage/migrations/ (v{LATEST + 1}_….py, and its line in MIGRATIONS) that"
)


@pytest.fixture(scope="module")
def new_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What a database made today holds: each table's columns, and the tables with triggers."""
    path = tmp_path_factory.mktemp("kinds") / "new.db"
    Store(path, actor=Actor("tester")).close()
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
        captured = {r[0] for r in conn.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    return {"columns": columns, "captured": captured}


def _declared(kind: RecordKind) -> set[str]:
    return set(ENVELOPE) | set(kind.columns) | set(kind.extra_columns) | set(kind.local_columns)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.table)
def test_each_kind_has_its_table_with_exactly_its_columns(kind: RecordKind, new_database: dict) -> None:
    columns: dict[str, set[str]] = new_database["columns"]
    assert kind.table in columns, (
        f"domain/kinds.py declares the kind {kind.table!r}, but a new database has no such table: "
        f"{ADD_MIGRATION} creates it (with {sorted(ENVELOPE)}, see v1_tables.py)"
    )
    declared, stored = _declared(kind), columns[kind.table]
    missing, undeclared = sorted(declared - stored), sorted(stored - declared)
    assert not missing, (
        f"{kind.table}: the model {kind.model.__name__} (or the kind's extra_columns / local_columns) "
        f"declares {missing}, which the table lacks: {ADD_MIGRATION} adds the column(s); or, for a field "
        f"the table keeps in another shape, mark it Meta(stored=False) in domain/models.py"
    )
    assert not undeclared, (
        f"{kind.table}: the table has column(s) {undeclared} that nothing declares: add each as a field "
        f"with a Meta to {kind.model.__name__} in domain/models.py, or name it in the kind's extra_columns "
        f"(uploaded) or local_columns (never uploaded) in domain/kinds.py"
    )


def test_the_kinds_describe_the_latest_schema_version() -> None:
    from sync import protocol

    assert SCHEMA_VERSION == LATEST, (
        f"the migrations go to version {LATEST}; set SCHEMA_VERSION in station_tui/domain/kinds.py to it"
    )
    assert protocol.MAX_SCHEMA_VERSION == LATEST


def test_every_record_table_is_a_kind(new_database: dict) -> None:
    columns: dict[str, set[str]] = new_database["columns"]
    stray = sorted(set(columns) - BOOKKEEPING - {kind.table for kind in KINDS})
    assert not stray, f"a new database has table(s) {stray} that no kind declares: add a RecordKind to domain/kinds.py"


def test_the_synced_tables_are_the_latest_migrations(new_database: dict) -> None:
    tables, _ = latest_capture()
    assert tables == SYNCED_TABLES, (
        f"the latest migration's TABLES are {tables}, the synced kinds are {SYNCED_TABLES}: "
        f"{ADD_MIGRATION} names the synced tables as TABLES and installs the capture triggers of the new "
        f"one(s); or order KINDS in domain/kinds.py as the migrations do (dependency order)"
    )
    assert new_database["captured"] == set(SYNCED_TABLES), (
        f"a new database captures changes of {sorted(new_database['captured'])}, the synced kinds are "
        f"{sorted(SYNCED_TABLES)}: {ADD_MIGRATION} installs (or drops) the capture triggers"
    )
    assert capture.SYNCED_TABLES == SYNCED_TABLES


#: Each list of the trigger shape: what it is, and where a kind declares it.
SHAPE_LISTS: dict[str, tuple[str, str, Callable[[], Mapping[str, str] | frozenset[str]]]] = {
    "json_columns": ("JSON", "a list or mapping field of a model in domain/models.py", lambda: capture.JSON_COLUMNS),
    "local_only": ("local-only", "a kind's local_columns in domain/kinds.py", lambda: capture.LOCAL_ONLY_COLUMNS),
    "sensitive": ("sensitive", "Meta(sensitive=...) on a field in domain/models.py", lambda: capture.SENSITIVE_COLUMNS),
}


def _plain(value: Mapping[str, str] | frozenset[str]) -> dict[str, str] | set[str]:
    return dict(value) if isinstance(value, Mapping) else set(value)


@pytest.mark.parametrize("shape_field", list(SHAPE_LISTS))
def test_the_trigger_shape_is_the_latest_migrations(shape_field: str) -> None:
    what, where, today = SHAPE_LISTS[shape_field]
    installed, declared = _plain(getattr(latest_capture()[1], shape_field)), _plain(today())
    assert declared == installed, (
        f"the kinds' {what} columns ({where}) are {declared}, the latest migration's SHAPE.{shape_field} "
        f"is {installed}: {ADD_MIGRATION} re-installs the triggers of the tables concerned with the new "
        f"SHAPE (as v3_sensitive_phones.py did for phones)"
    )


@pytest.mark.parametrize(
    ("what", "of"),
    [
        ("JSON", lambda k: dict.fromkeys(k.json_columns, True)),
        ("local-only", lambda k: dict.fromkeys(k.local_columns, True)),
        ("sensitive", lambda k: dict(k.sensitive)),
    ],
)
def test_a_column_treated_specially_is_so_in_every_table_that_has_it(what: str, of) -> None:
    """The triggers' shape names columns, not table.column: a column that is sensitive (or JSON,
    or local-only) in one synced table is captured so in every synced table that has it."""
    synced = [k for k in KINDS if k.synced]
    special: dict[str, object] = {}
    for kind in synced:
        special.update(of(kind))
    for kind in synced:
        mine = of(kind)
        for column, how in special.items():
            if column in _declared(kind):
                assert mine.get(column) == how, (
                    f"{kind.table}.{column} is captured as {what} ({how}) because another table's "
                    f"{column} is; declare it so in {kind.model.__name__} (domain/models.py or "
                    f"domain/kinds.py), or give it another name"
                )


def test_each_sensitive_setting_is_a_setting() -> None:
    for column, setting in capture.SENSITIVE_COLUMNS.items():
        assert Settings.model_fields.get(setting) is not None, (
            f"{column} is sensitive under {setting!r}, which station_tui/settings_model.py does not have: "
            f"add it there as a bool defaulting to False (off until the station switches it on)"
        )


def test_the_latest_migration_is_found_without_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Appending a migration is enough for these tests to hold the kinds to it; one that names
    no tables (an index, say) leaves the previous one's tables and shape in force."""
    import types

    from station_tui.storage import migrations
    from station_tui.storage.migrations import triggers

    newest = latest_capture()  # as the migrations are today, whichever is the latest

    def index_only(conn: sqlite3.Connection) -> None: ...

    appended = types.ModuleType("station_tui.storage.migrations.v9_test_only")
    appended.TABLES = (*SYNCED_TABLES, "villager_requests")  # type: ignore[attr-defined]
    appended.SHAPE = triggers.Shape(frozenset(), frozenset(), {})  # type: ignore[attr-defined]

    def adds_a_table(conn: sqlite3.Connection) -> None: ...

    adds_a_table.__module__ = appended.__name__
    monkeypatch.setitem(sys.modules, appended.__name__, appended)

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, index_only])
    assert migrations.latest_capture() == newest
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, adds_a_table])
    assert migrations.latest_capture() == (appended.TABLES, appended.SHAPE)


def test_migrations_never_read_the_kinds(tmp_path: Path) -> None:
    """History must not follow today's declarations: making and migrating a database imports
    neither the kinds nor capture's lists."""
    code = f"from station_tui.storage import Store\nStore({str(tmp_path / 'new.db')!r}).close()"
    read = ("station_tui.domain.kinds", "station_tui.domain.models", "station_tui.storage.capture")
    loaded = modules_left(code, read)
    assert loaded == [], f"making a database imported {loaded}"
