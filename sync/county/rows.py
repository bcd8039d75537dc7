"""What the county needs from a change before it can apply it.

The check is deliberately narrow: the envelope of the change and the fields the county's
reports read, with their types. Anything else in a row is kept as the station sent it, so a
newer station may add columns without breaking an older county. A change that fails is not
refused: it goes to quarantine with the reason returned here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from station_tui.domain.vocab import PLATFORMS, ROLES
from sync import protocol
from sync.protocol import MAX_COUNTER, SYNCED_TABLES, Change

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Incoming:
    """One change of a batch as received: its seq and derived id, and either what the store
    needs to apply it (``row_json`` is the row's text as the station sent it) or ``problem``,
    the reason in Chinese it goes to quarantine."""

    seq: int
    change_id: str
    raw: Any
    table: str = ""
    record_id: str = ""
    row_version: int = 0
    deleted: bool = False
    row_json: str = ""
    problem: str | None = None


_UNSTORABLE = re.compile("[\x00-\x1f\ud800-\udfff]")


def clean_text(value: str) -> bool:
    """Text every store can hold: no control characters (PostgreSQL refuses NUL) and no lone
    surrogates (they cannot be encoded as UTF-8)."""
    return _UNSTORABLE.search(value) is None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(row: dict[str, Any], field: str, *, optional: bool = False) -> str | None:
    value = row.get(field)
    if value is None and optional:
        return None
    if not _is_int(value) or value < 0:
        return f"字段 {field} 应为非负整数，收到 {value!r}"
    return None


def _text(row: dict[str, Any], field: str, *, optional: bool = False) -> str | None:
    value = row.get(field)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"字段 {field} 应为非空文本，收到 {value!r}"
    return None


def _flag(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field, 0)
    if value not in (0, 1) or isinstance(value, float):
        return f"字段 {field} 应为 0 或 1，收到 {value!r}"
    return None


def _date(row: dict[str, Any]) -> str | None:
    value = row.get("date")
    if not isinstance(value, str) or not _DATE.match(value):
        return f"字段 date 应为 YYYY-MM-DD 格式的日期，收到 {value!r}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"日期 {value} 不存在"
    return None


def _station(row: dict[str, Any]) -> list[str | None]:
    return [_text(row, "code"), _text(row, "name"), _text(row, "township")]


def _people(row: dict[str, Any]) -> list[str | None]:
    return [_text(row, "name"), _flag(row, "is_volunteer")]


def _named(row: dict[str, Any]) -> list[str | None]:
    return [_text(row, "name")]


def _team_members(row: dict[str, Any]) -> list[str | None]:
    return [_text(row, "team_id"), _text(row, "person_id")]


def _lectures(row: dict[str, Any]) -> list[str | None]:
    return [_date(row), _count(row, "audience")]


def _activities(row: dict[str, Any]) -> list[str | None]:
    platform = row.get("platform")
    bad_platform = None if platform in PLATFORMS else f"平台 {platform!r} 不是五大平台之一"
    return [_date(row), bad_platform, _count(row, "served"), _count(row, "volunteer_tenths")]


def _attendance(row: dict[str, Any]) -> list[str | None]:
    problems = [
        _text(row, "lecture_id", optional=True),
        _text(row, "activity_id", optional=True),
        _text(row, "person_id", optional=True),
        _count(row, "headcount", optional=True),
        _count(row, "credited_tenths"),
    ]
    if (row.get("lecture_id") is None) == (row.get("activity_id") is None):
        problems.append("签到应且只应属于一场宣讲或一场活动（lecture_id 与 activity_id 恰好一个）")
    if (row.get("person_id") is None) == (row.get("headcount") is None):
        problems.append("签到应是具名人员或人数之一（person_id 与 headcount 恰好一个）")
    role = row.get("role")
    if role is not None and role not in ROLES:
        problems.append(f"角色 {role!r} 不在 {'、'.join(ROLES)} 之中")
    return problems


_CHECKS = {
    "station": _station,
    "people": _people,
    "teams": _named,
    "team_members": _team_members,
    "venues": _named,
    "lectures": _lectures,
    "activities": _activities,
    "attendance": _attendance,
}
assert set(_CHECKS) == set(SYNCED_TABLES)


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "?"
        parts.append(f"{where}: {err.get('msg')}")
    return "修改记录格式不对（" + "；".join(parts) + "）"


_OPS = frozenset(("insert", "update", "delete"))
_slow_loads = json.JSONDecoder().decode


def _loads(text: str) -> Any:
    """A row's JSON: pydantic's reader first (several times faster), ``json`` for what it will
    not read (a lone surrogate escape, deep nesting), so that the verdict stays ``json``'s."""
    try:
        return from_json(text)
    except ValueError:
        return _slow_loads(text)


def _unusable(raw: dict[str, Any], table: Any, op: Any, text: Any) -> str | None:
    """Why a change's own fields (not its row's) make it unusable, or None."""
    if isinstance(table, str) and 1 <= len(table) <= 64 and op in _OPS and isinstance(text, str):
        if table not in _CHECKS:
            return f"未知的表 {table!r}（县中心只接收 {'、'.join(SYNCED_TABLES)}）"
        return None
    try:  # only for the wording of the reason
        Change.model_validate(raw)
    except ValidationError as exc:
        return _explain(exc)
    return "修改记录格式不对（table、op 或 row 的类型不对）"


def inspect(seq: int, raw: dict[str, Any]) -> Incoming:
    """One received change: its derived id, and either the fields the store needs or the
    reason (in Chinese) it goes to quarantine. Runs for every change: kept lean."""
    table, op, text = raw.get("table"), raw.get("op"), raw.get("row")
    change_id, utf8 = protocol.identify(table, op, text)
    item = Incoming(seq, change_id, raw)
    problem = _unusable(raw, table, op, text)
    if problem is None and not utf8:
        problem = "行内含有无效的 Unicode 字符（不成对的代理码位）"
    if problem is not None:
        item.problem = problem
        return item
    try:
        row = _loads(text)
    except (ValueError, RecursionError):
        row = None
    if type(row) is not dict:
        item.problem = "行的内容不是 JSON 对象（本站数据库里的这条修改已损坏）"
        return item
    rid, version = row.get("id"), row.get("row_version")
    if not isinstance(rid, str) or not 1 <= len(rid) <= 64 or not clean_text(rid):
        item.problem = f"行内记录编号 id 应为 1–64 个字符、不含控制字符的文本，收到 {rid!r}"
        return item
    if not _is_int(version) or not 1 <= version <= MAX_COUNTER:
        item.problem = f"行内版本 row_version 应为正整数，收到 {version!r}"
        return item
    problems = [p for p in [_flag(row, "deleted"), *_CHECKS[table](row)] if p]
    if problems:
        item.problem = "；".join(problems)
        return item
    deleted = bool(row.get("deleted", 0))
    if op == "delete" and not deleted:
        item.problem = "删除操作的行没有标记为已删除（deleted = 1）"
        return item
    item.table, item.record_id, item.row_version, item.deleted, item.row_json = table, rid, version, deleted, text
    return item
