"""The wire format between a station and its county center (version 1).

Shared by both ends; pure pydantic, no I/O frameworks. ``docs/sync-protocol.md`` is the
human-readable contract and explains every rule; this module is its executable form.

In short: a station enrolls once (one-time enrollment code -> revocable secret token), then
uploads its outbox in batches. A batch says which outbox ``seq`` the station believes the
county has acknowledged (``after_seq``) and carries every change after it, in seq order. The
county applies the batch in one transaction and answers with ``ack_seq``: every change up to
it is stored for good (applied, duplicate, stale or quarantined). The station then, and only
then, moves its own ``acked_seq`` forward.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from station_tui.domain.kinds import SCHEMA_VERSION as _KINDS_SCHEMA_VERSION
from station_tui.domain.kinds import SYNCED_TABLES as _KINDS_SYNCED_TABLES

#: Version of the envelope (paths, field names, status words). Bumped only for breaking changes.
#: Version 2 (before any release) made a change's id derived from its content instead of sent,
#: and answers with counts plus only the changes that need a look.
PROTOCOL_VERSION = 2
#: The station data schema (``PRAGMA user_version`` of the station database) the rows follow.
#: A station sends its own; the county accepts the window below and answers 426 outside it.
#: Versions 2 and 3 changed only the station's capture triggers, not the rows' shape (3 sends
#: a phone as null unless the station allows it): all are accepted. The newest is the one the
#: record kinds of this release describe (domain/kinds.py).
MIN_SCHEMA_VERSION = 1
MAX_SCHEMA_VERSION = _KINDS_SCHEMA_VERSION

API_PREFIX = "/api/v1"
HEALTH_PATH = f"{API_PREFIX}/health"
ENROLL_PATH = f"{API_PREFIX}/enroll"
ACK_PATH = f"{API_PREFIX}/ack"  # GET ?epoch=…
BATCHES_PATH = f"{API_PREFIX}/batches"
REPORT_PATH = f"{API_PREFIX}/report"  # GET ?year=&month= (admin token)
#: Photo files (after the records): which of these hashes the county lacks, then the bytes.
PHOTOS_STATUS_PATH = f"{API_PREFIX}/photos/status"  # POST {"sha256": [...]} (station token)
PHOTOS_PATH = f"{API_PREFIX}/photos"  # POST /{sha256}?offset=N raw chunk (station); GET /{sha256} (admin)

#: Default body limits of the county (the server may be configured lower or higher).
MAX_COMPRESSED_BYTES = 8 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
#: Upper bound on changes in one batch; clients should stay well below (adaptive size).
MAX_CHANGES_PER_BATCH = 5000
#: Largest seq or row_version either end stores (a signed 64-bit integer, with room to spare).
MAX_COUNTER = 2**62
#: Longest row (its JSON text, in characters) the county applies. A station's longest record
#: (a 4,000-character summary beside every other field at its own limit) is a fraction of it;
#: a longer row is quarantined with its length, and kept only up to this many characters.
MAX_ROW_CHARS = 64 * 1024

#: Largest photo chunk the county takes in one request (a larger body gets 413). A station
#: sends 256 KiB by default: half a minute at 64 kbit/s.
MAX_PHOTO_CHUNK_BYTES = 1024 * 1024
DEFAULT_PHOTO_CHUNK_BYTES = 256 * 1024
#: Largest photo file the county keeps: a station keeps JPEGs of at most 1920 px (a few MB).
MAX_PHOTO_BYTES = 32 * 1024 * 1024
#: Hashes asked about in one ``POST /photos/status``.
MAX_PHOTO_STATUS = 500

#: The tables a station uploads, in dependency order: the synced record kinds
#: (station_tui/domain/kinds.py), which the station's capture triggers follow.
SYNCED_TABLES: tuple[str, ...] = _KINDS_SYNCED_TABLES

Op = Literal["insert", "update", "delete"]
ChangeStatus = Literal["applied", "duplicate", "stale", "quarantined"]

#: Error codes in ``ErrorBody.error``; a client decides what to do from the code alone.
ErrorCode = Literal[
    "bad_request",  # 400: body is not a valid batch (the message says why); do not retry as is
    "unauthorized",  # 401: token unknown or revoked; enroll again
    "forbidden",  # 403: admin endpoint without the admin token
    "enrollment_code_invalid",  # 404: enrollment code unknown or already used
    "request_timeout",  # 408: the body did not arrive in time; send again
    "enrollment_code_expired",  # 410: the code's days are over; ask the county for a new one
    "ack_behind",  # 409: the county's ack for this epoch is behind after_seq; rewind to ack_seq
    "station_mismatch",  # 409: enrollment code belongs to another station than the one claimed
    "too_large",  # 413: compressed or decompressed body over the limit; send smaller batches
    "upgrade_required",  # 426: protocol/schema version outside the county's window
    "rate_limited",  # 429: slow down; retry after ``retry_after`` seconds
    "photo_unknown",  # 403: no live photo record of this station names this hash (records first)
    "photo_offset",  # 409: the chunk does not start where the county's copy ends; resume at ``received``
    "photo_mismatch",  # 422: the whole file's SHA-256 is not its name; the partial is dropped, start again
    "not_found",  # 404: the county holds no such photo (staff route)
    "server_error",  # 500: unexpected; nothing from this request was stored; retry later
    "unavailable",  # 503: store unreachable; retry later
]


class Wire(BaseModel):
    """Unknown fields are ignored so that either end can add optional fields compatibly.
    Strict: a value of the wrong JSON type (``"5"`` or ``true`` for a number) is refused, never
    coerced, so both ends read a message the same way."""

    model_config = ConfigDict(extra="ignore", strict=True)


def utc_now() -> str:
    """``server_time``: ISO 8601 UTC, seconds precision, ``Z`` suffix."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- enrollment -------------------------------------------------------------------------------
