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

from station_tui.domain.vocab import PLATFORMS, ROLES
from sync.protocol import MAX_COUNTER, SYNCED_TABLES, Change

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Incoming:
    """One change of a batch as received: its keys, and either a usable change or a problem."""

    seq: int
    change_id: str
    raw: Any
    change: Checked | None = None
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


@dataclass(slots=True)
class Checked:
    """A change whose envelope is sound (the fields of ``protocol.Change``, checked by hand:
    validating thousands of changes per batch through pydantic costs more than storing them)."""

    table: str
    id: str
    op: str
    row_version: int
    row: dict[str, Any]


def _checked(raw: dict[str, Any]) -> Checked | str:
    table, rid, op, version, row = (raw.get(k) for k in ("table", "id", "op", "row_version", "row"))
    if (
        isinstance(table, str)
        and 1 <= len(table) <= 64
        and isinstance(rid, str)
        and 1 <= len(rid) <= 64
        and op in _OPS
        and _is_int(version)
        and 1 <= version <= MAX_COUNTER
        and isinstance(row, dict)
    ):
        return Checked(table, rid, op, version, row)
    try:  # only for the wording of the reason
        Change.model_validate(raw)
    except ValidationError as exc:
        return _explain(exc)
    return "修改记录格式不对（table、id、op、row_version 或 row 的类型不对）"


def inspect(item: Incoming) -> Incoming:
    """Fill ``item.change`` and ``item.deleted``, or ``item.problem`` with the reason in Chinese."""
    change = _checked(item.raw)
    if isinstance(change, str):
        item.problem = change
        return item
    if change.table not in _CHECKS:
        item.problem = f"未知的表 {change.table!r}（县中心只接收 {'、'.join(SYNCED_TABLES)}）"
        return item
    if not clean_text(change.table) or not clean_text(change.id):
        item.problem = "表名或记录编号含有控制字符或无效的 Unicode 字符"
        return item
    row = change.row
    if row.get("id") != change.id:
        item.problem = f"行内 id {row.get('id')!r} 与修改的记录编号 {change.id!r} 不一致"
        return item
    if row.get("row_version") != change.row_version or not _is_int(row.get("row_version")):
        item.problem = f"行内版本 {row.get('row_version')!r} 与修改的版本 {change.row_version} 不一致"
        return item
    problems = [p for p in [_flag(row, "deleted"), *_CHECKS[change.table](row)] if p]
    if problems:
        item.problem = "；".join(problems)
        return item
    deleted = bool(row.get("deleted", 0))
    if change.op == "delete" and not deleted:
        item.problem = "删除操作的行没有标记为已删除（deleted = 1）"
        return item
    row_json = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    try:
        row_json.encode("utf-8")
    except UnicodeEncodeError:
        item.problem = "行内含有无效的 Unicode 字符（不成对的代理码位）"
        return item
    item.change, item.deleted, item.row_json = change, deleted, row_json
    return item
