"""Two processes, one file: the village clerk and the township cadre over SSH at once.

And two Store objects editing one record: nobody's edit is overwritten silently.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from station_tui.domain import Person
from station_tui.storage import Actor, NotFound, StaleRecord, Store

_ADD_PEOPLE = """
import sys, time
from station_tui.domain import Person
from station_tui.storage import Actor, Store
path, tag, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
store = Store(path, actor=Actor(user=tag, program="bench"))
while time.time() < start:
    time.sleep(0.001)
names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
in_chinese = str.maketrans("0123456789", "〇一二三四五六七八九")  # a name may not hold digits
for i in range(count):
    # Many small transactions, one per person, competing with the other process's.
    p = store.people.add(Person(name=names[i % 16] + tag + str(i).translate(in_chinese)))
    if i % 10 == 0:
        store.people.update(p.model_copy(update={"note": "复核"}))
store.close()
print("done", count, start, time.time())
"""


def test_two_processes_writing_at_once_both_succeed(db_path: Path) -> None:
    Store(db_path).close()
    start = time.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _ADD_PEOPLE, str(db_path), tag, "300", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("甲", "乙")
    ]
    windows = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        word, count, first, last = out.split()
        assert (word, count) == ("done", "300")
        windows.append((float(first), float(last)))

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in conn.execute("SELECT name FROM people")]
    assert len(names) == 600 and len(set(names)) == 600
    by_actor = dict(conn.execute("SELECT user, count(*) FROM audit WHERE op = 'insert' GROUP BY user"))
    assert by_actor == {"甲": 300, "乙": 300}
    seqs = [r[0] for r in conn.execute("SELECT seq FROM outbox ORDER BY rowid")]
    assert len(seqs) == 600 + 60  # every insert, and every tenth person updated once
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert conn.execute("SELECT count(DISTINCT change_id) FROM outbox").fetchone()[0] == len(seqs)
    # Each person's changes are in the outbox in the order they happened.
    bad = conn.execute(
        """SELECT count(*) FROM outbox a JOIN outbox b ON a.record_id = b.record_id
           WHERE a.seq < b.seq AND a.row_version >= b.row_version"""
    ).fetchone()[0]
    assert bad == 0
    conn.close()
    # Both really wrote at the same time (SQLite may let one run ahead while the other
    # waits on the busy timeout, so interleaving is not guaranteed, only overlap).
    (a_first, a_last), (b_first, b_last) = windows
    assert max(a_first, b_first) < min(a_last, b_last)


_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE meta SET value = value WHERE key = 'epoch'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_a_writer_waits_for_a_long_transaction_instead_of_failing(store: Store, db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(db_path), "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    saved = store.people.add(Person(name="诸葛亮"))  # must wait on the busy timeout, not raise
    assert holder.wait(timeout=30) == 0
    assert store.people.require(str(saved.id)).name == "诸葛亮"


# -- optimistic concurrency: two sessions on one record ----------------------------------------


@pytest.fixture
def two_sessions(db_path: Path) -> Iterator[tuple[Store, Store]]:
    clerk = Store(db_path, actor=Actor(user="clerk"))
    cadre = Store(db_path, actor=Actor(user="cadre", ssh_client="10.0.0.9"))
    yield clerk, cadre
    clerk.close()
    cadre.close()


def test_the_second_save_gets_stale_record_with_the_changed_fields(two_sessions: tuple[Store, Store]) -> None:
    clerk, cadre = two_sessions
    original = clerk.people.add(Person(name="马超", phone="13811112222", birth_year=1970))
    mine = clerk.people.require(str(original.id))
    theirs = cadre.people.require(str(original.id))

    cadre.people.update(theirs.model_copy(update={"phone": "13899998888", "birth_year": 1971}))
    with pytest.raises(StaleRecord) as info:
        clerk.people.update(mine.model_copy(update={"note": "已走访"}))

    stale = info.value
    assert str(stale) == "这条记录在您编辑期间已被别人修改"
    assert sorted(stale.changed) == ["birth_year", "note", "phone"]
    assert isinstance(stale.theirs, Person) and isinstance(stale.mine, Person)
    assert stale.theirs.phone == "13899998888" and stale.theirs.row_version == 2
    assert stale.mine.note == "已走访" and stale.mine.row_version == 1
    # Nothing of the refused save reached the file or the outbox.
    stored = clerk.people.require(str(original.id))
    assert (stored.note, stored.phone, stored.row_version) == (None, "13899998888", 2)
    assert clerk.query_value("SELECT count(*) FROM outbox WHERE record_id = ?", (original.id,)) == 2


def test_force_update_keeps_mine_and_moves_the_version_on(two_sessions: tuple[Store, Store]) -> None:
    clerk, cadre = two_sessions
    original = clerk.people.add(Person(name="黄忠", phone="13811112222"))
    cadre.people.update(original.model_copy(update={"phone": "13899998888"}))

    kept = clerk.people.force_update(original.model_copy(update={"note": "以我为准"}))
    assert kept.row_version == 3
    stored = cadre.people.require(str(original.id))
    assert (stored.phone, stored.note, stored.row_version) == ("13811112222", "以我为准", 3)
    last = cadre.query(
        "SELECT op, row_version FROM outbox WHERE record_id = ? ORDER BY seq DESC LIMIT 1", (original.id,)
    )[0]
    assert tuple(last) == ("update", 3)


def test_delete_with_a_stale_version_is_refused(two_sessions: tuple[Store, Store]) -> None:
    clerk, cadre = two_sessions
    original = clerk.people.add(Person(name="魏延"))
    cadre.people.update(original.model_copy(update={"note": "改过"}))

    with pytest.raises(StaleRecord):
        clerk.people.delete(str(original.id), expected_version=original.row_version)
    assert cadre.people.require(str(original.id)).note == "改过"

    clerk.people.delete(str(original.id), expected_version=2)
    assert cadre.people.get(str(original.id)) is None


def test_editing_a_record_someone_deleted_says_not_found(two_sessions: tuple[Store, Store]) -> None:
    clerk, cadre = two_sessions
    original = clerk.people.add(Person(name="姜维"))
    cadre.people.delete(str(original.id))
    with pytest.raises(NotFound) as info:
        clerk.people.update(original.model_copy(update={"note": "晚了"}))
    assert "找不到这条记录" in str(info.value)
    with pytest.raises(NotFound):
        clerk.people.force_update(original.model_copy(update={"note": "晚了"}))
    with pytest.raises(NotFound):
        clerk.people.delete(str(original.id))


def test_another_sessions_commit_is_visible_by_data_version(two_sessions: tuple[Store, Store]) -> None:
    clerk, cadre = two_sessions
    seen = clerk.data_version()
    cadre.people.add(Person(name="庞统"))
    assert clerk.data_version() != seen
    assert [p.name for p in clerk.people.search("庞统")] == ["庞统"]
