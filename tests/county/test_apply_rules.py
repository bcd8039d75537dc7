"""The apply rules under any order of delivery: whatever batches arrive twice, late or after a
lost answer, the county ends with the newest version of every record and each change stored
once. Runs the county's real store on a SQLite file, in-process, over many generated cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from county import batches
from county.errors import AckBehind
from county.schema import change_log, records
from county.store import CountyStore

from .payloads import batch, change, id_of, row_of


def _station(store: CountyStore):
    with store._reading() as conn:
        return store._station_by_code(conn, "140311101201")


# A station's history: each step edits one of a few records (bumping its version) or deletes it.
steps = st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=25)
# How the station cuts its outbox into batches, and which deliveries go wrong.
cuts = st.lists(st.integers(1, 6), min_size=1, max_size=25)
replays = st.lists(st.integers(0, 30), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps, sizes=cuts, replay_at=replays)
def test_newest_version_wins_and_each_change_is_stored_once(
    tmp_path_factory, history: list[tuple[int, bool]], sizes: list[int], replay_at: list[int]
) -> None:
    store = CountyStore(f"sqlite:///{tmp_path_factory.mktemp('apply') / 'county.db'}")
    try:
        store.add_station("140311101201", "站", "镇")
        station = _station(store)

        versions: dict[int, int] = {}
        changes = []
        for seq, (rec, delete) in enumerate(history, start=1):
            versions[rec] = versions.get(rec, 0) + 1
            op = "delete" if delete else ("insert" if versions[rec] == 1 else "update")
            changes.append(change(seq, "lectures", f"L{rec}", versions[rec], op=op, audience=seq))
        expected = {}
        for c in changes:  # the station's final state: last change of each record
            row = row_of(c)
            expected[row["id"]] = (row["row_version"], row["deleted"], row["audience"])

        def send(after: int, chunk: list) -> dict:
            parsed = batches.parse(batch(chunk, after_seq=after))
            return store.apply(station, parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items)

        sent, ack, n = [], 0, 0
        sizes = sizes * (len(changes) // len(sizes) + 1)
        while ack < len(changes):
            chunk = changes[ack : ack + sizes[n]]
            result = send(ack, chunk)
            sent.append((ack, chunk))
            assert result["ack_seq"] == chunk[-1]["seq"]
            ack = result["ack_seq"]
            if n in replay_at:  # the answer was lost: the same batch again, and an older one
                again = send(*sent[-1])
                assert again["counts"] == {"applied": 0, "duplicate": len(chunk), "stale": 0, "quarantined": 0}
                assert again["results"] == []
                old_after, old_chunk = sent[len(sent) // 2]
                assert send(old_after, old_chunk)["ack_seq"] == ack
            if n + 1 in replay_at and ack < len(changes):  # a batch from the future is refused
                with pytest.raises(AckBehind) as refused:
                    send(ack + 1, changes[ack + 1 : ack + 2])
                assert refused.value.extra["ack_seq"] == ack
            n += 1

        with store.engine.connect() as conn:
            rows = conn.execute(
                select(records.c.record_id, records.c.row_version, records.c.deleted, records.c.row_json)
            ).all()
            logged = conn.execute(select(change_log.c.change_id)).scalars().all()
        assert {rid: (v, d, json.loads(j)["audience"]) for rid, v, d, j in rows} == expected
        assert sorted(logged) == sorted(id_of(c) for c in changes)
    finally:
        store.close()


def test_report_rules_ignore_tombstones_and_other_periods(tmp_path: Path) -> None:
    """A small, fully worked example of the report rules on the county's copy."""
    from county import reports

    store = CountyStore(f"sqlite:///{tmp_path / 'county.db'}")
    try:
        store.add_station("140311101201", "站", "镇")
        station = _station(store)
        rows = [
            change(1, "lectures", "L1", 1, audience=10, date="2026-03-01"),
            change(2, "lectures", "L2", 1, audience=99, date="2025-03-01"),
            change(3, "lectures", "L3", 1, audience=7, date="2026-04-01"),
            change(4, "lectures", "L3", 2, op="delete", audience=7, date="2026-04-01"),
            change(
                5,
                "attendance",
                "T1",
                1,
                lecture_id="L1",
                activity_id=None,
                person_id=None,
                headcount=15,
                role=None,
                credited_tenths=0,
            ),
            change(
                6,
                "attendance",
                "T2",
                1,
                lecture_id="L1",
                activity_id=None,
                person_id="P1",
                headcount=None,
                role="志愿者",
                credited_tenths=12,
            ),
            change(7, "people", "P1", 1, is_volunteer=1),
        ]
        parsed = batches.parse(batch(rows))
        store.apply(station, parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items)
        r = reports.build(store, 2026)
        one = r["stations"][0]
        assert (one["lectures"], one["lecture_audience"], one["attendance"]) == (1, 15, 16)
        assert one["volunteer_hours"] == 1.2 and one["people"] == 1 and one["volunteers"] == 1
        assert r["townships"] == [
            {"name": "镇", **{k: v for k, v in one.items()
                              if k not in ("code", "name", "township", "last_sync", "ratings")}}
        ]
    finally:
        store.close()