class EnrollRequest(Wire):
    protocol_version: int = PROTOCOL_VERSION
    enrollment_code: str = Field(min_length=1, max_length=64)
    #: The station database's epoch (meta ``epoch``); the county starts its ack at 0 for it.
    epoch: str = Field(min_length=1, max_length=64)
    app_version: str = Field(min_length=1, max_length=40)
    schema_version: int = MIN_SCHEMA_VERSION
    #: The 12-digit code the station database holds; if given it must match the county's record.
    station_code: str | None = Field(default=None, max_length=40)


class StationInfo(Wire):
    code: str
    name: str
    township: str


class EnrollResponse(Wire):
    protocol_version: int = PROTOCOL_VERSION
    #: The secret the station sends as ``Authorization: Bearer <token>``. Shown once.
    token: str
    station: StationInfo
    epoch: str
    ack_seq: int
    server_time: str


# -- where am I -------------------------------------------------------------------------------
class AckStatus(Wire):
    """``GET /api/v1/ack?epoch=E``: what the county holds for this station and epoch."""

    protocol_version: int = PROTOCOL_VERSION
    station: StationInfo
    epoch: str
    ack_seq: int
    last_sync: str | None = None
    server_time: str


# -- upload -----------------------------------------------------------------------------------
class Change(Wire):
    """One outbox row. ``row`` is the record's full row as JSON *text*, exactly as the station's
    trigger captured it (holding the record's ``id`` and ``row_version``; a tombstone for
    deletes: ``deleted`` = 1). Sent as text, not as a nested object, so the county stores the
    station's own bytes and both ends derive the same :func:`change_id` without re-spelling."""

    seq: int = Field(ge=1, le=MAX_COUNTER)
    table: str = Field(min_length=1, max_length=64)
    op: Op
    row: str


