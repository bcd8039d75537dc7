"""Adaptive batch size: grow while the county answers quickly, shrink on timeouts and 413.

Slow village links must still make progress (PouchDB restarted from zero on slow links): a
timeout halves the batch, so the next try is smaller and more likely to get through, and
every acknowledged batch is kept.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BatchSize:
    current: int = 500
    minimum: int = 1
    maximum: int = 5000
    #: A batch answered faster than this (seconds) lets the next one double.
    fast: float = 2.0

    def grow_after(self, seconds: float) -> None:
        if seconds < self.fast:
            self.current = min(self.maximum, self.current * 2)
        elif seconds > self.fast * 4:
            self.current = max(self.minimum, self.current // 2)

    def next_if_fast(self) -> int:
        """The size the next batch will have if this one is answered quickly."""
        return min(self.maximum, self.current * 2)

    def shrink(self) -> bool:
        """Halve after a timeout or 413; False when already at the minimum (nothing to try)."""
        if self.current <= self.minimum:
            return False
        self.current = max(self.minimum, self.current // 2)
        return True
