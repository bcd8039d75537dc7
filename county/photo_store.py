"""The county's photo files: received in resumable chunks, checked by SHA-256, kept once.

A station uploads a photo's bytes after the records that name it (docs/sync-protocol.md,
*Photo files*). The county keeps what arrived of an upload under way by hash, so a cut link,
a killed ``station sync`` or a killed county resumes where the bytes stop; when the last byte
is there it checks the SHA-256 of the whole file against its name and only then keeps it —
on disk (``<photo dir>/<sha[:2]>/<sha>.jpg``) or in the database (``photo_blobs``), as the
county chose (``county-center serve --photo-store``). One copy serves every station whose
records name the hash.

Readers (the staff route, ``county-center photo get``, the county's 台账) use only
:meth:`PhotoStore.open` / :meth:`PhotoStore.path` and :meth:`PhotoStore.listing`.

Where a partial upload lives, and why a crash never leaves a wrong byte counted:

- disk: ``<photo dir>/.partial/<sha>.part``. A chunk is written at the offset the database
  says (the file is cut back to it first: bytes written by a process killed before its commit
  are dropped), fsynced, and then the new offset is committed;
- database: one ``photo_parts`` row per chunk, in the same transaction as the new offset.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, select
from sqlalchemy.engine import make_url

from county.errors import ApiError, bad_request
from county.schema import photo_blobs, photo_files, photo_parts, photo_uploads, records
from sync import protocol
from sync.protocol import utc_now

if TYPE_CHECKING:
    from county.store import CountyStore, StationRow

log = logging.getLogger("county")

PhotoKeep = Literal["disk", "database"]
PHOTOS_DIR_ENV = "COUNTY_PHOTOS_DIR"
PHOTO_STORE_ENV = "COUNTY_PHOTO_STORE"
KEEPS: tuple[PhotoKeep, ...] = ("disk", "database")
_READ = 1 << 20


def default_directory(url: str) -> Path:
    """Beside a SQLite store (``county.db`` → ``county-photos/``); for PostgreSQL, in the
    platform's data directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        db = Path(parsed.database).expanduser()
        return db.with_name(f"{db.stem}-photos")
    from platformdirs import user_data_path

    from county.store import APP_NAME

    return user_data_path(APP_NAME, appauthor=False) / "photos"


