"""The station's side of the downlink: receive what the county published for it.

Run by every sync after the upload (``station sync`` and the 同步 screen share it) and by
``station restore --from-county``. Each page the county answers is stored in one
transaction together with the new cursor (meta ``county_feed_after``) and the feed's id
(``county_feed_id``): killed at any moment, the station asks again from the last page it
stored, and an item it gets twice replaces itself (items are upserted by their stable id).

When the county says ``reset`` (its feed id changed: restored from a backup, or
``county-center publish new-feed-id``), the station asks from 0; every item of the new pass
is stamped with the new feed id, and once a page says nothing more follows, items stamped
with another feed id — the ones the county no longer holds — are dropped. Until then the
station keeps showing what it had.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from station_tui.storage.db import put_meta
from sync.errors import ProtocolError

if TYPE_CHECKING:
    from collections.abc import Callable

    from station_tui.storage import Store
    from sync.county_api import CountyAPI

#: Pages one run reads at most (each up to ``downlink.MAX_PAGE`` items); the next run goes on.
MAX_PAGES = 200


@dataclass
class Received:
    #: Items stored new or replaced, and withdrawn ones dropped.
    stored: int = 0
    withdrawn: int = 0
    #: Items dropped at the end of a pass after the county's feed changed.
    dropped: int = 0
    reset: bool = False
    pages: int = 0
    #: Titles of notices this run brought for the first time.
    new_notices: list[str] = field(default_factory=list)
    #: Items of kinds this program does not read (kept for a newer one) or with a body it
    #: could not read (skipped).
    skipped: int = 0
    #: The county has no downlink (an older county center).
    not_offered: bool = False
    #: Escalated requests the county or township answered (or served), applied this run.
    answered: int = 0

    def summary_zh(self) -> str:
        if self.not_offered:
            return "县中心暂不提供下发内容。"
        if not (self.stored or self.withdrawn or self.dropped):
            return "县中心没有新的下发内容。"
        parts = [f"收到县中心下发内容 {self.stored} 条"]
        if self.new_notices:
            parts.append(f"其中新通知 {len(self.new_notices)} 条")
        if self.answered:
            parts.append(f"上报的群众点单有 {self.answered} 件收到答复")
        if self.withdrawn or self.dropped:
            parts.append(f"撤回 {self.withdrawn + self.dropped} 条")
        return "，".join(parts) + "。"

    def summary_en(self) -> str:
        return (f"downlink: stored {self.stored}, withdrawn {self.withdrawn}, dropped {self.dropped}, "
                f"pages {self.pages}{', feed reset' if self.reset else ''}")  # fmt: skip


def receive(api: CountyAPI, store: Store, station_code: str, *, log: Callable[[str], None] | None = None,
            limit: int | None = None, max_pages: int = MAX_PAGES) -> Received:  # fmt: skip
    from sync.errors import NotOffered

    say = log or (lambda _m: None)
    got = Received()
    feed, after = store.county_word.position()
    while got.pages < max_pages:
        try:
            page = api.downlink(after, feed, limit)
        except NotOffered:
            got.not_offered = True
            return got
        _check(page, after, station_code)
        if page.reset:
            got.reset = True
            say(f"county feed is now {page.feed_id} (was {feed}, at {after}): receiving it all again")
        _store(store, page, got)
        got.pages += 1
        feed, after = page.feed_id, page.next_after
        say(f"downlink page {got.pages}: {len(page.items)} items, now at {after}")
        if not page.more:
            break
    return got


def _check(page: Any, after: int, station_code: str) -> None:
    """Trust nothing that could leave a gap or another station's item."""
    from sync.errors import SyncError
    from sync.protocol import PROTOCOL_VERSION

    if page.protocol_version != PROTOCOL_VERSION:
        raise SyncError(
            f"县中心下发内容的协议版本是 {page.protocol_version}，本站程序只认识 {PROTOCOL_VERSION}，请升级本站程序。"
            "修改已上传，下发内容下次再收。",
            f"downlink protocol {page.protocol_version}, this station speaks {PROTOCOL_VERSION}: upgrade",
        )
    expected_after = 0 if page.reset else after
    seqs = [item.seq for item in page.items]
    if (
        page.after != expected_after
        or page.next_after < page.after
        or any(s <= page.after or s > page.next_after for s in seqs)
        or seqs != sorted(set(seqs))
    ):
        raise ProtocolError("县中心下发的内容次序不对，本次没有保存。",
                            f"downlink page out of order (after {page.after}, next {page.next_after}, seqs {seqs[:5]})")
    stray = [item.id for item in page.items if item.station not in (None, station_code)]
    if stray:
        raise ProtocolError("县中心发来了别的站点的内容，本次没有保存。", f"items for another station: {stray[:3]}")


def _answer_request(store: Store, conn: Any, body: dict[str, Any]) -> int:
    """Apply the county's answer to the request it names, in the transaction that stores the
    item and moves the cursor: a run killed before the commit applies neither, the next one
    both. Only a request still 已上报 moves, so the same answer received again (a feed resent
    after a restore) changes nothing; a request the station no longer has is left alone."""
    from station_tui.domain.request_flow import ESCALATED, NOTE_CHARS, Move, MoveRefused

    row = conn.execute("SELECT state FROM requests WHERE id = ? AND deleted = 0", (body["request_id"],)).fetchone()
    if row is None or row[0] != ESCALATED:
        return 0
    note = f"{body['by']}：{body['note']}"[:NOTE_CHARS]
    try:
        store.requests.move_in(conn, body["request_id"], Move(body["outcome"], note=note), by=body["by"])
    except (MoveRefused, ValueError):  # a rule of this program refuses it: the item stays, unapplied
        return 0
    return 1


def _store(store: Store, page: Any, got: Received) -> None:
    from sync import downlink
    from sync.outbox import now_local

    now = now_local()
    with store.write() as conn:
        for item in page.items:
            if item.deleted:
                got.withdrawn += conn.execute("DELETE FROM county_items WHERE id = ?", (item.id,)).rowcount
                continue
            body = item.body
            if item.kind in downlink.BODIES:
                try:
                    body = downlink.check_body(item.kind, body).model_dump(mode="json")
                except ValueError:
                    got.skipped += 1
                    conn.execute("DELETE FROM county_items WHERE id = ?", (item.id,))
                    continue
            else:
                got.skipped += 1  # kept for a newer program to read
            known = conn.execute("SELECT 1 FROM county_items WHERE id = ?", (item.id,)).fetchone()
            conn.execute(
                """INSERT INTO county_items (id, kind, township, station, body, seq, feed_id, published_at, received_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, township = excluded.township,
                     station = excluded.station, body = excluded.body, seq = excluded.seq,
                     feed_id = excluded.feed_id, published_at = excluded.published_at""",
                (item.id, item.kind, item.township, item.station, json.dumps(body, ensure_ascii=False),
                 item.seq, page.feed_id, item.published_at, now),
            )  # fmt: skip
            got.stored += 1
            if item.kind == "request_answer":
                got.answered += _answer_request(store, conn, body)
            if item.kind == "notice" and not known:
                got.new_notices.append(str(body.get("title", "")))
        if not page.more:
            got.dropped += conn.execute("DELETE FROM county_items WHERE feed_id <> ?", (page.feed_id,)).rowcount
        put_meta(conn, "county_feed_id", page.feed_id)
        put_meta(conn, "county_feed_after", str(page.next_after))
