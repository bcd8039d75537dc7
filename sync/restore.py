"""``station restore --from-county``: the station's own records back from the county.

For a new or repaired PC, enrolled again (``station init`` and ``station enroll`` with a
fresh enrollment code): the county sends every record it applied for this station (the
token decides which: never another station's), tombstones too, table by table in dependency
order, in pages (``GET /api/v1/records``). They are written into a NEW database beside the
target, in one transaction, with a new epoch and an empty outbox (the county already has
every one of these rows, so nothing goes up again), then the county's word is received into
it, and only then does it take the target's place. The database it replaces is kept beside
it (``station.db.before-restore-YYYYmmdd-HHMMSS``).

A database that already holds records (anything besides the station's own row) is replaced
only when asked (``force``): the records typed there since the PC was set up again would
otherwise be lost without a word.

What cannot come back: what the county never had. Quarantined changes (kept aside at the
county), ID numbers and phone numbers when the station's settings kept them from being
uploaded (they come back empty), the local pinyin search keys (computed again here).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.storage.db import put_meta
from sync.errors import SyncError

if TYPE_CHECKING:
    from collections.abc import Callable

    from station_tui.storage import Store
    from sync.county_api import CountyAPI, RetryPolicy
    from sync.credentials import Credentials
    from sync.receive import Received


class RestoreRefused(SyncError):
    """The target holds records and ``force`` was not given; nothing was changed."""


@dataclass
class RestoreReport:
    database: Path
    epoch: str = ""
    #: Records written per table (tombstones included), and how many of them are tombstones.
    tables: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0
    #: Where the database that was there before went (None: there was none).
    kept_aside: Path | None = None
    received: Received | None = None
    #: Sensitive columns that came back empty because the county never had them.
    blank_sensitive: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.tables.values())


def records_in(db_path: Path) -> int:
    """Records an existing database holds besides the station's own row (0: safe to replace)."""
    from station_tui.storage import capture

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return sum(
            int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in capture.SYNCED_TABLES
            if t != "station" and t in have
        )
    finally:
        conn.close()


def restore_from_county(
    db_path: Path,
    creds: Credentials | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] | None = None,
    policy: RetryPolicy | None = None,
    page_size: int | None = None,
) -> RestoreReport:
    from sync import credentials as credentials_mod
    from sync.county_api import CountyAPI
    from sync.runner_lock import runner_lock

    say = log or (lambda _m: None)
    db_path = Path(db_path)
    creds = creds or credentials_mod.load()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with runner_lock(db_path):  # no sync of the old database while it is being replaced
        if db_path.exists():
            try:
                held = records_in(db_path)
            except sqlite3.DatabaseError as exc:
                held = -1
                say(f"the existing database cannot be read ({exc})")
            if held and not force:
                what = f"已有 {held} 条记录" if held > 0 else "无法读取"
                raise RestoreRefused(
                    f"数据库 {db_path} {what}，没有覆盖它。确实要用县中心的记录替换它，请加上 --force"
                    "（原来的数据库会改名保留在旁边）。",
                    f"{db_path} holds {held} records; add --force to replace it (it is kept aside).",
                )
        tmp = db_path.with_name(db_path.name + ".restoring")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        report = RestoreReport(database=db_path)
        try:
            with CountyAPI(creds.server, token=creds.token, verify=creds.verify, policy=policy, log=say) as api:
                store = _new_store(tmp)
                try:
                    _fill(store, api, creds.station_code, report, say, page_size)
                    from sync.receive import receive

                    report.received = receive(api, store, creds.station_code, log=say)
                    store.conn.execute("PRAGMA journal_mode = DELETE")  # one file to move into place
                finally:
                    store.close()
            report.kept_aside = _swap(tmp, db_path)
        except BaseException:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
                leftover.unlink(missing_ok=True)
            raise
    return report


def _new_store(path: Path) -> Store:
    from station_tui.storage import Actor, Store

    return Store(path, actor=Actor.current("station restore"))


