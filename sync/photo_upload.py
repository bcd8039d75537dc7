"""The photo files, after the records: each one the county lacks, in resumable chunks.

The records (``photos`` rows with sha256 and size) have gone up first; now the files they
name. For the live photo rows not yet known to be at the county, the station asks the county
(``POST /photos/status``, up to 500 hashes a time) which it holds whole, which in part (and how
many bytes) and which not at all, then sends each missing file from the county's offset in
chunks of 256 KiB (``POST /photos/{sha256}?offset=N``, raw bytes). The county checks the whole
file's SHA-256 before it keeps it; a chunk cut by the link is kept as far as it arrived, and
the station asks again where to go on instead of sending the chunk again.

What the station remembers: ``meta.photos_cursor``, the highest ``photos.rowid`` such that
every live photo at or before it is at the county. A run asks only about rows after it, so a
station with years of photos does not send thousands of hashes every quarter of an hour; a
photo that cannot go yet (its file missing, its record not at the county yet) holds the cursor
back and is asked about again next run. ``station sync --recheck-photos`` starts from 0 (after
the county lost photos to a restore).

``max_bytes`` bounds the photo bytes one run sends (``--max-photo-mb`` on a metered link);
what is left goes next run, from where the county's copy stops.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.errors import NotOffered, TryLater

if TYPE_CHECKING:
    from station_tui.storage import Store
    from sync import protocol
    from sync.county_api import CountyAPI

CURSOR_KEY = "photos_cursor"
_MIB = 1024 * 1024
#: A photo whose chunks keep failing is left for the next run after this many tries in a row.
_TRIES = 5


@dataclass
class PhotoReport:
    #: Photos whose file the county now holds whole thanks to this run.
    uploaded: int = 0
    #: Photo bytes put on the wire (chunk bodies).
    bytes_sent: int = 0
    #: Photos the county already held (sent before, or by another station: stored once).
    already: int = 0
    #: Photos still to upload after this run (the limit, a refusal, records not there yet).
    left: int = 0
    #: The limit (``--max-photo-mb``) stopped the run's photos.
    limit_reached: bool = False
    #: Photo rows whose file is not in the station's photo directory (short id, path).
    missing: list[tuple[str, str]] = field(default_factory=list)
    #: Files whose content no longer matches their name (damaged on this PC's disk).
    damaged: list[tuple[str, str]] = field(default_factory=list)
    #: Photos the county would not take as sent (its reason, in Chinese).
    refused: list[tuple[str, str]] = field(default_factory=list)
    #: The link or the county failed part-way: what is said to the user (the run exits 75).
    interrupted: str | None = None
    #: The county is older than photo upload.
    not_offered: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.uploaded or self.already or self.left or self.missing or self.damaged or self.refused
                    or self.interrupted or self.not_offered)

    def summary_zh(self) -> str:
        if self.not_offered:
            return "照片：县中心的程序版本较旧，还不接收照片文件，照片保存在本机。"
        if not self.anything:
            return "照片：没有待上传的照片。"
        text = f"照片：已上传 {self.uploaded} 张（{_mb(self.bytes_sent)}）"
        if self.already:
            text += f"，{self.already} 张县中心已有"
        if self.left:
            text += f"，还有 {self.left} 张待下次上传"
        if self.limit_reached:
            text += "（已达到本次上传流量上限）"
        text += "。"
        for short, path in self.missing:
            text += f"\n  警告：照片 {short} 的文件不在本机（{path}），没有上传，请重新添加这张照片。"
        for short, path in self.damaged:
            text += f"\n  警告：照片 {short} 的文件已损坏（{path}），没有上传，请重新添加这张照片。"
        for short, why in self.refused:
            text += f"\n  照片 {short} 县中心没有接收：{why}"
        if self.interrupted:
            text += f"\n  {self.interrupted}"
        return text

    def summary_en(self) -> str:
        if self.not_offered:
            return "photos: the county does not take photo files yet"
        text = (f"photos: uploaded {self.uploaded} ({self.bytes_sent} bytes), already at the county {self.already}, "
                f"left for next run {self.left}")
        if self.limit_reached:
            text += " (photo byte limit reached)"
        if self.missing or self.damaged:
            text += f", {len(self.missing)} missing and {len(self.damaged)} damaged local files"
        if self.refused:
            text += f", {len(self.refused)} refused"
        if self.interrupted:
            text += "; interrupted: link or county failed, the rest goes next run"
        return text


def _mb(n: int) -> str:
    return f"{n / _MIB:.1f} MB" if n >= _MIB // 10 or n == 0 else f"{n / 1024:.0f} KB"


@dataclass
class _Photo:
    sha256: str
    size: int
    short: str


ProgressFn = Callable[[int, int], None]  # (bytes done, bytes to do) of this run's photos


def upload_photos(api: CountyAPI, store: Store, *, max_bytes: int | None = None, chunk: int | None = None,
                  recheck: bool = False, log: Callable[[str], None] | None = None,
                  progress: ProgressFn | None = None) -> PhotoReport:
    """Send the photo files the county lacks; never raises for the network (the report says)."""
    from sync import protocol
    from sync.errors import SyncError, TokenRefused

    say = log or (lambda _m: None)
    report = PhotoReport()
    uploader = _Uploader(api, store, report, max_bytes, chunk or protocol.DEFAULT_PHOTO_CHUNK_BYTES, say, progress)
    try:
        uploader.run(recheck)
    except NotOffered:
        report.not_offered = True
    except TryLater as exc:
        report.interrupted = f"照片上传中断：{exc.zh}"
        report.left += uploader.unfinished()
        say(f"photos interrupted: {exc.en}")
    except TokenRefused:
        raise  # (revoked between the records and the photos: enroll again, exit 77)
    except SyncError as exc:
        report.interrupted = f"照片上传中断：{exc.zh}"
        report.left += uploader.unfinished()
        say(f"photos stopped: {exc.en}")
    return report


class _Uploader:
    def __init__(self, api: CountyAPI, store: Store, report: PhotoReport, max_bytes: int | None, chunk: int,
                 log: Callable[[str], None], progress: ProgressFn | None) -> None:
        self.api, self.store, self.report, self.log, self.progress = api, store, report, log, progress
        self.budget = max_bytes
        self.chunk = max(4096, chunk)
        self.photos: list[_Photo] = []
        self.done: set[str] = set()
        self.settled: set[str] = set()  # done, or counted as left / missing / refused
        self.to_send = 0
        self.sent_ok = 0

    def unfinished(self) -> int:
        return sum(1 for p in self.photos if p.sha256 not in self.settled)

    def run(self, recheck: bool) -> None:
        from station_tui.storage.photos import short_id
        from sync import protocol

        if recheck:
            self.store.set_meta(CURSOR_KEY, "0")
        cursor = int(self.store.meta(CURSOR_KEY, "0") or 0)
        by_hash: dict[str, _Photo] = {}
        rows = self.store.query(
            "SELECT rowid, id, sha256, size_bytes FROM photos WHERE deleted = 0 AND rowid > ? ORDER BY rowid",
            (cursor,),
        )
        for _rowid, photo_id, sha, size in rows:  # each picture once, however many records show it
            if sha not in by_hash:
                by_hash[sha] = _Photo(sha, int(size), short_id(photo_id))
                self.photos.append(by_hash[sha])
        if not self.photos:
            return
        self.log(f"photos: {len(self.photos)} files after cursor {cursor} to check with the county")
        step = protocol.MAX_PHOTO_STATUS
        for start in range(0, len(self.photos), step):
            page = self.photos[start : start + step]
            answer = self.api.photo_status([p.sha256 for p in page])
            states = {s.sha256: s for s in answer.photos}
            self.to_send += sum(max(0, p.size - states[p.sha256].received) for p in page
                                if p.sha256 in states and states[p.sha256].state in ("missing", "partial"))
            for photo in page:
                self._one(photo, states.get(photo.sha256))
            self._advance(rows, cursor)

    def _one(self, photo: _Photo, status: protocol.PhotoStatus | None) -> None:
        if status is None or status.state == "unknown":
            # Its record is not at the county yet (made during this run?): next run.
            self.log(f"photo {photo.short}: the county does not know its record yet")
            self._left(photo)
            return
        if status.state == "stored":
            self.report.already += 1
            self._done(photo)
            return
        if self.budget is not None and self.budget <= 0:
            self.report.limit_reached = True
            self._left(photo)
            return
        data = self._read(photo)
        if data is None:
            return
        self._send(photo, data, status.received)

    def _read(self, photo: _Photo) -> bytes | None:
        from station_tui.storage.photos import file_of

        path = file_of(Path(self.store.path), photo.sha256)
        try:
            data = path.read_bytes()
        except OSError:
            self.log(f"photo {photo.short}: no file at {path}")
            self.report.missing.append((photo.short, str(path)))
            self.settled.add(photo.sha256)
            return None
        if hashlib.sha256(data).hexdigest() != photo.sha256 or len(data) != photo.size:
            self.log(f"photo {photo.short}: {path} does not match its hash")
            self.report.damaged.append((photo.short, str(path)))
            self.settled.add(photo.sha256)
            return None
        return data

    def _send(self, photo: _Photo, data: bytes, offset: int) -> None:
        from sync.county_api import PhotoOffset, PhotoRefused, TooLarge, Transient

        failures = 0
        mismatches = 0
        chunk = self.chunk
        while True:
            offset = offset if 0 <= offset <= len(data) else 0
            # (at the very end an empty chunk asks the county to check and keep what it holds)
            n = min(chunk, len(data) - offset)
            if self.budget is not None and n > 0:
                n = min(n, self.budget)
                if n <= 0:
                    self.report.limit_reached = True
                    self._left(photo)
                    return
            piece = data[offset : offset + n]
            try:
                # Counted before it goes: a chunk cut on the way has used the metered link too.
                self.report.bytes_sent += n
                if self.budget is not None:
                    self.budget -= n
                answer = self.api.photo_chunk(photo.sha256, offset, piece)
            except PhotoOffset as exc:
                self.log(f"photo {photo.short}: the county holds {exc.received} bytes, not {offset}")
                offset = exc.received
                failures += 1
            except PhotoRefused as exc:
                if exc.code == "photo_mismatch" and mismatches == 0:
                    mismatches += 1  # damaged on the way: once more from the start
                    self.log(f"photo {photo.short}: the county found the whole file damaged; sending it again")
                    offset = 0
                    continue
                self.report.refused.append((photo.short, exc.zh))
                self._left(photo)
                return
            except TooLarge:
                if chunk <= 4096:
                    raise
                chunk //= 2
                self.log(f"photo {photo.short}: chunk too large for the county, now {chunk} bytes")
                continue
            except Transient as exc:
                failures += 1
                self.log(f"photo {photo.short}: chunk at {offset} failed ({exc.detail}); asking the county where it is")
                if failures >= _TRIES:
                    from sync.errors import CountyBusy

                    raise CountyBusy("连接县中心时一再中断，其余照片下次同步时接着上传。",
                                     f"photo chunks kept failing: {exc.detail}") from exc
                offset = self._where(photo)
                if offset < 0:
                    self.report.already += 1
                    self._done(photo)
                    return
            else:
                failures = 0
                self._tell(n)
                offset = answer.received
                if answer.stored:
                    self.report.uploaded += 1
                    self.log(f"photo {photo.short}: stored at the county ({answer.size} bytes)")
                    self._done(photo)
                    return
            if failures >= _TRIES:
                self.report.refused.append((photo.short, "县中心给出的续传位置前后矛盾"))
                self._left(photo)
                return

    def _where(self, photo: _Photo) -> int:
        """The county's offset for this photo after a failed chunk (-1: it holds it whole)."""
        status = self.api.photo_status([photo.sha256]).photos
        if status and status[0].state == "stored":
            return -1
        return status[0].received if status else 0

    def _tell(self, n: int) -> None:
        self.sent_ok += n
        if self.progress:
            self.progress(self.sent_ok, max(self.to_send, self.sent_ok))

    def _done(self, photo: _Photo) -> None:
        self.done.add(photo.sha256)
        self.settled.add(photo.sha256)

    def _left(self, photo: _Photo) -> None:
        if photo.sha256 not in self.settled:
            self.report.left += 1
            self.settled.add(photo.sha256)

    def _advance(self, rows: list[Any], cursor: int) -> None:
        """Move the cursor over the leading rows whose files the county holds (never past a
        row this run did not list: one added meanwhile is asked about next run)."""
        new = cursor
        for rowid, _id, sha, _size in rows:
            if sha not in self.done:
                break
            new = int(rowid)
        if new != cursor:
            self.store.set_meta(CURSOR_KEY, str(new))
