"""Opening a station database safely, and writing to it in short, attributed transactions."""

from __future__ import annotations

import errno
import getpass
import os
import sqlite3
import sys
import time
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


class DiskFull(DatabaseError, sqlite3.OperationalError):
    """The disk holding the database has no room left: the file is intact, nothing was written.

    Also an ``sqlite3.OperationalError``, so code that already handles a failed write (and
    rolls back) handles this one the same way."""


def disk_full(target: Path) -> DiskFull:
    return DiskFull(
        f"磁盘已满：{target.parent} 所在的磁盘没有剩余空间，数据库没有写入任何内容（文件本身完好）。"
        f"请删除不要的文件或换一个磁盘，腾出空间后再试。\n"
        f"The disk holding {target} is full; nothing was written and the file is intact. Free some space and retry."
    )


#: A write this big is what opening in WAL mode needs (the -wal and -shm files).
_PROBE_BYTES = 64 * 1024
#: SQLite's result code for a full disk: ``sqlite3.SQLITE_FULL``, which Python 3.10 lacks.
_SQLITE_FULL = 13


def _is_disk_full(exc: sqlite3.Error, target: Path) -> bool:
    """SQLite says "database or disk is full" for a full disk while writing, but only "disk I/O
    error" when it cannot create the -wal or -shm file on opening; then ask the disk itself."""
    if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or "disk is full" in str(exc):
        return True
    if "disk I/O error" not in str(exc):
        return False
    probe = target.parent / f".{target.name}.space-probe"
    try:
        with probe.open("wb") as handle:
            handle.write(b"\0" * _PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    finally:
        probe.unlink(missing_ok=True)
    return False


def main_file(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row is not None and row[2] else None


def put_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Set one ``meta`` value inside the caller's transaction."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


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
        if _is_disk_full(exc, target):
            raise disk_full(target) from exc
        raise DatabaseError(f"无法打开数据库 {target}：{exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if newest_schema is not None and found > newest_schema:
            conn.close()
            raise schema_too_new(found, newest_schema)
        if not readonly:
            mode = _switch_to_wal(conn)
            if mode.lower() != "wal":  # e.g. a network share that cannot hold a WAL
                print(f"警告：数据库无法使用 WAL 模式（{mode}）", file=sys.stderr)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_disk_full(exc, target):
            raise disk_full(target) from exc
        raise DatabaseError(f"{target} 不是可用的台账数据库（{exc}）") from exc
    return conn


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Set WAL mode, waiting out a second process that is creating the same file.

    Changing the journal mode needs an exclusive lock and SQLite may report "locked" at
    once instead of calling the busy handler, so retry for as long as the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        target = main_file(conn) if not isinstance(exc, DiskFull) else None
        if target is not None and _is_disk_full(exc, target):
            raise disk_full(target) from exc
        raise
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
