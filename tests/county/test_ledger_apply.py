"""The county's rule for ledgers (kinds declared ``append_only``, the hours ledger): an entry
is never overwritten, only added. A change to an entry the county holds, in a later batch or
the same one, and an entry arriving deleted, go to quarantine; the stored entry and the
figures stay as they were. On the county's real store, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from county import batches, reports
from county.schema import quarantine, records
from county.store import CountyStore

from .payloads import batch, change


def entry(seq: int, rid: str, version: int = 1, *, op: str = "insert", tenths: int = 20, **kw: Any) -> dict[str, Any]:
    fields = {
        "person_id": "P1", "date": "2026-03-02", "entry_kind": "补录", "tenths": tenths, "content": "扫雪",
        "reason": "漏记", "operator": "专管员", "attendance_id": None, "lecture_id": None, "activity_id": None,
        "voids_id": None, **kw,
    }
    return change(seq, "hours_entries", rid, version, op=op, **fields)


def test_an_entry_is_never_overwritten_only_added(county_url: str) -> None:
    store = CountyStore(county_url)
    try:
        store.add_station("140311101201", "站", "镇")
        with store._reading() as conn:
            station = store._station_by_code(conn, "140311101201")

        def send(after: int, changes: list[dict[str, Any]]) -> dict[str, Any]:
            parsed = batches.parse(batch(changes, after_seq=after))
            return store.apply(station, parsed.epoch, parsed.after_seq, parsed.app_version, parsed.items)

        first = [entry(1, "E1", tenths=20), entry(2, "E2", tenths=15)]
        assert send(0, first)["counts"] == {"applied": 2, "duplicate": 0, "stale": 0, "quarantined": 0}
        # The same batch again: duplicates, as for any kind.
        assert send(0, first)["counts"]["duplicate"] == 2

        later = [
            entry(3, "E1", 2, op="update", tenths=240),  # an edit of a stored entry
            entry(4, "E2", 2, op="delete", tenths=15),  # a deletion of one
            entry(5, "E3", tenths=5),  # a new entry: added
            entry(6, "E3", 2, op="update", tenths=50),  # and changed within the same batch
            entry(7, "E4", op="delete", tenths=7),  # an entry that arrives deleted
            entry(8, "V1", entry_kind="作废", tenths=-20, voids_id="E1", reason="记错"),  # a void: added
        ]
        result = send(2, later)
        assert result["ack_seq"] == 8
        assert result["counts"] == {"applied": 2, "duplicate": 0, "stale": 0, "quarantined": 4}
        why = {n["seq"]: n["reason"] for n in result["results"]}
        assert set(why) == {3, 4, 6, 7}
        assert "台账记录只能新增，不能修改" in why[3] and "未覆盖" in why[3]
        assert "台账记录只能新增" in why[4] and "台账记录只能新增" in why[6]
        assert "台账记录不能删除" in why[7]

        with store.engine.connect() as conn:
            stored = {
                rid: (version, deleted, json.loads(row)["tenths"])
                for rid, version, deleted, row in conn.execute(
                    select(records.c.record_id, records.c.row_version, records.c.deleted, records.c.row_json).where(
                        records.c.tbl == "hours_entries"
                    )
                )
            }
            held = conn.execute(select(quarantine.c.seq)).scalars().all()
        # Every entry exactly as first received; nothing overwritten, nothing deleted.
        assert stored == {"E1": (1, 0, 20), "E2": (1, 0, 15), "E3": (1, 0, 5), "V1": (1, 0, -20)}
        assert sorted(held) == [3, 4, 6, 7]
        # The figures sum what was added: 2.0 + 1.5 + 0.5 − 2.0.
        assert reports.build(store, 2026)["stations"][0]["hours_credited"] == 2.0
    finally:
        store.close()
