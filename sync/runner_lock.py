"""One sync runner per station database: a lock file next to the database.

The OS releases the lock when its holder dies (even ``kill -9``), so a crashed run never
blocks the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.errors import AlreadyRunning


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync.lock")


@contextmanager
def runner_lock(db_path: Path) -> Iterator[None]:
    """Hold the runner lock, or raise AlreadyRunning at once (never wait for it)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(db_path)), timeout=0)
    try:
        lock.acquire()
    except Timeout:  # (a TimeoutError, hence an OSError: it must be caught first)
        raise AlreadyRunning(
            "另一个同步正在进行，本次不再重复运行。",
            f"Another sync of {db_path} is running; this one exits (try later).",
        ) from None
    except OSError as exc:
        from sync.errors import SyncError

        raise SyncError(
            f"无法在数据库所在的文件夹里创建同步锁文件（{exc.strerror}），请检查文件夹权限。",
            f"Cannot create the lock file {lock_path(db_path)}: {exc}",
        ) from exc
    try:
        yield
    finally:
        lock.release()
