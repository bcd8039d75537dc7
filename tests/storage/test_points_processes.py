"""积分 with real processes on one SQLite file: a redemption in one process racing a deduction in
another never takes a balance below zero, and a process killed (-9) inside a redemption's
transaction leaves points and stock as they were."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from station_tui.domain import Person
from station_tui.domain.models import Goods
from station_tui.storage import Actor, Store

_RACER = """
import json, random, sys, time
from station_tui.storage import Actor, Store
from station_tui.storage.repositories.points import PointsShort
path, what, person, goods = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
store = Store(path, actor=Actor(user=what, program="racer"))
store.repository("redemptions"), store.repository("points_entries")  # imported before the start
print("ready", flush=True)
sys.stdin.readline()  # both start together, whatever each took to start up
done = refused = 0
while True:
    try:
        if what == "redeem":
            store.repository("redemptions").redeem(person, goods)
        else:
            store.repository("points_entries").adjust(person, -5, item="移风易俗")
        done += 1
        # A breath between two clicks: SQLite's busy handler is not fair, and a writer that
        # never pauses can hold the file until its own points run out.
        time.sleep(random.random() * 0.003)
    except PointsShort as exc:
        last = str(exc)
        refused += 1
        if refused >= 3:
            break
store.close()
print(json.dumps({"done": done, "refused": refused, "last": last}, ensure_ascii=False))
"""


def _setup(db_path: Path, points: int, price: int, stock: int) -> tuple[str, str]:
    with Store(db_path, actor=Actor(user="setup")) as store:
        person = store.people.add(Person(name="张三"))
        store.repository("points_entries").adjust(str(person.id), points, reason="表彰")  # type: ignore[attr-defined]
        goods = store.repository("goods").add(Goods(name="香皂", price_points=price))
        store.repository("goods").restock(str(goods.id), stock)  # type: ignore[attr-defined]
        return str(person.id), str(goods.id)


def test_a_redemption_racing_a_deduction_never_takes_the_balance_below_zero(db_path: Path) -> None:
    person, goods = _setup(db_path, points=3000, price=7, stock=3000)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(db_path), what, person, goods],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for what in ("redeem", "deduct")
    ]
    for proc in racers:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in racers:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = {}
    for what, proc in zip(("redeem", "deduct"), racers, strict=True):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err  # refused only as PointsShort: never the triggers' own refusal
        results[what] = json.loads(out)
    redeemed, deducted = results["redeem"]["done"], results["deduct"]["done"]
    assert redeemed > 0 and deducted > 0, results
    assert "积分不足：现有" in results["redeem"]["last"] and "积分不足：现有" in results["deduct"]["last"]

    conn = sqlite3.connect(db_path)
    try:
        balance = conn.execute("SELECT sum(points) FROM points_entries WHERE person_id = ?", (person,)).fetchone()[0]
        assert balance == 3000 - 7 * redeemed - 5 * deducted
        assert 0 <= balance < 5  # both ran until neither could spend any more
        # Never below zero at any moment: the running sum in the order the entries were written.
        running = 0
        written = conn.execute("SELECT points FROM points_entries WHERE person_id = ? ORDER BY rowid", (person,))
        for (points,) in written:
            running += points
            assert running >= 0
        stock = conn.execute("SELECT sum(quantity) FROM stock_entries WHERE goods_id = ?", (goods,)).fetchone()[0]
        assert stock == 3000 - redeemed
        assert conn.execute("SELECT count(*) FROM redemptions").fetchone()[0] == redeemed
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The two really took turns: the writers alternate somewhere in the ledger.
        writers = [r[0] for r in conn.execute(
            "SELECT user FROM audit WHERE tbl = 'points_entries' AND user IN ('redeem', 'deduct') ORDER BY seq")]
        assert sum(a != b for a, b in itertools.pairwise(writers)) >= 2
    finally:
        conn.close()


_KILLED_INSIDE = """
import sys, time
from station_tui.storage import Actor, Store
from station_tui.storage.repositories.points import RedemptionRepository
path, person, goods = sys.argv[1], sys.argv[2], sys.argv[3]
store = Store(path, actor=Actor(user="killed", program="racer"))
def stop_here(self, conn, stock_repo, redemption, name):
    # The redemption row and the points entry are written; the stock entry is not, nor the commit.
    print("inside", redemption.pickup_code, flush=True)
    time.sleep(120)
RedemptionRepository.take_stock_in = stop_here
store.repository("redemptions").redeem(person, goods)
"""


def test_a_process_killed_inside_a_redemption_leaves_points_and_stock_as_they_were(db_path: Path) -> None:
    person, goods = _setup(db_path, points=50, price=20, stock=3)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_INSIDE, str(db_path), person, goods],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    assert line and line[0] == "inside", proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Store(db_path, actor=Actor(user="after")) as store:
        points, goods_repo, redemptions = (
            store.repository("points_entries"), store.repository("goods"), store.repository("redemptions"),
        )
        assert points.balance(person) == 50  # type: ignore[attr-defined]
        assert goods_repo.stock(goods) == 3  # type: ignore[attr-defined]
        assert redemptions.count() == 0
        assert redemptions.by_code(line[1]) is None  # type: ignore[attr-defined]
        assert store.query_value("SELECT count(*) FROM outbox WHERE tbl IN ('redemptions', 'stock_entries')") == 1
        assert store.query_value("PRAGMA integrity_check") == "ok"
        # And the next redemption goes through whole.
        taken = redemptions.redeem(person, goods)  # type: ignore[attr-defined]
        assert points.balance(person) == 30 and goods_repo.stock(goods) == 2  # type: ignore[attr-defined]
        assert taken.state == "待领取"
