"""积分 with real processes on one SQLite file: a redemption in one process racing a deduction in
another never takes a balance below zero, and a process killed (-9) inside a redemption's
transaction leaves points and stock as they were."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from station_tui.domain import Person
from station_tui.domain.models import Goods
from station_tui.storage import Actor, Store

_RACER = """
import json, sys, time
from station_tui.storage import Actor, Store
from station_tui.storage.repositories.points import PointsShort
path, what, person, goods, start = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
store = Store(path, actor=Actor(user=what, program="racer"))
while time.time() < start:
    time.sleep(0.001)
done = refused = 0
while True:
    try:
        if what == "redeem":
            store.repository("redemptions").redeem(person, goods)
        else:
            store.repository("points_entries").adjust(person, -5, item="移风易俗")
        done += 1
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
    person, goods = _setup(db_path, points=1000, price=7, stock=1000)
    start = time.time() + 1.0
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(db_path), what, person, goods, str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for what in ("redeem", "deduct")
    ]
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
        assert balance == 1000 - 7 * redeemed - 5 * deducted
        assert 0 <= balance < 5  # both ran until neither could spend any more
        # Never below zero at any moment: the running sum in the order the entries were written.
        running = 0
        written = conn.execute("SELECT points FROM points_entries WHERE person_id = ? ORDER BY rowid", (person,))
        for (points,) in written:
            running += points
            assert running >= 0
        stock = conn.execute("SELECT sum(quantity) FROM stock_entries WHERE goods_id = ?", (goods,)).fetchone()[0]
        assert stock == 1000 - redeemed
        assert conn.execute("SELECT count(*) FROM redemptions").fetchone()[0] == redeemed
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
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