def _fill(store: Store, api: CountyAPI, code: str, report: RestoreReport,
          say: Callable[[str], None], page_size: int | None) -> None:  # fmt: skip
    """Every page of every table into the new database, in one transaction."""
    from station_tui.storage import capture
    from sync import outbox

    with store.write() as conn:
        guards = _lift_balance_guards(conn)
        for table in capture.SYNCED_TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            after: str | None = None
            count = 0
            while True:
                page = api.own_rows(table, after, page_size)
                if page.table != table or (page.rows and after is not None and page.rows[0].id <= after):
                    from sync.errors import ProtocolError

                    raise ProtocolError("县中心发来的记录次序不对，恢复已停止，没有改动本机数据库。",
                                        f"records page out of order for {table} after {after!r}")  # fmt: skip
                for row in page.rows:
                    _insert(conn, table, columns, row, report)
                count += len(page.rows)
                if not page.more or not page.rows:
                    break
                after = page.next_after
            report.tables[table] = count
            say(f"{table}: {count} records")
        _restore_balance_guards(conn, guards)
        station = conn.execute("SELECT code FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
        if station is None or station[0] != code:
            raise SyncError(
                f"县中心没有站点 {code} 的站点信息，无法恢复。请确认本站曾经同步过。",
                f"the county holds no station row for {code}",
            )
        # The county has every one of these rows: nothing to upload, seq starts again at 1.
        conn.execute("DELETE FROM outbox")
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'outbox'")
        epoch = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]
        report.epoch = str(epoch)
        for key, value in (
            ("acked_seq", "0"),
            ("restored_from_county", outbox.now_local()),
            ("epoch_history", json.dumps([{"ended": None, "at": outbox.now_local(),
                                           "reason": f"restored from the county ({report.total} records)"}],
                                          ensure_ascii=False)),
        ):  # fmt: skip
            put_meta(conn, key, value)


def _lift_balance_guards(conn: sqlite3.Connection) -> list[str]:
    """Drop the never-below-zero triggers for the restore's transaction and return their SQL.

    The county sends a ledger's entries in id order, which is not the order they were made
    when the station's clock once went back, so a redemption may arrive before the points it
    spent. What the triggers guard is the sum once every entry is in: checked then."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name GLOB '*_never_below_zero'"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP TRIGGER {name}")
    return [sql for _, sql in rows]


def _restore_balance_guards(conn: sqlite3.Connection, guards: list[str]) -> None:
    """Put the triggers back (inside the same transaction) after checking every sum."""
    from station_tui.domain.kinds import KINDS

    for kind in KINDS:
        if kind.never_below_zero is None:
            continue
        owner, amount = kind.never_below_zero
        short = conn.execute(
            f"SELECT {owner}, sum({amount}) FROM {kind.table} WHERE deleted = 0 "
            f"GROUP BY {owner} HAVING sum({amount}) < 0 LIMIT 1"
        ).fetchone()
        if short is not None:
            raise SyncError(
                f"县中心的积分或库存明细合计为负数（{kind.table} {short[0]}：{short[1]}），"
                "恢复已停止，没有改动本机数据库。",
                f"the county's {kind.table} sum below zero for {short[0]} ({short[1]})",
            )
    for sql in guards:
        conn.execute(sql)


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], row: Any, report: RestoreReport) -> None:
    from station_tui.storage import capture

    try:
        data = json.loads(row.row)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("id") != row.id:
        raise SyncError(f"县中心的一条记录（{table} {row.id}）无法读取，恢复已停止，没有改动本机数据库。",
                        f"unreadable record {table} {row.id}")  # fmt: skip
    from station_tui.storage.replica import values_of

    values = values_of(table, columns, data)
    for col in capture.SENSITIVE_COLUMNS:
        if col in values and values[col] is None and col not in report.blank_sensitive:
            report.blank_sensitive.append(col)
    names = list(values)
    try:
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )
    except sqlite3.IntegrityError as exc:
        raise SyncError(
            f"县中心的记录（{table} {row.id}）与其他记录对不上（{exc}），恢复已停止，没有改动本机数据库。",
            f"record {table} {row.id} does not fit: {exc}",
        ) from exc
    if data.get("deleted"):
        report.tombstones += 1


def _swap(tmp: Path, db_path: Path) -> Path | None:
    """Put the new database in place; the old one (and its WAL) is renamed, never deleted."""
    kept: Path | None = None
    if db_path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{kept}{suffix}"))
        os.replace(db_path, kept)
    os.replace(tmp, db_path)
    return kept
