"""The county store's migrations, on SQLite and PostgreSQL: an older store is brought up to
date with its data, and a store from a newer program is refused untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, select, text

from county import schema
from county.store import CountyStore


def _version_1_store(url: str) -> None:
    """A store as release 1 of the schema left it: migration 1 only, with its index, one station."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            schema.MIGRATIONS[0](conn)
            conn.execute(text("CREATE INDEX records_by_table ON records (tbl, deleted, station_id)"))
            conn.execute(schema.county_meta.insert().values(key="schema_version", value="1"))
            conn.execute(
                schema.stations.insert().values(
                    code="140311101201", name="甄家庄站", township="府西街道", created_at="2026-11-01T00:00:00Z"
                )
            )
    finally:
        engine.dispose()


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {str(ix["name"]) for ix in inspect(conn).get_indexes("records")}
    finally:
        engine.dispose()


def test_a_version_1_store_is_migrated_with_its_data(county_url: str) -> None:
    _version_1_store(county_url)
    assert "records_by_table" in _indexes(county_url)
    with CountyStore(county_url) as store, store._reading() as conn:
        assert schema.current_version(conn) == schema.LATEST == 5
        codes = conn.execute(select(schema.stations.c.code)).scalars().all()
    assert codes == ["140311101201"]
    # Reports read nearly every row: the index only slowed uploads down.
    assert "records_by_table" not in _indexes(county_url)
    with CountyStore(county_url) as store:  # opening again changes nothing
        assert [s["code"] for s in store.list_stations()] == ["140311101201"]


def test_a_store_from_a_newer_program_is_refused_untouched(county_url: str) -> None:
    CountyStore(county_url).close()
    engine = create_engine(county_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                schema.county_meta.update()
                .where(schema.county_meta.c.key == "schema_version")
                .values(value=str(schema.LATEST + 1))
            )
    finally:
        engine.dispose()
    with pytest.raises(RuntimeError, match="请升级程序"):
        CountyStore(county_url)
    engine = create_engine(county_url)
    try:
        with engine.connect() as conn:
            assert schema.current_version(conn) == schema.LATEST + 1
    finally:
        engine.dispose()
