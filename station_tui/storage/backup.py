"""Backups of a station database and restoring one: ``station backup`` / ``station restore FILE``
and the 同步 screen's 备份 key.

A backup is made with SQLite's online backup API from a connection of its own, in one step: it
reads one consistent snapshot (WAL lets the app, a sync or another writer go on committing
meanwhile), so the copy holds exactly the commits made before it started. The copy is written
under a temporary name, checked with ``PRAGMA integrity_check``, turned into a single file
(rollback journal, no ``-wal``) and only then given its name ``station-YYYY-MM-DD-HHMM.db``.
The last ``keep`` files with such names are kept in the directory; nothing else there is ever
deleted.

A restore never writes to the backup file: it copies it next to the database, checks the copy
(a SQLite file, whole, passing ``integrity_check``, a station database of a schema this program
knows, the same station as the current database), migrates it, gives it a new sync epoch (so the
county never confuses it with its past, and the next sync re-sends its whole change log: the
county answers "duplicate" for what it has), and only then moves the current database aside
(renamed with a timestamp, its ``-wal`` and ``-shm`` too) and puts the copy in its place.

Headless: no Textual, no pydantic.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from station_tui.storage.db import BUSY_TIMEOUT_MS, Actor, DatabaseError, connect, put_meta, write_transaction

if TYPE_CHECKING:
    from station_tui.storage import Store

#: Our backups' names: ``station-2026-12-05-2010.db`` (a second one in the same minute: ``-2``).
BACKUP_NAME = re.compile(r"^station-(\d{4}-\d{2}-\d{2}-\d{4})(?:-(\d+))?\.db$")
#: Where a backup is written before it has been checked.
_PARTIAL = ".partial"
#: The directory beside the backups that holds the photos (content-addressed, shared by all).
PHOTOS = "photos"
SQLITE_HEADER = b"SQLite format 3\x00"
#: Meta keys this module writes.
META_LAST_BACKUP = "last_backup"
META_RESTORED = "restored_from"

#: The record tables counted in a restore's report, with the words people know them by.
_COUNTED = (
    ("lectures", "宣讲", "lectures"),
    ("activities", "活动", "activities"),
    ("people", "人员", "people"),
    ("teams", "队伍", "teams"),
    ("venues", "阵地", "venues"),
    ("attendance", "签到", "attendance lines"),
)


class BackupError(Exception):
    """A backup or restore that did not happen, said in Chinese and English. Nothing was changed
    (a restore leaves the current database as it was; a backup leaves no half-written file)."""

    #: 1: a person must look (broken or foreign file, no room); 75: busy, try again later.
    exit_code = 1

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh, self.en = zh, en


class Busy(BackupError):
    exit_code = 75


def default_backup_dir(db_path: Path) -> Path:
    """``backups`` in the station's data directory: the folder the database lives in (the
    platform's data directory unless ``--db``/``STATION_DB`` put it elsewhere)."""
    return Path(db_path).parent / "backups"


def readable_size(n: int) -> str:
    """A file's size as people read it: ``2.4 MB``, ``512 KB``."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def photos_dir(db_path: Path) -> Path:
    """The station's photos (``storage/photos.py``: ``station.db`` → ``station-photos/``). A
    backup copies the directory if it exists; a station without photos has none."""
    from station_tui.storage import photos

    return photos.photos_dir(Path(db_path))


# -- backup ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    at: str
    photos_copied: int = 0
    photos_total: int = 0
    removed: tuple[Path, ...] = ()


def backup(
    db_path: Path,
    target_dir: Path | None = None,
    *,
    keep: int = 10,
    now: datetime | None = None,
    create_parents: bool = False,
) -> BackupResult:
    """Copy the database (and its photos) into ``target_dir``, check the copy, keep the last
    ``keep`` backups there, and note the backup in the database's meta."""
    db_path = Path(db_path)
    if keep < 1:
        raise ValueError("keep must be at least 1")
    if not db_path.is_file():
        raise BackupError(
            f"找不到数据库 {db_path}，没有可备份的内容。", f"No database at {db_path}: nothing to back up."
        )
    target_dir = Path(target_dir) if target_dir is not None else default_backup_dir(db_path)
    try:
        # A USB stick that is not plugged in must not become a folder on the PC's own disk:
        # a directory given by the user is made only if its parent exists.
        target_dir.mkdir(parents=create_parents, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"无法使用备份文件夹 {target_dir}（{exc.strerror or exc}）。U 盘是否插好？文件夹是否存在、可写？",
            f"Cannot use the backup folder {target_dir} ({exc.strerror or exc}). "
            "Is the USB stick plugged in? Does the folder exist, can it be written?",
        ) from exc
    stamp = (now or datetime.now()).replace(microsecond=0)
    final = _free_name(target_dir, stamp)
    partial = final.with_name(final.name + _PARTIAL)
    _clear_partials(target_dir)
    try:
        _copy_database(db_path, partial)
        size = partial.stat().st_size
        os.replace(partial, final)
        _fsync_dir(target_dir)
    except BaseException:
        _remove_quietly(partial)
        raise
    copied, total = _copy_photos(photos_dir(db_path), target_dir / PHOTOS)
    removed = prune(target_dir, keep)
    at = stamp.isoformat(timespec="seconds")
    result = BackupResult(final, size, at, copied, total, tuple(removed))
    _note_backup(db_path, result)
    return result


