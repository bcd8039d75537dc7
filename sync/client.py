"""The station's sync client: upload every pending outbox change to the county center, then
receive what the county published for the station.

Used by ``station sync`` (cron, systemd, Task Scheduler) and by the TUI's 同步 screen. Headless:
no Textual, and httpx only once a run starts.

One run:

1. takes the runner lock next to the database (a second run exits at once);
2. checks that the database is the one that made this epoch's uploads (``station_state``);
   if it was restored from a backup or replaced, starts a new epoch;
3. asks the county what it holds for this epoch (``GET /ack``): behind us → the county was
   restored, rewind and re-send; ahead of anything this database ever sent → new epoch;
4. uploads outbox rows after ``acked_seq`` in seq order, in batches that grow while the county
   answers fast and shrink on timeouts and 413, and after each answer stores ``acked_seq`` =
   min(county's ack_seq, last seq of the batch) and ``last_sync`` in one transaction;
5. receives the county's word after its cursor (``sync.receive``: themes, minimums, category
   lists, notices), each page stored with the new cursor in one transaction;
6. uploads the photo files the county lacks, in resumable chunks (``sync.photo_upload``),
   within ``max_photo_bytes``; a link cut there leaves the records done and exits 75.

``acked_seq`` never moves past a change the county did not acknowledge, and never before the
county answered. Stale and quarantined changes are acknowledged by the county (stored there,
listed for its staff) and reported here; none is dropped.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sync import outbox
from sync.batch_size import BatchSize
from sync.credentials import Credentials
from sync.errors import CountyBusy, DatabaseBusy, Offline, ProtocolError, SyncError, TokenRefused
from sync.photo_upload import PhotoReport
from sync.receive import Received, receive
from sync.runner_lock import runner_lock
from sync.station_state import StationState

if TYPE_CHECKING:
    from station_tui.settings_model import Settings
    from station_tui.storage import Store
    from sync import protocol
    from sync.county_api import CountyAPI, RetryPolicy


@dataclass(frozen=True)
class Progress:
    """Posted after every acknowledged batch (the TUI turns it into a progress bar), and after
    every photo chunk (``photos``: then ``done`` and ``total`` are bytes)."""

    done: int
    total: int
    acked_seq: int
    photos: bool = False


@dataclass
class SyncReport:
    pending_before: int = 0
    uploaded: int = 0
    batches: int = 0
    #: Changes in each acknowledged batch, in order.
    batch_sizes: list[int] = field(default_factory=list)
    bytes_sent: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    #: (seq, table, reason) of changes the county kept aside for its staff to look at.
    quarantined: list[tuple[int, str, str]] = field(default_factory=list)
    stale: int = 0
    new_epoch_reason: str | None = None
    rewound_to: int | None = None
    #: Nothing was pending and the county could not be reached: nothing to do, nothing lost.
    offline_idle: bool = False
    #: What the county published for this station, received after the upload (sync/receive.py).
    received: Received | None = None
    #: The photo files sent after the records (sync/photo_upload.py).
    photos: PhotoReport | None = None

    @property
    def exit_code(self) -> int:
        """0, or 75 when the photo files were cut off part-way (the records went through)."""
        from sync.errors import EXIT_OK, EXIT_TRY_LATER

        return EXIT_TRY_LATER if self.photos is not None and self.photos.interrupted else EXIT_OK

    def summary_zh(self) -> str:
        upload = self._upload_zh()
        if self.received is not None:
            upload = f"{upload}{self.received.summary_zh()}"
        if self.photos is not None and self.photos.anything:
            upload = f"{upload}\n{self.photos.summary_zh()}"
        return upload

    def _upload_zh(self) -> str:
        if self.offline_idle:
            return "没有待上传的修改（这次没有连上县中心）。"
        if self.uploaded == 0:
            return "没有待上传的修改，已与县中心核对。"
        parts = [f"已上传 {self.uploaded} 条修改"]
        if self.statuses.get("duplicate"):
            parts.append(f"其中 {self.statuses['duplicate']} 条县中心已有")
        if self.stale:
            parts.append(f"{self.stale} 条县中心已有更新的版本")
        if self.quarantined:
            parts.append(f"{len(self.quarantined)} 条县中心无法识别、已单独保存待核查")
        return "，".join(parts) + "。"

    def summary_en(self) -> str:
        s = self.statuses
        return (
            f"uploaded {self.uploaded} changes in {self.batches} batches, {self.bytes_sent} bytes, "
            f"{self.seconds:.1f}s (applied {s.get('applied', 0)}, duplicate {s.get('duplicate', 0)}, "
            f"stale {s.get('stale', 0)}, quarantined {s.get('quarantined', 0)})"
        ) + (f"; {self.received.summary_en()}" if self.received is not None else "") + (
            f"; {self.photos.summary_en()}" if self.photos is not None and self.photos.anything else "")


ProgressFn = Callable[[Progress], None]
LogFn = Callable[[str], None]


def sync(
    db_path: Path,
    creds: Credentials | None = None,
    *,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
    policy: RetryPolicy | None = None,
    batch: BatchSize | None = None,
    gzip_level: int = 6,
    allow_demo: bool = False,
    settings: Settings | None = None,
    downlink_page: int | None = None,
    max_photo_bytes: int | None = None,
    photo_chunk: int | None = None,
    recheck_photos: bool = False,
) -> SyncReport:
    """Run one sync of the database at ``db_path``; raises a ``SyncError`` subclass on failure.

    A database holding demo records (``station demo``) is refused: made-up villagers must never
    reach the county's figures. Only the benchmark, which uploads demo rows to its own
    throw-away county, passes ``allow_demo``.

    The privacy settings (``settings.json`` unless ``settings`` is given) are applied to the
    database before anything is read for upload: a sensitive column switched off never leaves,
    even in changes captured while it was on.

    Photo files follow the records: at most ``max_photo_bytes`` of them a run (None: all), in
    chunks of ``photo_chunk`` bytes (default 256 KiB); ``recheck_photos`` asks the county about
    every photo again, not only those after the station's cursor.
    """
    from sync import credentials as credentials_mod

    db_path = Path(db_path)
    if not db_path.exists():
        raise SyncError(f"找不到数据库 {db_path}。", f"No database at {db_path}.")
    creds = creds or credentials_mod.load()
    with runner_lock(db_path):
        store = _open(db_path)
        try:
            if not allow_demo:
                _refuse_demo_data(store, db_path)
            _follow_privacy_settings(store, settings, log)
            run = _Run(store, db_path, creds, progress, log, policy, batch, gzip_level)
            run.downlink_page = downlink_page
            run.photo_options = (max_photo_bytes, photo_chunk, recheck_photos)
            return run.run()
        except sqlite3.OperationalError as exc:
            # Typically "database is locked": another program held a long write. Nothing was
            # marked sent that the county did not acknowledge; the next run goes on.
            error = DatabaseBusy(f"本机数据库暂时无法读写（{exc}），修改都还保存在本机，下次同步时会接着上传。",
                                 f"The station database is busy or unreadable: {exc}")
            _note_failure(store, error.zh)
            raise error from exc
        except SyncError as exc:
            _note_failure(store, exc.zh)
            raise
        finally:
            store.close()


def _open(db_path: Path) -> Store:
    from station_tui.storage import Actor, DatabaseError, Store

    try:
        return Store(db_path, actor=Actor.current("station sync"))
    except DatabaseError as exc:
        raise SyncError(str(exc), f"Cannot open {db_path}") from exc


def _refuse_demo_data(store: Store, db_path: Path) -> None:
    if store.meta("demo"):
        raise SyncError(
            f"数据库 {db_path} 里有演示数据（由 station demo 生成），不能上传到县中心。"
            "请在没有演示数据的数据库上记录本站的真实台账。",
            f"{db_path} holds demo records (station demo); they are never uploaded to the county.",
        )


def _follow_privacy_settings(store: Store, settings: Settings | None, log: LogFn | None) -> None:
    from station_tui.config import SettingsError, load_settings
    from station_tui.storage import privacy

    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:  # never guess what may leave the PC: upload nothing
            raise SyncError(f"{exc}。请改正设置文件后再同步，本次没有上传任何内容。",
                            f"The settings file is invalid; nothing was uploaded ({exc}).") from exc
    blanked = privacy.apply(store, settings)
    if blanked and log:
        log(f"{blanked} pending changes had a sensitive value the settings no longer allow: blanked")


def _note_failure(store: Store, message: str) -> None:
    try:
        outbox.record_failure(store, message)
    except Exception:  # a locked or read-only database must not hide the real error
        pass


class _Run:
    def __init__(self, store: Store, db_path: Path, creds: Credentials, progress: ProgressFn | None,
                 log: LogFn | None, policy: RetryPolicy | None, batch: BatchSize | None, gzip_level: int) -> None:
        self.store, self.db_path, self.creds = store, db_path, creds
        self.progress, self.log = progress, log or (lambda _msg: None)
        self.policy, self.size, self.gzip_level = policy, batch or BatchSize(), gzip_level
        self.report = SyncReport()
        self.state = StationState.load(db_path)
        #: Items per page of the county's word (None: the county's default).
        self.downlink_page: int | None = None
        #: (byte limit, chunk size, recheck) for the photo files.
        self.photo_options: tuple[int | None, int | None, bool] = (None, None, False)

    def run(self) -> SyncReport:
        from sync.county_api import CountyAPI

        started = time.monotonic()
        code = self._station_code()
        epoch, acked = self._check_local_history()
        self.report.pending_before = outbox.pending_count(self.store, acked)
        with CountyAPI(self.creds.server, token=self.creds.token, verify=self.creds.verify,
                       policy=self.policy, log=self.log) as api:
            try:
                epoch, acked = self._agree_with_county(api, code, epoch, acked)
            except Offline:
                if self.report.pending_before == 0:
                    self.report.offline_idle = True
                    return self.report
                raise
            self._upload(api, code, epoch, acked)
            self.report.bytes_sent = api.bytes_sent
            # Then the county's word back: after the upload, so a county that refuses the
            # upload (a revoked token) hands out nothing either.
            self.report.received = receive(api, self.store, code, log=self.log, limit=self.downlink_page)
            # Photo files last: the longest part on a slow link, and nothing else waits on it.
            self.report.photos = self._photos(api)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _photos(self, api: CountyAPI) -> PhotoReport:
        from sync.photo_upload import upload_photos

        limit, chunk, recheck = self.photo_options

        def tell(done: int, total: int) -> None:
            if self.progress:
                self.progress(Progress(done=done, total=total, acked_seq=0, photos=True))

        return upload_photos(api, self.store, max_bytes=limit, chunk=chunk, recheck=recheck, log=self.log,
                             progress=tell)

    # -- who we are -----------------------------------------------------------------------
    def _station_code(self) -> str:
        station = self.store.station.current()
        if station is None:
            raise SyncError(f"数据库 {self.db_path} 还没有站点信息，请先运行 station init。",
                            "The database has no station yet: run `station init`.")
        if station.code != self.creds.station_code:
            # The token would file this database's records under another station.
            raise TokenRefused(
                f"本机的县中心登记属于站点 {self.creds.station_code}，而这个数据库是站点 {station.code}，"
                "不能用它上传。请用本站的登记码重新运行 station enroll。",
                f"The token was issued for station {self.creds.station_code}, the database is {station.code}.",
            )
        return station.code

    def _check_local_history(self) -> tuple[str, int]:
        """A database behind what this PC already uploaded was restored or replaced: new epoch."""
        epoch, acked = outbox.position(self.store)
        rec = self.state.get(epoch)
        reason = None
        if rec is not None:
            if acked < rec.acked:
                reason = (f"database acked_seq {acked} is behind {rec.acked} already acknowledged "
                          "for this epoch: restored from a backup")
            elif rec.sent and outbox.change_id_at(self.store, rec.sent) != rec.sent_change_id:
                reason = (f"outbox change {rec.sent} differs from the one uploaded: "
                          "the database was restored or replaced")
        if reason is None:
            return epoch, acked
        return self._new_epoch(reason), 0

    def _new_epoch(self, reason: str) -> str:
        from station_tui.storage.backup import restamp_everything

        epoch = outbox.start_new_epoch(self.store, reason)
        # The database was put back by hand: a change the county already has comes back as a
        # duplicate and is not applied again, so a record edited after the copy was made would
        # stay that way at the county. Every record gets a change of its own that outranks it.
        stamped = restamp_everything(self.store)
        self.log(f"re-stamped {stamped} records for the new epoch")
        self.report.new_epoch_reason = reason
        self.report.pending_before = outbox.pending_count(self.store, 0)
        self.log(f"new epoch {epoch}: {reason}; re-sending the whole change log")
        return epoch

    def _agree_with_county(self, api: CountyAPI, code: str, epoch: str, acked: int) -> tuple[str, int]:
        status = api.ack(epoch)
        if status.station.code != code:
            raise TokenRefused(
                f"县中心认为这个登记属于站点 {status.station.code}，不是本站 {code}，请重新登记。",
                f"The county says this token belongs to {status.station.code}, not {code}.",
            )
        if status.ack_seq < acked:
            self._rewind(epoch, status.ack_seq, acked)
            return epoch, status.ack_seq
        if status.ack_seq > acked:
            rec = self.state.get(epoch)
            if rec is None or status.ack_seq > rec.sent or status.ack_seq > outbox.last_seq(self.store):
                reason = (f"the county holds seq {status.ack_seq} of this epoch but this database "
                          f"only acknowledged {acked} and never sent more: restored or copied")
                return self._new_epoch(reason), 0
            # We sent it and the answer was lost (killed after the county committed): send
            # again from our own position; the county answers "duplicate".
            self.log(f"county ack {status.ack_seq} ahead of ours {acked}: resending, expecting duplicates")
        return epoch, acked

    def _rewind(self, epoch: str, county_ack: int, ours: int) -> None:
        outbox.rewind(self.store, epoch, county_ack)
        self.state.note_acked(epoch, county_ack)
        self.report.rewound_to = county_ack
        self.report.pending_before = outbox.pending_count(self.store, county_ack)
        self.log(f"county holds only up to seq {county_ack} (we had {ours}): it was restored; re-sending")

    # -- the upload loop ------------------------------------------------------------------
    def _upload(self, api: CountyAPI, code: str, epoch: str, acked: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from sync.county_api import AckBehind, TooLarge

        schema_version = self._schema_version()

        def encode(rows: list[outbox.PendingChange], after: int) -> bytes:
            return encode_batch(rows, epoch=epoch, after_seq=after, station=code,
                                schema_version=schema_version, level=self.gzip_level)

        rewinds = 0
        done = 0
        ahead = _NextBatch()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-encode") as pool:
            while True:
                rows, body = ahead.take(acked, self.size.current)
                if rows is None or body is None:
                    rows = outbox.read_pending(self.store, acked, self.size.current)
                    if not rows:
                        break
                    body = encode(rows, acked)
                last = rows[-1]
                self.state.note_sent(epoch, last.seq, last.change_id)  # before it leaves
                # While the county works on this batch, the next one (as it will be if the
                # answer is quick) is read and compressed in the background.
                ahead.prepare(pool, self.store, last.seq, self.size.next_if_fast(), encode)
                t0 = time.monotonic()
                try:
                    try:
                        result = api.post_batch(body)
                    finally:
                        ahead.settle()
                except TooLarge as exc:
                    if not self.size.shrink():
                        if exc.timed_out:
                            raise CountyBusy("县中心迟迟没有回答，修改都还保存在本机，下次同步时会接着上传。",
                                             f"No answer from the county even for one change ({exc}).") from exc
                        raise SyncError(
                            f"有一条修改（序号 {rows[0].seq}）太大，县中心不接收。请联系县中心调整上限。",
                            f"Change {rows[0].seq} alone is too large for the county ({exc}).",
                        ) from exc
                    self.log(f"batch of {len(rows)} too large or too slow ({exc}); trying {self.size.current}")
                    continue
                except AckBehind as exc:
                    rewinds += 1
                    if rewinds > 3 or exc.ack_seq > acked:
                        raise ProtocolError("县中心的确认位置前后矛盾，本次停止上传。",
                                            f"Inconsistent ack_behind {exc.ack_seq} (ours {acked})") from exc
                    self._rewind(epoch, exc.ack_seq, acked)
                    acked = exc.ack_seq
                    continue
                elapsed = time.monotonic() - t0
                new_ack = self._accept(result, epoch, acked, rows)
                done += new_ack - acked if new_ack > acked else 0
                acked = new_ack
                self.size.grow_after(elapsed)
                if self.progress:  # (counting what is left costs a scan: only for a progress bar)
                    remaining = outbox.pending_count(self.store, acked)
                    self.progress(Progress(done=done, total=done + remaining, acked_seq=acked))
                self.log(f"batch {self.report.batches}: {len(rows)} changes, {len(body)} bytes, "
                         f"{elapsed:.2f}s, ack {acked}, next size {self.size.current}")
        if self.report.batches == 0:
            outbox.record_ack(self.store, epoch, acked)  # the county answered: that is a sync too
            self.state.note_acked(epoch, acked)

    def _accept(self, result: protocol.BatchResult, epoch: str, acked: int, rows: list[outbox.PendingChange]) -> int:
        if result.epoch != epoch:
            raise ProtocolError("县中心回答的是别的批次，本次停止上传。",
                                f"Answer for epoch {result.epoch}, sent {epoch}")
        # Never past what this batch carried, whatever the county says.
        new_ack = min(result.ack_seq, rows[-1].seq)
        if new_ack <= acked:
            raise ProtocolError("县中心没有确认收到这批修改，本次停止上传，修改仍保存在本机。",
                                f"The county acknowledged {result.ack_seq}, not beyond {acked}")
        outbox.record_ack(self.store, epoch, new_ack)
        self.state.note_acked(epoch, new_ack)
        self.report.batches += 1
        self.report.batch_sizes.append(len(rows))
        self.report.uploaded += new_ack - acked
        listed = [item for item in result.results if item.seq <= new_ack]
        if new_ack == rows[-1].seq:
            self.report.statuses.update({k: v for k, v in result.counts.items() if v})
        else:
            # Only part of the batch acknowledged (the rest comes again): the counts cover the
            # whole batch, so count the listed changes and take the others as applied.
            self.report.statuses.update(item.status for item in listed)
            self.report.statuses["applied"] += sum(r.seq <= new_ack for r in rows) - len(listed)
        tables = {r.seq: r.table for r in rows}
        for item in listed:
            if item.status == "quarantined":
                self.report.quarantined.append((item.seq, tables.get(item.seq, "?"), item.reason or ""))
            elif item.status == "stale":
                self.report.stale += 1
        return new_ack

    def _schema_version(self) -> int:
        return int(self.store.query_value("PRAGMA user_version"))


def encode_batch(rows: list[outbox.PendingChange], *, epoch: str, after_seq: int, station: str,
                 schema_version: int, level: int = 6) -> bytes:
    """The gzip JSON body of ``POST /api/v1/batches`` (a ``protocol.Batch``).

    Each row goes as the JSON text the station's trigger wrote, untouched; a damaged one (not
    a JSON object) is the county's to quarantine, and the rest still gets through.
    """
    import gzip
    from json.encoder import encode_basestring  # what json.dumps(str, ensure_ascii=False) calls

    from station_tui import __version__
    from sync import protocol

    head = json.dumps({
        "protocol_version": protocol.PROTOCOL_VERSION, "schema_version": schema_version,
        "app_version": __version__, "station": station, "epoch": epoch, "after_seq": after_seq,
    }, ensure_ascii=False, separators=(",", ":"))
    # Built by hand, thousands of changes per batch: json.dumps with options builds a new
    # encoder for every call, which used to cost more than compressing the batch.
    middles: dict[tuple[str, str], str] = {}
    parts = [head[:-1], ',"changes":[']
    for r in rows:
        middle = middles.get((r.table, r.op))
        if middle is None:
            middle = middles[(r.table, r.op)] = (
                f',"table":{encode_basestring(r.table)},"op":{encode_basestring(r.op)},"row":')
        parts.append(f'{{"seq":{r.seq}{middle}{encode_basestring(r.row_json)}}},')
    if rows:
        parts[-1] = parts[-1][:-1]  # no comma after the last change
    parts.append("]}")
    return gzip.compress("".join(parts).encode("utf-8"), compresslevel=level)


class _NextBatch:
    """The batch after the one in flight, read and compressed in the background while the
    county works (gzip and SQLite release the GIL). It is used only if it is exactly what the
    loop would read next (same start, no bigger than the size allowed, not empty: changes made
    meanwhile are read afresh); otherwise it is dropped and read again."""

    def __init__(self) -> None:
        self.after: int | None = None
        self.size = 0
        self.job: Future[tuple[list[outbox.PendingChange], bytes | None]] | None = None

    def prepare(self, pool: Executor, store: Store, after: int, size: int,
                encode: Callable[[list[outbox.PendingChange], int], bytes]) -> None:
        def work() -> tuple[list[outbox.PendingChange], bytes | None]:
            rows = outbox.read_pending(store, after, size)
            return rows, encode(rows, after) if rows else None

        self.after, self.size, self.job = after, size, pool.submit(work)

    def settle(self) -> None:
        """Wait until the background read is over: the database is the loop's again."""
        if self.job is not None:
            try:
                self.job.result()
            except Exception:  # take() reads afresh and meets the error itself
                self.job = None

    def take(self, after: int, size: int) -> tuple[list[outbox.PendingChange] | None, bytes | None]:
        job, prepared_after = self.job, self.after
        self.after, self.job = None, None
        if job is None or prepared_after != after:
            return None, None
        try:
            rows, body = job.result()
        except Exception:  # read afresh below; a real problem shows up there
            return None, None
        if not rows or len(rows) > size:
            return None, None
        return rows, body
