"""What every request of one county process shares: the store, the limits and the throttles."""

from __future__ import annotations

from dataclasses import dataclass, field

from county.photo_store import PhotoStore
from county.rate_limits import RateLimiter
from county.store import CountyStore
from sync import protocol


@dataclass
class Limits:
    max_body: int = protocol.MAX_COMPRESSED_BYTES
    max_inflated: int = protocol.MAX_DECOMPRESSED_BYTES
    #: Requests per second per station token, and burst.
    rate: float = 50.0
    burst: float = 200.0
    #: Requests per second and burst per client address, checked before any token is looked up
    #: (None: twice the per-token figures, room for a few stations behind one NAT).
    address_rate: float | None = None
    address_burst: float | None = None
    #: Seconds a whole request body may take to arrive, and the longest wait for its next piece.
    body_timeout: float = 300.0
    body_idle_timeout: float = 30.0
    #: Limits held in the store, shared by every county process on the database.
    shared_limits: bool = True
    #: Largest photo chunk in one request (a larger body gets 413).
    max_photo_chunk: int = protocol.MAX_PHOTO_CHUNK_BYTES


@dataclass
class CountyContext:
    store: CountyStore
    limits: Limits
    #: Where photo files are kept (county/photo_store.py).
    photos: PhotoStore
    per_token: RateLimiter = field(init=False)
    per_address: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        lease = self.store.lease_permits if self.limits.shared_limits else None
        limits = self.limits
        self.per_token = RateLimiter(limits.rate, limits.burst, lease)
        self.per_address = RateLimiter(
            limits.rate * 2 if limits.address_rate is None else limits.address_rate,
            limits.burst * 2 if limits.address_burst is None else limits.address_burst,
            lease,
        )