def _copy_database(db_path: Path, target: Path) -> None:
    try:
        # mode=rw, never created; not mode=ro: a read-only reader of a WAL database leaves its
        # -wal and -shm behind when it is the last to close. The backup only reads.
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise BackupError(f"无法打开数据库 {db_path}：{exc}", f"Cannot open {db_path}: {exc}") from exc
    try:
        dest = sqlite3.connect(target, isolation_level=None)
        try:
            # One step (pages=-1): the whole database from one read snapshot. Writers in WAL mode
            # keep committing meanwhile; their commits are simply not in this copy.
            source.backup(dest)
            # A single self-contained file: a FAT USB stick, another PC, `station restore`.
            dest.execute("PRAGMA journal_mode = DELETE")
            verdict = [row[0] for row in dest.execute("PRAGMA integrity_check").fetchall()]
            if verdict != ["ok"]:
                raise BackupError(
                    f"备份的副本没有通过完整性检查（{'; '.join(verdict[:3])}），已删除。"
                    "原数据库可能已损坏，请联系技术人员。",
                    f"The copy failed integrity_check ({'; '.join(verdict[:3])}) and was deleted; "
                    "the database itself may be damaged.",
                )
        finally:
            dest.close()
        with open(target, "rb+") as fh:
            os.fsync(fh.fileno())
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise Busy(
                f"数据库 {db_path} 正忙（例如正在恢复），请稍后再备份。",
                f"The database is busy ({exc}); try again later.",
            ) from exc
        raise _write_failed(target, exc) from exc
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"数据库 {db_path} 无法读取（{exc}），没有生成备份。请联系技术人员。", f"Cannot read {db_path}: {exc}"
        ) from exc
    finally:
        source.close()


def _write_failed(target: Path, exc: Exception) -> BackupError:
    return BackupError(
        f"写入备份 {target.parent} 失败（{exc}）。U 盘或磁盘是否已满、是否被拔出？没有留下不完整的备份。",
        f"Writing the backup into {target.parent} failed ({exc}); no partial backup was left.",
    )


def _free_name(target_dir: Path, stamp: datetime) -> Path:
    base = f"station-{stamp:%Y-%m-%d-%H%M}"
    candidate, n = target_dir / f"{base}.db", 1
    while candidate.exists():
        n += 1
        candidate = target_dir / f"{base}-{n}.db"
    return candidate


def backups_in(target_dir: Path) -> list[Path]:
    """Our backups in a directory, oldest first (by the date and time in their names)."""
    found: list[tuple[str, int, Path]] = []
    try:
        entries = list(Path(target_dir).iterdir())
    except OSError:
        return []
    for entry in entries:
        m = BACKUP_NAME.match(entry.name)
        if m and entry.is_file():
            found.append((m.group(1), int(m.group(2) or 1), entry))
    return [p for _, _, p in sorted(found)]


def prune(target_dir: Path, keep: int) -> list[Path]:
    """Delete all but the last ``keep`` of our backups there; nothing else is touched."""
    ours = backups_in(target_dir)
    removed = []
    for old in ours[: max(0, len(ours) - keep)]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass  # read-only or in use: kept, and the next backup tries again
    return removed


