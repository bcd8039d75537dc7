"""Opening a station database safely, and writing to it in short, attributed transactions."""

from __future__ import annotations

import getpass
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Actor:
    """Who is making a change: recorded in the audit by the capture triggers."""

    user: str
    ssh_client: str | None = None
    program: str = "station"

    @classmethod
    def current(cls, program: str = "station") -> Actor:
        try:
            user = getpass.getuser()
        except Exception:  # no passwd entry in some containers and services
            user = os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"
        ssh = os.environ.get("SSH_CLIENT") or os.environ.get("SSH_CONNECTION")
        return cls(user=user, ssh_client=ssh.split()[0] if ssh else None, program=program)


class DatabaseError(Exception):
    """A database problem said in words a station manager can act on."""


def schema_too_new(found: int, known: int) -> DatabaseError:
    return DatabaseError(
        f"这个数据库由更新版本的程序创建（结构版本 {found}，本程序只认识到 {known}），请升级程序后再打开。"
    )


def connect(
    path: str | os.PathLike[str], *, readonly: bool = False, newest_schema: int | None = None
) -> sqlite3.Connection:
    """Open (creating if needed) a station database with the pragmas every connection needs.

    Autocommit mode (isolation_level=None): transactions are explicit, so a write is either
    ``BEGIN IMMEDIATE … COMMIT`` as a whole or nothing. With ``newest_schema``, a file made
    by a newer program is refused before anything (not even the journal mode) is changed.
    """
    target = Path(path)
    if not readonly:
        target.parent.mkdir(parents=True, exist_ok=True)
    # as_uri() percent-encodes: a folder named "台账 #2" or "a?b" must not end the path early.
    uri = f"{target.resolve().as_uri()}?mode=ro" if readonly else str(target)
    try:
        conn = sqlite3.connect(
            uri, uri=readonly, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"无法打开数据库 {target}：{exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if newest_schema is not None and found > newest_schema:
            conn.close()
            raise schema_too_new(found, newest_schema)
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":  # e.g. a network share that cannot hold a WAL
                print(f"警告：数据库无法使用 WAL 模式（{mode}）", file=sys.stderr)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(f"{target} 不是可用的台账数据库（{exc}）") from exc
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection, actor: Actor | None = None) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: all of it is committed, or none of it.

    The actor is written into the one-row ``current_actor`` table inside the transaction
    and cleared before commit, so the capture triggers attribute exactly this
    transaction's changes to it, and edits made outside the app show as such.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        if actor is not None:
            conn.execute(
                "UPDATE current_actor SET user = ?, ssh_client = ?, program = ? WHERE id = 1",
                (actor.user, actor.ssh_client, actor.program),
            )
        yield conn
        if actor is not None:
            conn.execute("UPDATE current_actor SET user = NULL, ssh_client = NULL, program = NULL WHERE id = 1")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
