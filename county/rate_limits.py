"""Rate limits that hold across several county processes on one database.

A key is a station's token hash or a client address. Each process keeps a token bucket per key
in memory, which refuses a flood without any database work, and spends permits it leases from
a shared bucket in the store (``store.lease_permits``: one row per key, refilled at the same
rate, taken from in one locked transaction). A lease is a block of a tenth of the burst, so the
store is asked once per block, not once per request; all processes together pass at most the
burst plus the refill plus one unspent block each. When the shared bucket is empty the process
remembers until when, so a flood still costs no database work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: (key, rate, burst, wanted, now) -> (permits granted, seconds until one more is there).
LeaseFn = Callable[[str, float, float, int, float], tuple[int, float]]


class RateLimiter:
    """``burst`` requests at once per key, refilled at ``rate`` per second; ``rate`` 0 = no limit."""

    def __init__(self, rate: float, burst: float, lease: LeaseFn | None = None, *, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.block = max(1, int(burst // 10))
        self._lease = lease
        self._buckets: dict[str, tuple[float, float]] = {}
        self._leased: dict[str, int] = {}
        self._empty_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._leasing: dict[str, threading.Lock] = {}

    def take(self, key: str) -> float | None:
        """Spend one request without touching the store: 0 when allowed, the seconds to wait
        when refused, None when a lease from the shared bucket must decide (``lease``)."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens < 1:
                self._remember(key, tokens, now)
                return (1 - tokens) / self.rate
            self._remember(key, tokens - 1, now)
            if self._lease is None:
                return 0.0
            if self._leased.get(key, 0) > 0:
                self._leased[key] -= 1
                return 0.0
            until = self._empty_until.get(key)
            if until is not None:
                if time.time() < until:
                    return until - time.time()
                del self._empty_until[key]
        return None

    def lease(self, key: str) -> float:
        """Lease a block from the shared bucket (blocking: store work) and spend one of it."""
        assert self._lease is not None
        with self._lock:
            leasing = self._leasing.setdefault(key, threading.Lock())
        # Requests of one key arriving together wait for one lease, rather than each taking a block.
        with leasing:
            with self._lock:
                if self._leased.get(key, 0) > 0:
                    self._leased[key] -= 1
                    return 0.0
            now = time.time()
            granted, wait = self._lease(key, self.rate, self.burst, self.block, now)
        with self._lock:
            if granted >= 1:
                self._leased[key] = self._leased.get(key, 0) + granted - 1
                return 0.0
            self._empty_until[key] = now + wait
            return wait

    def _remember(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            # Forget full buckets first: they carry no debt.
            for k, (t, _) in list(self._buckets.items()):
                if t >= self.burst:
                    del self._buckets[k]
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()
            # Leases are dropped with them (a dropped lease is only a few permits unspent).
            self._leased.clear()
            self._empty_until.clear()
            self._leasing.clear()
        self._buckets[key] = (tokens, now)


def refill(tokens: float, stamp: float, rate: float, burst: float, now: float) -> float:
    """A bucket's tokens at ``now``; a clock that went back adds nothing."""
    return min(burst, tokens + max(0.0, now - stamp) * rate)