def _clear_partials(target_dir: Path) -> None:
    """What an interrupted backup (power cut, kill) left: only our own names."""
    for entry in target_dir.glob(f"station-*.db{_PARTIAL}"):
        if BACKUP_NAME.match(entry.name[: -len(_PARTIAL)]):
            _remove_quietly(entry)


def _copy_photos(source: Path, target: Path) -> tuple[int, int]:
    """Copy the photos that are not in ``target`` yet (content-addressed files never change, so a
    file already there with the same size is the same photo). Returns (copied, total)."""
    if not source.is_dir():
        return 0, 0
    copied = total = 0
    try:
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            total += 1
            dest = target / path.relative_to(source)
            if dest.is_file() and dest.stat().st_size == path.stat().st_size:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(dest.name + _PARTIAL)
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
            copied += 1
    except OSError as exc:
        raise BackupError(
            f"数据库已备份，但复制照片到 {target} 时失败（{exc}）。请检查空间后再备份一次。",
            f"The database was backed up, but copying the photos into {target} failed: {exc}",
        ) from exc
    return copied, total


def _note_backup(db_path: Path, result: BackupResult) -> None:
    record = json.dumps({"at": result.at, "path": str(result.path.resolve()), "size": result.size}, ensure_ascii=False)
    try:
        conn = connect(db_path)
        try:
            with write_transaction(conn) as c:
                _put(c, META_LAST_BACKUP, record)
        finally:
            conn.close()
    except (sqlite3.Error, DatabaseError):
        pass  # the backup itself is good; the note is only what the 同步 screen shows


