"""`station backup`, then `station restore`, then `station sync` against a real county: the county
ends holding the records exactly as the restored station has them, each change once."""

from __future__ import annotations

import json

from station_tui.storage.backup import backups_in
from sync import protocol
from tests.county_server import County
from tests.sync.support import StationPC, add_records


def test_restore_then_sync_converges_with_the_county(station_pc: StationPC, county: County, tmp_path) -> None:
    pc = station_pc
    pc.enroll(county)
    with pc.store() as s:
        people = add_records(s, 30)
    assert pc.station("sync").returncode == 0

    (tmp_path / "usb").mkdir()
    made = pc.station("backup", str(tmp_path / "usb"), "--keep", "3")
    assert made.returncode == 0, made.stderr
    (backup_file,) = backups_in(tmp_path / "usb")

    # After the backup: edits and a deletion reach the county, then the disk dies.
    with pc.store() as s:
        s.conn.execute("UPDATE people SET note = '备份之后的修改' WHERE id = ?", (people[0],))
        s.conn.execute("UPDATE lectures SET audience = audience + 5")
        s.activities.delete(s.query("SELECT id FROM activities LIMIT 1")[0][0])
    assert pc.station("sync").returncode == 0
    with pc.store() as s:
        old_epoch = s.meta("epoch")

    restored = pc.station("restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "新的同步批次" in restored.stdout
    # The person, the ten lectures and the activity changed after the backup: the county holds
    # those changes, so the restored versions get a new change of their own to outrank them.
    assert "12 条记录与原来的数据库不同" in restored.stdout, restored.stdout
    with pc.store() as s:
        new_epoch = s.meta("epoch")
        assert new_epoch != old_epoch and s.meta("acked_seq") == "0"
        # The station goes on from the backup's state.
        s.conn.execute("UPDATE people SET note = '恢复之后的修改' WHERE id = ?", (people[1],))
        add_records(s, 6, start=300)

    out = pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert pc.pending() == 0
    # The restore already started the new epoch: the client has no reason to start another.
    with pc.store() as s:
        assert s.meta("epoch") == new_epoch
        assert len(json.loads(s.meta("epoch_history") or "[]")) == 1

    # The county holds every record exactly as the restored station has it: the backup's
    # versions win over the edits made after the backup (a later epoch outranks), the deleted
    # activity lives again, the records typed after the restore are there, nothing twice.
    held = county.records(pc.code)
    expected = pc.expected_records()
    assert held == expected
    assert held[("people", people[0])][2]["note"] is None
    assert held[("people", people[1])][2]["note"] == "恢复之后的修改"
    log = county.change_log(pc.code)
    ids = [c for c, _ in log]
    assert len(ids) == len(set(ids))
    with pc.store() as s:
        outbox_ids = {protocol.change_id(*r) for r in s.query("SELECT tbl, op, row_json FROM outbox")}
    assert outbox_ids <= set(ids)

    # The county's figures are the station's own.
    year = county.report(2026)
    (row,) = [r for r in year["stations"] if r["code"] == pc.code]
    status = json.loads(pc.station("status", "--json", "--year", "2026").stdout)
    assert {k: row[k] for k in status["figures"]} == status["figures"]

    again = pc.station("sync")
    assert again.returncode == 0 and "没有待上传的修改" in again.stdout