class Batch(Wire):
    protocol_version: int = PROTOCOL_VERSION
    schema_version: int
    app_version: str = Field(min_length=1, max_length=40)
    #: The code the station believes it has. Informational only: the token decides the station.
    station: str | None = None
    epoch: str = Field(min_length=1, max_length=64)
    #: The ack the station believes the county has for this epoch. The batch must carry every
    #: outbox change with seq > after_seq up to its last seq, in increasing seq order.
    after_seq: int = Field(ge=0, le=MAX_COUNTER)
    changes: list[Change] = Field(default_factory=list, max_length=MAX_CHANGES_PER_BATCH)


class ChangeResult(Wire):
    """A change that was not simply applied and deserves a look: stale or quarantined."""

    seq: int
    status: ChangeStatus
    #: Why the change was stale or quarantined (Chinese).
    reason: str | None = None


class BatchResult(Wire):
    protocol_version: int = PROTOCOL_VERSION
    epoch: str
    #: Every change with seq <= ack_seq is stored at the county for good; mark them sent.
    ack_seq: int
    #: How many changes of the batch ended in each status (absent statuses count 0).
    counts: dict[ChangeStatus, int] = Field(default_factory=dict)
    #: The stale and quarantined changes, in seq order, with their reasons. Applied and
    #: duplicate changes are only counted: a batch of thousands answers in a few bytes.
    results: list[ChangeResult] = Field(default_factory=list)
    server_time: str


# -- photo files ------------------------------------------------------------------------------
_SHA256 = r"^[0-9a-f]{64}$"
PhotoState = Literal["stored", "partial", "missing", "unknown"]


class PhotoStatusRequest(Wire):
    """``POST /api/v1/photos/status``: the hashes a station is about to upload."""

    sha256: list[str] = Field(max_length=MAX_PHOTO_STATUS)


class PhotoStatus(Wire):
    sha256: str
    #: stored: the county has the whole file (from this station or another: stored once);
    #: partial: ``received`` bytes are there, send from that offset; missing: send from 0;
    #: unknown: no live photo record of this station names it (records go first; or tombstoned).
    state: PhotoState
    received: int = 0
    #: The size the station's photo record gives (0 when unknown).
    size: int = 0


class PhotoStatusAnswer(Wire):
    photos: list[PhotoStatus]


class PhotoChunkAnswer(Wire):
    """``POST /api/v1/photos/{sha256}?offset=N``: where the county's copy stands now."""

    sha256: str
    size: int
    received: int
    #: True once the whole file arrived, its SHA-256 matched and it is stored.
    stored: bool


def is_sha256(value: str) -> bool:
    import re

    return re.fullmatch(_SHA256, value) is not None


# -- errors -----------------------------------------------------------------------------------
class SchemaWindow(Wire):
    protocol_versions: list[int]
    min_schema_version: int
    max_schema_version: int


class ErrorBody(Wire):
    error: ErrorCode
    message: str  # plain Chinese, for the station manager
    message_en: str  # for logs and script writers
    #: 409 ack_behind (and informative elsewhere): the county's ack for this station and epoch.
    ack_seq: int | None = None
    #: 426: what this county accepts.
    supported: SchemaWindow | None = None
    #: 429/503: seconds to wait before retrying (also in the Retry-After header).
    retry_after: float | None = None
    #: 409 photo_offset: the bytes of the photo the county holds; the next chunk starts there.
    received: int | None = None


def supported_window() -> SchemaWindow:
    return SchemaWindow(
        protocol_versions=[PROTOCOL_VERSION],
        min_schema_version=MIN_SCHEMA_VERSION,
        max_schema_version=MAX_SCHEMA_VERSION,
    )


