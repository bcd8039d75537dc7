"""The wire format agrees with the station's storage it is fed from."""

from __future__ import annotations

import gzip
import json

from station_tui.domain import Station
from station_tui.storage import capture
from station_tui.storage.migrations import LATEST
from sync import protocol
from tests.fresh_process import modules_left


def test_synced_tables_match_the_station_capture() -> None:
    assert protocol.SYNCED_TABLES == capture.SYNCED_TABLES


def test_station_schema_is_inside_the_window() -> None:
    assert protocol.MIN_SCHEMA_VERSION <= LATEST <= protocol.MAX_SCHEMA_VERSION


def test_outbox_rows_become_changes_and_encode_as_gzip_json(store, station: Station) -> None:
    rows = store.query("SELECT * FROM outbox ORDER BY seq")
    changes = [protocol.change_from_outbox(r) for r in rows]
    assert [c.table for c in changes] == ["station"]
    assert json.loads(changes[0].row)["code"] == "140311101201"
    assert json.loads(changes[0].row)["id"] == station.id and changes[0].op == "insert"
    assert changes[0].row == rows[0]["row_json"]  # the station's own text, untouched
    batch = protocol.Batch(
        schema_version=LATEST,
        app_version="0.1.0",
        station=station.code,
        epoch=store.meta("epoch"),
        after_seq=0,
        changes=changes,
    )
    decoded = json.loads(gzip.decompress(protocol.encode(batch)))
    assert protocol.Batch.model_validate(decoded) == batch


def test_the_protocol_and_the_county_package_import_light() -> None:
    """The station's cron job imports sync.protocol; it must not pay for the county's server."""
    heavy = ("fastapi", "sqlalchemy", "uvicorn", "starlette", "psycopg", "textual")
    assert modules_left("import sync, sync.protocol, county", heavy) == []


def test_change_ids_are_pinned_to_the_content() -> None:
    """Both ends derive a change's id; a county and a station of different versions must keep
    deriving the same one, or re-sent changes would stop being recognised as duplicates."""
    import hashlib

    row = '{"id":"L1","topic":"宣讲","row_version":2,"deleted":0}'
    expected = hashlib.sha256(f"lectures\ninsert\n{row}".encode()).hexdigest()[:32]
    assert protocol.change_id("lectures", "insert", row) == expected
    assert protocol.change_id("lectures", "update", row) != expected  # every part counts
    assert protocol.change_id("lectures", "insert", row.replace("2", "3")) != expected
    # A malformed change still gets one stable id, so it is quarantined once, not per re-send.
    assert protocol.change_id(None, 7, {"a": 1}) == protocol.change_id(None, 7, {"a": 1})
    assert protocol.identify("people", "insert", "\ud800") == (protocol.change_id("people", "insert", "\ud800"), False)
    assert protocol.identify("people", "insert", row)[1] is True
