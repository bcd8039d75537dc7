"""Record ids: UUIDv7 text, made once when a record is created.

The time part only spreads inserts nicely through the B-tree. Nothing is ever ordered by it:
village clocks are wrong, so order by the record's own date or by outbox ``seq``.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 14):
    from uuid import uuid7 as _uuid7
else:
    from uuid6 import uuid7 as _uuid7


def new_id() -> str:
    return str(_uuid7())