def parse_last_backup(raw: str | None) -> dict[str, object] | None:
    """The last backup noted in the database (meta ``last_backup``): ``{"at", "path", "size"}``."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return {"at": str(data["at"]), "path": str(data["path"]), "size": int(data["size"])}
    except (ValueError, KeyError, TypeError):
        return None


# -- restore --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    source: Path
    db_path: Path
    station_code: str
    station_name: str
    schema_from: int
    schema_to: int
    epoch: str
    counts: dict[str, int]
    aside: tuple[Path, ...] = ()
    photos_copied: int = 0
    other_station: str | None = None
    #: Records given a new change so that the county takes the restored state (see _restamp).
    restamped: int = 0


def refused(zh: str, en: str) -> BackupError:
    return BackupError(
        f"不能恢复：{zh}当前数据库没有任何改动。", f"Not restored: {en} The current database is unchanged."
    )


def restore(
    source: Path,
    db_path: Path,
    *,
    force_other_station: bool = False,
    now: datetime | None = None,
    newest_schema: int | None = None,
    migrate: Callable[[sqlite3.Connection], int] | None = None,
) -> RestoreResult:
    """Put the backup ``source`` in place of ``db_path`` (see the module's docstring)."""
    from station_tui.storage import migrations

    newest = migrations.LATEST if newest_schema is None else newest_schema
    migrate = migrate or migrations.migrate
    source, db_path = Path(source), Path(db_path)
    wal_copy: Path | None = None
    stamp = (now or datetime.now()).replace(microsecond=0)
    if source.resolve() == db_path.resolve():
        raise refused("这个文件就是当前数据库本身。", "that file is the current database itself.")
    _check_file(source)
    work = db_path.with_name(db_path.name + ".restoring")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_db_files(work)
    try:
        try:
            shutil.copyfile(source, work)
            wal = source.with_name(source.name + "-wal")
            if wal.is_file():  # a live database copied with its WAL: the WAL holds its last commits
                shutil.copyfile(wal, work.with_name(work.name + "-wal"))
        except OSError as exc:
            raise BackupError(
                f"不能恢复：无法读取 {source} 或写入 {db_path.parent}（{exc}）。当前数据库没有任何改动。",
                f"Not restored: cannot copy {source} next to the database ({exc}). The current database is unchanged.",
            ) from exc
        code, name, found_version = _check_copy(work, newest)
        # Reading a damaged database makes SQLite drop a WAL it cannot read: keep a copy first,
        # so that what is moved aside is everything that was there.
        wal_copy = _copy_of_wal(db_path)
        current, readable = _current_station(db_path)
        other = None
        if current is not None and current != code:
            if not force_other_station:
                raise refused(
                    f"备份属于另一个站（区划代码 {code}，{name}），当前数据库是 {current} 站的。"
                    "如确实要换成那个站的数据，请加 --force-other-station。",
                    f"the backup belongs to another station ({code}), the current database to {current}; "
                    "add --force-other-station if that is really meant.",
                )
            other = current
        epoch, counts = _prepare(work, migrate, source, stamp)
        aside, restamped = _swap_in(
            work, db_path, stamp, Actor.current("station restore"), None if readable else wal_copy
        )
    except BaseException:
        _remove_db_files(work)
        raise
    finally:
        if wal_copy is not None:
            _remove_quietly(wal_copy)
    copied = 0
    backup_photos = source.parent / PHOTOS
    if backup_photos.is_dir() and BACKUP_NAME.match(source.name):
        try:
            copied, _ = _copy_photos(backup_photos, photos_dir(db_path))
        except BackupError:
            pass  # the records are back; the photos can be copied again by a second restore
    return RestoreResult(
        source=source,
        db_path=db_path,
        station_code=code,
        station_name=name,
        schema_from=found_version,
        schema_to=newest,
        epoch=epoch,
        counts=counts,
        aside=tuple(aside),
        photos_copied=copied,
        other_station=other,
        restamped=restamped,
    )


def _check_file(source: Path) -> None:
    """A SQLite file, and whole: its header's page count fits its size."""
    try:
        with open(source, "rb") as fh:
            header = fh.read(100)
        size = source.stat().st_size
    except FileNotFoundError:
        raise refused(f"找不到文件 {source}。", f"no file {source}.") from None
    except OSError as exc:
        raise refused(f"无法读取 {source}（{exc.strerror or exc}）。", f"cannot read {source} ({exc}).") from exc
    if not header.startswith(SQLITE_HEADER):
        raise refused(
            f"{source} 不是台账数据库的备份（不是 SQLite 数据库文件）。", f"{source} is not a SQLite database."
        )
    if len(header) < 100:
        raise _truncated(source)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The header's page count is valid when its "version valid for" equals the change counter.
    counted = header[24:28] == header[92:96] and pages > 0
    if page_size < 512 or size % page_size or (counted and size < pages * page_size):
        raise _truncated(source)


def _truncated(source: Path) -> BackupError:
    return refused(
        f"{source} 不完整（文件被截断，可能复制时中断了），请换一个备份。",
        f"{source} is truncated (an interrupted copy?); use another backup.",
    )


def _check_copy(work: Path, newest: int) -> tuple[str, str, int]:
    """The copy is whole, a station database, of a schema this program knows: (code, name, version)."""
    try:
        conn = sqlite3.connect(work, isolation_level=None)
    except sqlite3.Error as exc:
        raise refused(f"备份文件无法打开（{exc}）。", f"the backup cannot be opened ({exc}).") from exc
    try:
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            verdict = [str(exc)]
        if verdict != ["ok"]:
            raise refused(
                f"备份文件已损坏，没有通过完整性检查（{'; '.join(verdict[:2])}），请换一个备份。",
                f"the backup is damaged: integrity_check says {'; '.join(verdict[:2])}.",
            )
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"station", "meta", "outbox"} <= tables or version < 1:
            raise refused(
                "这个文件不是本程序的台账数据库（没有站点表）。",
                "the file is not a station database (no station table).",
            )
        if version > newest:
            raise refused(
                f"备份由更新版本的程序创建（结构版本 {version}，本程序只认识到 {newest}），请先升级程序。",
                f"the backup was made by a newer program (schema {version}, this one knows up to {newest}); "
                "upgrade first.",
            )
        row = conn.execute("SELECT code, name FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
        if row is None:
            raise refused("备份里没有站点信息，不是某个站的台账数据库。", "the backup holds no station.")
        return str(row[0]), str(row[1]), version
    except sqlite3.DatabaseError as exc:
        raise refused(f"备份文件无法读取（{exc}）。", f"the backup cannot be read ({exc}).") from exc
    finally:
        conn.close()


def _copy_of_wal(db_path: Path) -> Path | None:
    wal = Path(f"{db_path}-wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        return None
    kept = db_path.with_name(db_path.name + ".wal-kept")
    try:
        shutil.copyfile(wal, kept)
    except OSError:
        return None
    return kept


def _current_station(db_path: Path) -> tuple[str | None, bool]:
    """The current database's station code (None when it has none) and whether it could be
    read at all (often it cannot: that is why a backup is being restored)."""
    if not db_path.is_file():
        return None, True
    try:
        # Read-write but never created (mode=rw): a read-only reader of a WAL database leaves
        # its -wal and -shm behind, and the current database must be left as it was found.
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None, False
    try:
        row = conn.execute("SELECT code FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
        return (str(row[0]) if row else None), True
    except sqlite3.Error:
        return None, False
    finally:
        conn.close()


def _prepare(
    work: Path, migrate: Callable[[sqlite3.Connection], int], source: Path, stamp: datetime
) -> tuple[str, dict[str, int]]:
    """Migrate the copy, give it a new epoch, count its records; leave it a single file."""
    try:
        conn = connect(work)
    except DatabaseError as exc:
        raise refused(f"备份文件无法打开（{exc}）。", f"the backup cannot be opened ({exc}).") from exc
    try:
        migrate(conn)
        epoch = str(uuid.uuid4())
        with write_transaction(conn) as c:
            old = c.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
            history_row = c.execute("SELECT value FROM meta WHERE key = 'epoch_history'").fetchone()
            try:
                history = json.loads(history_row[0]) if history_row and history_row[0] else []
            except ValueError:
                history = []
            at = stamp.isoformat(timespec="seconds")
            history.append({"ended": old[0] if old else None, "at": at, "reason": f"restored from backup {source}"})
            # The same rules as sync/outbox.py start_new_epoch: a new epoch starts at seq 0, so
            # the next sync re-sends the whole change log and the county keeps what it has.
            _put(c, "epoch", epoch)
            _put(c, "acked_seq", "0")
            _put(c, "epoch_history", json.dumps(history, ensure_ascii=False))
            _put(c, "last_sync_error", None)
            _put(c, META_RESTORED, json.dumps({"file": str(source), "at": at}, ensure_ascii=False))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {
            t: int(conn.execute(f"SELECT count(*) FROM {t} WHERE deleted = 0").fetchone()[0])
            for t, _, _ in _COUNTED
            if t in tables
        }
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise refused(f"无法升级或整理备份（{exc}）。", f"the backup could not be migrated ({exc}).") from exc
    finally:
        conn.close()
    return epoch, counts


def _swap_in(
    work: Path, db_path: Path, stamp: datetime, restamp_actor: Actor, wal_copy: Path | None
) -> tuple[list[Path], int]:
    """Move the current database aside and the prepared copy into its place, while nobody
    (no app, no sync) has the database open. ``wal_copy``: the WAL of a damaged database as it
    was found, kept beside it if SQLite dropped the original."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(db_path.with_name(db_path.name + ".sync.lock")), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(
            "不能恢复：正在同步，请等同步结束后再试。当前数据库没有任何改动。",
            "Not restored: a sync is running; try again when it has finished. The current database is unchanged.",
        ) from None
    try:
        if db_path.exists():
            _make_sure_nobody_has_it_open(db_path)
        restamped = _restamp(work, db_path, restamp_actor)
        aside: list[Path] = []
        if db_path.exists() or Path(f"{db_path}-wal").exists():
            target = _aside_name(db_path, stamp)
            for suffix in ("", "-wal", "-shm"):
                present = Path(f"{db_path}{suffix}")
                if present.exists():
                    moved = Path(f"{target}{suffix}")
                    os.replace(present, moved)
                    aside.append(moved)
            if wal_copy is not None and wal_copy.exists() and not Path(f"{target}-wal").exists():
                os.replace(wal_copy, Path(f"{target}-wal"))
                aside.append(Path(f"{target}-wal"))
        os.replace(work, db_path)
        _fsync_dir(db_path.parent)
        return aside, restamped
    finally:
        lock.release()


def _restamp(work: Path, current: Path, actor: Actor) -> int:
    """Give every record whose state the county may hold newer a new change of its own.

    Re-sending the backup's change log is not enough: a change the county already has comes
    back ``duplicate`` and is not applied again, so a record edited or deleted after the backup
    (and synced) would stay that way at the county while the station has it as the backup does.
    A record whose version, time and deletion mark differ from the database being replaced
    (or every record, when there is none or it cannot be read) is therefore stamped again:
    lowering its ``row_version`` makes the capture trigger raise it past the old one, set its
    ``updated_at`` and write the row to the outbox; in the new epoch that change outranks
    whatever the county holds. Returns how many records were stamped."""
    conn = connect(work)
    try:
        tables = _synced_tables(conn)
        compare = False
        if current.is_file():
            try:
                conn.execute("ATTACH DATABASE ? AS old", (str(current),))
                old_tables = {r[0] for r in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
                compare = True
            except sqlite3.DatabaseError:
                compare = False  # damaged: every record is stamped
        stamped = 0
        with write_transaction(conn, actor) as c:
            for table in changeable(tables):
                if compare and table in old_tables:
                    where = (
                        f" WHERE NOT EXISTS (SELECT 1 FROM old.{table} AS o WHERE o.id = {table}.id"
                        f" AND o.row_version IS {table}.row_version AND o.updated_at IS {table}.updated_at"
                        f" AND o.deleted IS {table}.deleted)"
                    )
                else:
                    where = ""
                stamped += c.execute(f"UPDATE main.{table} SET row_version = row_version - 1{where}").rowcount
        if compare:
            conn.execute("DETACH DATABASE old")
        conn.execute("PRAGMA journal_mode = DELETE")
        return stamped
    except sqlite3.DatabaseError as exc:
        raise refused(f"无法整理备份（{exc}）。", f"the backup could not be prepared ({exc}).") from exc
    finally:
        conn.close()


def changeable(tables: list[str]) -> list[str]:
    """The tables whose records can change after they are made. A ledger entry (hours, points,
    stock, a request's move, a certificate) never does, so the county's copy of one is the
    station's and a new stamp would say nothing; the triggers of most of them refuse it anyway."""
    from station_tui.domain.kinds import BY_TABLE

    return [t for t in tables if not (t in BY_TABLE and BY_TABLE[t].append_only)]


def restamp_everything(store: Store) -> int:
    """Give every record that can change a new change of its own, in one transaction: for a
    database put back by hand (a copied file), where the one it replaced is gone and nothing
    tells which records the county holds newer. In the new epoch these changes outrank the
    lost timeline's, so the county ends with what the station has (see ``_restamp``)."""
    with store.write() as c:
        tables = _synced_tables(c)
        return sum(c.execute(f"UPDATE {t} SET row_version = row_version - 1").rowcount for t in changeable(tables))


def _synced_tables(conn: sqlite3.Connection) -> list[str]:
    """The synced tables of the (migrated) copy, in dependency order."""
    from station_tui.storage.migrations import latest_capture

    present = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    return [t for t in latest_capture()[0] if t in present]


def _make_sure_nobody_has_it_open(db_path: Path) -> None:
    """Leaving WAL mode needs the database to oneself: SQLite refuses it at once while the app
    or another program holds it open. It also writes the WAL's last commits into the file, so
    the database kept aside is one whole file."""
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return  # cannot even be opened: broken, moved aside as it is
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise Busy(
                "不能恢复：数据库正被程序（或另一个窗口、同步）打开。请先退出程序，再运行恢复。当前数据库没有任何改动。",
                "Not restored: the database is open in the app or another program; quit it first. "
                "The current database is unchanged.",
            ) from exc
    except sqlite3.DatabaseError:
        pass  # damaged: moved aside as it is, with its WAL
    finally:
        conn.close()


def _aside_name(db_path: Path, stamp: datetime) -> Path:
    base = f"{db_path.stem}.before-restore-{stamp:%Y-%m-%d-%H%M%S}"
    candidate, n = db_path.with_name(f"{base}{db_path.suffix}"), 1
    while candidate.exists():
        n += 1
        candidate = db_path.with_name(f"{base}-{n}{db_path.suffix}")
    return candidate


def count_labels(counts: dict[str, int], language: str = "zh_CN") -> str:
    """``宣讲 12 场记录、活动 20 …`` for the restore's report."""
    parts = []
    for table, zh, en in _COUNTED:
        if table in counts:
            parts.append(f"{zh} {counts[table]}" if language != "en" else f"{counts[table]} {en}")
    return ("、" if language != "en" else ", ").join(parts)


# -- small helpers ------------------------------------------------------------------------
def _put(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    put_meta(conn, key, value)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        _remove_quietly(Path(f"{path}{suffix}"))


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
