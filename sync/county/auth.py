"""Secrets and limits: enrollment codes, station and admin tokens, per-token rate limits.

Only SHA-256 hashes of codes and tokens are stored, so a copy of the county database does
not let anyone upload as a station. Codes and tokens come from ``secrets``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

#: Unambiguous characters for codes read aloud over the phone (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12  # ~59 bits: far beyond guessing under the enrollment rate limit


def new_enrollment_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """Case, spaces and dashes do not matter when a code is typed back."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_station_token() -> str:
    return "st_" + secrets.token_urlsafe(32)


def new_admin_token() -> str:
    return "adm_" + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


class RateLimiter:
    """A token bucket per key (a station's token hash, or a client address for enrollment):
    ``burst`` requests at once, refilled at ``rate`` per second. In memory: a restart forgives."""

    def __init__(self, rate: float, burst: float, *, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one request; returns 0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._remember(key, tokens - 1, now)
                return 0.0
            self._remember(key, tokens, now)
            return (1 - tokens) / self.rate

    def _remember(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            # Forget full buckets first: they carry no debt.
            for k, (t, _) in list(self._buckets.items()):
                if t >= self.burst:
                    del self._buckets[k]
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()
        self._buckets[key] = (tokens, now)