# -- helpers both ends use --------------------------------------------------------------------
def canonical_json(value: Any) -> str:
    """Compact JSON, keys in the order given, non-ASCII kept; text that cannot be UTF-8 (a lone
    surrogate) falls back to ASCII escapes."""
    text = _CANONICAL.encode(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _CANONICAL_ASCII.encode(value)
    return text


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_CANONICAL_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def change_id(table: Any, op: Any, row: Any) -> str:
    """A change's identity: the first 128 bits (32 hex digits) of a SHA-256 of its content,
    over the UTF-8 of ``table + "\\n" + op + "\\n" + row`` (``row`` being the row's JSON text,
    so the station computes it from its outbox row alone). A malformed change whose table, op
    or row is not text is hashed as ``canonical_json([table, op, row])`` instead.

    Derived, never generated: the same change sent again, in any batch or epoch, has the same
    id, so the county answers it ``duplicate`` (ODK/Kobo duplicated records when a client
    regenerated its ids). Two different changes always differ in content — a record's
    ``row_version`` grows with every change, and ``updated_at`` is in the row — and two
    branches of a station restored from a backup collide only by writing byte-identical rows,
    which are then the same state.
    """
    return identify(table, op, row)[0]


#: A SHA-256 already fed each ordinary ``table \n op \n`` prefix: copying one costs less than
#: starting a hash (the county computes an id for every change it receives).
_PREFIXED = {(t, o): hashlib.sha256(f"{t}\n{o}\n".encode()) for t in SYNCED_TABLES for o in get_args(Op)}


def identify(table: Any, op: Any, row: Any) -> tuple[str, bool]:
    """``change_id(table, op, row)``, and whether table, op and row are all text that is valid
    UTF-8 (the county needs both for every change it receives: one encoding serves both)."""
    if type(table) is str and type(op) is str and type(row) is str:
        prefixed = _PREFIXED.get((table, op))
        if prefixed is not None:
            try:
                data = row.encode("utf-8")
            except UnicodeEncodeError:
                pass  # hashed below, as it came
            else:
                digest = prefixed.copy()
                digest.update(data)
                return digest.hexdigest()[:32], True
        text = f"{table}\n{op}\n{row}"
        try:
            return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], True
        except UnicodeEncodeError:  # a lone surrogate: hashed as it came
            return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32], False
    text = canonical_json([table, op, row])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], False


def change_from_outbox(row: Mapping[str, Any]) -> Change:
    """Turn a station ``outbox`` row (seq, tbl, op, row_json) into a wire change."""
    return Change(seq=int(row["seq"]), table=str(row["tbl"]), op=row["op"], row=str(row["row_json"]))


def encode(model: BaseModel, *, level: int = 6) -> bytes:
    """Gzip-compressed UTF-8 JSON, as ``POST /api/v1/batches`` expects
    (send with ``Content-Encoding: gzip`` and ``Content-Type: application/json``)."""
    text = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=level)


def auth_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


__all__ = [
    "ACK_PATH",
    "API_PREFIX",
    "BATCHES_PATH",
    "DEFAULT_PHOTO_CHUNK_BYTES",
    "ENROLL_PATH",
    "HEALTH_PATH",
    "MAX_CHANGES_PER_BATCH",
    "MAX_COMPRESSED_BYTES",
    "MAX_COUNTER",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_CHUNK_BYTES",
    "MAX_PHOTO_STATUS",
    "MAX_ROW_CHARS",
    "MAX_SCHEMA_VERSION",
    "MIN_SCHEMA_VERSION",
    "PHOTOS_PATH",
    "PHOTOS_STATUS_PATH",
    "PROTOCOL_VERSION",
    "REPORT_PATH",
    "SYNCED_TABLES",
    "AckStatus",
    "Batch",
    "BatchResult",
    "Change",
    "ChangeResult",
    "ChangeStatus",
    "EnrollRequest",
    "EnrollResponse",
    "ErrorBody",
    "ErrorCode",
    "Op",
    "PhotoChunkAnswer",
    "PhotoState",
    "PhotoStatus",
    "PhotoStatusAnswer",
    "PhotoStatusRequest",
    "SchemaWindow",
    "StationInfo",
    "auth_header",
    "canonical_json",
    "change_from_outbox",
    "change_id",
    "encode",
    "identify",
    "is_sha256",
    "supported_window",
    "utc_now",
]
