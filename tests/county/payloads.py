"""What a station sends a county, built by hand for the county's tests: wire changes and
batches, and fresh station codes. The county server itself: tests/county_server.py."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

from sync import protocol

_codes = itertools.count(1)


def new_code() -> str:
    """A 12-digit station code no other test in this run uses."""
    return f"1403{os.getpid() % 10000:04d}{next(_codes):04d}"


def batch(changes: list[dict[str, Any]], *, epoch: str = "epoch-1", after_seq: int = 0, **over: Any) -> dict[str, Any]:
    body = {
        "protocol_version": protocol.PROTOCOL_VERSION,
        "schema_version": protocol.MAX_SCHEMA_VERSION,
        "app_version": "0.1.0",
        "station": None,
        "epoch": epoch,
        "after_seq": after_seq,
        "changes": changes,
    }
    body.update(over)
    return body


def change(
    seq: int,
    table: str = "lectures",
    rid: str | None = None,
    version: int = 1,
    *,
    op: str = "insert",
    **fields: Any,
) -> dict[str, Any]:
    """A wire change as a station sends it: the row as JSON text."""
    rid = rid or f"rec-{seq}"
    row: dict[str, Any] = {"id": rid, "row_version": version, "deleted": 1 if op == "delete" else 0}
    if table == "lectures":
        row.update({"date": "2026-03-02", "topic": "宣讲", "audience": 30})
    elif table == "activities":
        row.update(
            {"date": "2026-03-05", "title": "活动", "platform": "文化服务", "served": 20, "volunteer_tenths": 15}
        )
    elif table == "people":
        row.update({"name": "张三", "is_volunteer": 1})
    row.update(fields)
    return {"seq": seq, "table": table, "op": op, "row": json.dumps(row, ensure_ascii=False)}


def row_of(c: dict[str, Any]) -> dict[str, Any]:
    return json.loads(c["row"])


def id_of(c: dict[str, Any]) -> str:
    """The change id the county derives for a wire change."""
    return protocol.change_id(c.get("table"), c.get("op"), c.get("row"))