def resolve_directory(url: str, cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--photos-dir`` beats ``COUNTY_PHOTOS_DIR`` beats the default beside the store."""
    value = cli_value or os.environ.get(PHOTOS_DIR_ENV)
    return Path(value).expanduser().resolve() if value else default_directory(url)


def resolve_keep(cli_value: str | None = None) -> PhotoKeep:
    value = (cli_value or os.environ.get(PHOTO_STORE_ENV) or "disk").strip().lower()
    if value not in KEEPS:
        raise ValueError(
            f"照片存放方式只能是 disk 或 database，不是“{value}” / photo store must be disk or database, not {value!r}"
        )
    return value


class PhotoStore:
    """The county's photo files over ``store`` (its database) and ``directory`` (its disk)."""

    def __init__(self, store: CountyStore, directory: Path | None = None, keep: PhotoKeep = "disk") -> None:
        self.store = store
        self.directory = Path(directory) if directory is not None else default_directory(store.url)
        #: Where photos completed from now on go; each stored photo remembers its own place.
        self.keep: PhotoKeep = keep

    @classmethod
    def configured(cls, store: CountyStore, directory: str | None = None, keep: str | None = None) -> PhotoStore:
        """With the command line's choices, else the environment's, else the defaults."""
        return cls(store, resolve_directory(store.url, directory), resolve_keep(keep))

    # -- reading: what county staff (and the county's 台账) use ------------------------------
    def open(self, sha256: str) -> bytes | None:
        """The photo's bytes, or None when the county does not hold it whole (or its file was
        damaged on disk since: logged, never served as the photo)."""
        if not protocol.is_sha256(sha256):
            return None
        with self.store._reading() as conn:
            row = conn.execute(select(photo_files.c.stored).where(photo_files.c.sha256 == sha256)).first()
            if row is None:
                return None
            if row[0] == "database":
                data = conn.execute(select(photo_blobs.c.data).where(photo_blobs.c.sha256 == sha256)).scalar()
            else:
                data = None
        if row[0] != "database":
            try:
                data = self._final(sha256).read_bytes()
            except OSError as exc:
                log.error("photo %s is recorded as stored but its file cannot be read: %s", sha256, exc)
                return None
        if data is None or hashlib.sha256(data).hexdigest() != sha256:
            log.error("photo %s is damaged in the county's store (its bytes no longer match its hash)", sha256)
            return None
        return bytes(data)

    def path(self, sha256: str) -> Path | None:
        """The file of a photo kept on disk (not re-checked; :meth:`open` checks), else None."""
        if not protocol.is_sha256(sha256):
            return None
        with self.store._reading() as conn:
            stored = conn.execute(select(photo_files.c.stored).where(photo_files.c.sha256 == sha256)).scalar()
        target = self._final(sha256)
        return target if stored == "disk" and target.is_file() else None

    def held(self, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` the county holds whole."""
        wanted = [h for h in set(hashes) if protocol.is_sha256(h)]
        found: set[str] = set()
        with self.store._reading() as conn:
            for i in range(0, len(wanted), 500):
                found.update(
                    conn.execute(
                        select(photo_files.c.sha256).where(photo_files.c.sha256.in_(wanted[i : i + 500]))
                    ).scalars()
                )
        return found

    def listing(self, station_code: str) -> list[dict[str, Any]]:
        """Every live photo record of a station, oldest record first, with the record it
        belongs to (date and title), its caption and whether the file has arrived."""
        with self.store._reading() as conn:
            station = self.store._station_by_code(conn, station_code)
            photo_rows = _rows(conn, station.id, "photos")
            owners: dict[tuple[str, str], dict[str, Any]] = {}
            for table in {str(r.get("record_table")) for r in photo_rows}:
                if table in ("lectures", "activities", "requests"):
                    for row in _rows(conn, station.id, table, include_deleted=True):
                        owners[(table, str(row.get("id")))] = row
            hashes = [str(r.get("sha256")) for r in photo_rows]
            stored: set[str] = set()
            partial: dict[str, int] = {}
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                stored.update(conn.execute(select(photo_files.c.sha256).where(photo_files.c.sha256.in_(part))).scalars())
                partial.update(
                    (str(s), int(n))
                    for s, n in conn.execute(
                        select(photo_uploads.c.sha256, photo_uploads.c.received).where(photo_uploads.c.sha256.in_(part))
                    )
                )
        items = []
        for r in photo_rows:
            table, record_id, sha = str(r.get("record_table")), str(r.get("record_id")), str(r.get("sha256"))
            owner = owners.get((table, record_id), {})
            items.append({
                "id": r.get("id"),
                "record_table": table,
                "record_id": record_id,
                "record_date": owner.get("date") or owner.get("received_on"),
                "record_title": owner.get("topic") or owner.get("title") or owner.get("wish"),
                "caption": r.get("caption"),
                "sha256": sha,
                "size_bytes": r.get("size_bytes"),
                "width": r.get("width"),
                "height": r.get("height"),
                "arrived": sha in stored,
                "received": r.get("size_bytes") if sha in stored else partial.get(sha, 0),
            })
        items.sort(key=lambda i: (str(i["record_date"] or ""), i["record_table"], i["record_id"], str(i["id"])))
        return items

    # -- receiving: what stations send -------------------------------------------------------
    def status(self, station: StationRow, hashes: list[str]) -> protocol.PhotoStatusAnswer:
        for sha in hashes:
            if not protocol.is_sha256(sha):
                raise bad_request(f"照片编号不对：{sha[:70]!r}", "each sha256 must be 64 lowercase hex digits")
        with self.store._reading() as conn:
            named = _named(conn, station.id)
            wanted = [h for h in dict.fromkeys(hashes) if h in named]
            stored = set(conn.execute(select(photo_files.c.sha256).where(photo_files.c.sha256.in_(wanted))).scalars())
            partial = dict(
                conn.execute(
                    select(photo_uploads.c.sha256, photo_uploads.c.received).where(photo_uploads.c.sha256.in_(wanted))
                ).all()
            )
        answers = []
        for sha in dict.fromkeys(hashes):
            if sha not in named:
                answers.append(protocol.PhotoStatus(sha256=sha, state="unknown"))
            elif sha in stored or self._adopt(station, sha, named[sha]):
                answers.append(protocol.PhotoStatus(sha256=sha, state="stored", received=named[sha], size=named[sha]))
            elif partial.get(sha):
                answers.append(protocol.PhotoStatus(sha256=sha, state="partial", received=int(partial[sha]),
                                                    size=named[sha]))
            else:
                answers.append(protocol.PhotoStatus(sha256=sha, state="missing", size=named[sha]))
        return protocol.PhotoStatusAnswer(photos=answers)

    def append(self, station: StationRow, sha256: str, offset: int, data: bytes) -> protocol.PhotoChunkAnswer:
        """Add ``data`` at ``offset`` of the photo ``sha256``; the last chunk checks the whole
        and stores it. Refusals: 403 photo_unknown, 409 photo_offset, 422 photo_mismatch."""
        if not protocol.is_sha256(sha256):
            raise bad_request("照片编号应为 64 位十六进制 SHA-256", "the photo's name must be its sha256 in hex")
        mismatch = False
        with self.store.engine.begin() as conn:
            size = _named(conn, station.id, sha256).get(sha256)
            if size is None:
                raise _unknown(sha256)
            if size > protocol.MAX_PHOTO_BYTES:
                raise ApiError(413, "too_large", f"照片有 {size} 字节，超过县中心的上限",
                               "photo larger than the county keeps")
            stored_already = select(photo_files.c.sha256).where(photo_files.c.sha256 == sha256)
            if conn.execute(stored_already).first():
                return protocol.PhotoChunkAnswer(sha256=sha256, size=size, received=size, stored=True)
            up = self._upload_row(conn, sha256, size)
            if conn.execute(stored_already).first():  # another station's upload finished while we waited
                conn.execute(photo_uploads.delete().where(photo_uploads.c.sha256 == sha256))
                return protocol.PhotoChunkAnswer(sha256=sha256, size=size, received=size, stored=True)
            received = int(up["received"])
            if offset != received:
                raise ApiError(
                    409, "photo_offset",
                    f"县中心已有这张照片的前 {received} 字节，请从那里接着上传。",
                    f"the county holds {received} bytes of this photo; send from there",
                    received=received,
                )
            if offset + len(data) > size:
                raise bad_request("上传的照片内容比照片记录的大小还多", f"bytes past the photo's size {size}")
            if data:
                self._write(conn, up["stored"], sha256, offset, data)
            received = offset + len(data)
            now = utc_now()
            if received < size:
                conn.execute(photo_uploads.update().where(photo_uploads.c.sha256 == sha256)
                             .values(received=received, updated_at=now))
                return protocol.PhotoChunkAnswer(sha256=sha256, size=size, received=received, stored=False)
            if self._finish(conn, station, up["stored"], sha256, size, now):
                return protocol.PhotoChunkAnswer(sha256=sha256, size=size, received=size, stored=True)
            mismatch = True  # the partial was dropped in this transaction: commit that, then refuse
        assert mismatch
        log.warning("station %s: photo %s arrived whole but its SHA-256 differs; dropped", station.code, sha256)
        raise ApiError(
            422, "photo_mismatch",
            "照片传完后核对不上（内容在途中损坏），县中心没有保存，请从头重新上传。",
            "the whole file's sha256 does not match its name; nothing kept, send it again from the start",
            received=0,
        )

    # -- plumbing ------------------------------------------------------------------------------
    def _final(self, sha256: str) -> Path:
        return self.directory / sha256[:2] / f"{sha256}.jpg"

    def _partial(self, sha256: str) -> Path:
        return self.directory / ".partial" / f"{sha256}.part"

    def _upload_row(self, conn: Any, sha256: str, size: int) -> dict[str, Any]:
        """The upload under way for this hash, locked (created at 0 bytes the first time)."""
        from county.store import _insert

        query = select(photo_uploads).where(photo_uploads.c.sha256 == sha256).with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            now = utc_now()
            conn.execute(
                _insert(conn)(photo_uploads)
                .values(sha256=sha256, size=size, received=0, stored=self.keep, started_at=now, updated_at=now)
                .on_conflict_do_nothing()
            )
            row = conn.execute(query).mappings().one()
            self._drop_bytes(conn, row["stored"], sha256)  # leftovers of an upload forgotten by a restore
        up = dict(row)
        if int(up["size"]) != size:
            # Another record named this hash with another size: the bytes decide in the end,
            # but the offsets of an upload of a different length mean nothing here.
            self._drop_bytes(conn, up["stored"], sha256)
            up.update(size=size, received=0)
            conn.execute(photo_uploads.update().where(photo_uploads.c.sha256 == sha256).values(size=size, received=0))
        if up["stored"] == "disk" and up["received"]:
            # The database's offset counts only what was written and fsynced before it was
            # committed; a partial file shorter than that (lost with the disk) is believed.
            try:
                on_disk = self._partial(sha256).stat().st_size
            except FileNotFoundError:
                on_disk = 0
            if on_disk < up["received"]:
                up["received"] = on_disk
                conn.execute(photo_uploads.update().where(photo_uploads.c.sha256 == sha256).values(received=on_disk))
        return up

    def _write(self, conn: Any, stored: str, sha256: str, offset: int, data: bytes) -> None:
        if stored == "database":
            conn.execute(
                photo_parts.delete().where(and_(photo_parts.c.sha256 == sha256, photo_parts.c.offset >= offset))
            )
            conn.execute(photo_parts.insert().values(sha256=sha256, offset=offset, data=data))
            return
        part = self._partial(sha256)
        part.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(part, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.ftruncate(fd, offset)  # what a killed process wrote past the committed offset goes
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)

    def _pieces(self, conn: Any, stored: str, sha256: str) -> Iterator[bytes]:
        if stored == "database":
            for (data,) in conn.execute(
                select(photo_parts.c.data).where(photo_parts.c.sha256 == sha256).order_by(photo_parts.c.offset)
            ):
                yield bytes(data)
            return
        with self._partial(sha256).open("rb") as f:
            while piece := f.read(_READ):
                yield piece

    def _finish(self, conn: Any, station: StationRow, stored: str, sha256: str, size: int, now: str) -> bool:
        """Check the whole upload against its name; keep it (True) or drop it (False)."""
        digest = hashlib.sha256()
        length = 0
        for piece in self._pieces(conn, stored, sha256):
            digest.update(piece)
            length += len(piece)
        if length != size or digest.hexdigest() != sha256:
            self._drop_bytes(conn, stored, sha256)
            conn.execute(photo_uploads.delete().where(photo_uploads.c.sha256 == sha256))
            return False
        if self.keep == "database":
            data = b"".join(self._pieces(conn, stored, sha256))
            conn.execute(photo_blobs.insert().values(sha256=sha256, data=data))
            self._drop_bytes(conn, stored, sha256)
        elif stored == "disk":
            self._settle(self._partial(sha256), sha256)
        else:  # received into the database, kept on disk (the setting changed meanwhile)
            target = self._partial(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as f:
                for piece in self._pieces(conn, stored, sha256):
                    f.write(piece)
                f.flush()
                os.fsync(f.fileno())
            self._settle(target, sha256)
            self._drop_bytes(conn, stored, sha256)
        conn.execute(photo_files.insert().values(sha256=sha256, size=size, stored=self.keep, station_id=station.id,
                                                 stored_at=now))
        conn.execute(photo_uploads.delete().where(photo_uploads.c.sha256 == sha256))
        return True

    def _settle(self, part: Path, sha256: str) -> None:
        """Move a checked partial file to its place under its hash (atomic, made durable)."""
        target = self._final(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        if os.name != "nt":  # (a directory cannot be opened for fsync on Windows; NTFS logs the rename)
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _drop_bytes(self, conn: Any, stored: str, sha256: str) -> None:
        if stored == "database":
            conn.execute(photo_parts.delete().where(photo_parts.c.sha256 == sha256))
        else:
            self._partial(sha256).unlink(missing_ok=True)

    def _adopt(self, station: StationRow, sha256: str, size: int) -> bool:
        """A file already in its place under its hash, with no row (the county was killed
        between moving it there and committing): checked and recorded, not asked for again."""
        target = self._final(sha256)
        if not target.is_file():
            return False
        digest = hashlib.sha256()
        with target.open("rb") as f:
            while piece := f.read(_READ):
                digest.update(piece)
        if digest.hexdigest() != sha256:
            return False
        from county.store import _insert

        with self.store.engine.begin() as conn:
            conn.execute(
                _insert(conn)(photo_files)
                .values(sha256=sha256, size=target.stat().st_size, stored="disk", station_id=station.id,
                        stored_at=utc_now())
                .on_conflict_do_nothing()
            )
            conn.execute(photo_uploads.delete().where(photo_uploads.c.sha256 == sha256))
            self._partial(sha256).unlink(missing_ok=True)
        return True


def _rows(conn: Any, station_id: int, table: str, *, include_deleted: bool = False,
          like: str | None = None) -> list[dict[str, Any]]:
    where = [records.c.station_id == station_id, records.c.tbl == table]
    if not include_deleted:
        where.append(records.c.deleted == 0)
    if like is not None:
        where.append(records.c.row_json.like(like))
    rows = []
    for (text,) in conn.execute(select(records.c.row_json).where(and_(*where))):
        try:
            row = json.loads(text)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _named(conn: Any, station_id: int, sha256: str | None = None) -> dict[str, int]:
    """sha256 → size of the station's live photo records (only those naming ``sha256``)."""
    like = f'%"sha256":"{sha256}"%' if sha256 is not None else None  # hex only: nothing to escape
    named: dict[str, int] = {}
    for row in _rows(conn, station_id, "photos", like=like):
        sha, size = row.get("sha256"), row.get("size_bytes")
        if isinstance(sha, str) and type(size) is int and size > 0 and (sha256 is None or sha == sha256):
            named[sha] = size
    return named


def _unknown(sha256: str) -> ApiError:
    return ApiError(
        403, "photo_unknown",
        "本站没有哪条照片记录用到这张照片（或已删除），县中心不接收。请先同步记录。",
        f"no live photo record of this station names {sha256}; upload the records first",
    )


__all__ = ["KEEPS", "PHOTOS_DIR_ENV", "PHOTO_STORE_ENV", "PhotoStore", "default_directory", "resolve_directory",
           "resolve_keep"]
