"""What the county needs from a change before it can apply it.

The check is deliberately narrow: the envelope of the change and the fields the county's
reports read, with their types. Anything else in a row is kept as the station sent it, so a
newer station may add columns without breaking an older county. A change that fails is not
refused: it goes to quarantine with the reason returned here.

Each rule is written twice, side by side in ``FIELDS``: in Python, which is the rule and says
why in Chinese, and compiled into one pydantic-core validator per table, which reads and
checks an ordinary row in a single call. The compiled form may be stricter, never looser
(tests/county/test_rows.py holds them to that); whatever it refuses, the Python rules judge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from pydantic import ValidationError
from pydantic_core import SchemaValidator, core_schema, from_json

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
    op: str = ""
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


# -- the rules, in Python: each returns the reason (in Chinese) a field is unusable, or None ----
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


def _date(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if not isinstance(value, str) or not _DATE.match(value):
        return f"字段 {field} 应为 YYYY-MM-DD 格式的日期，收到 {value!r}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"日期 {value} 不存在"
    return None


def _platform(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value in PLATFORMS else f"平台 {value!r} 不是五大平台之一"


def _role(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value is None or value in ROLES else f"角色 {value!r} 不在 {'、'.join(ROLES)} 之中"


def _attendance_pairs(row: dict[str, Any]) -> list[str]:
    problems = []
    if (row.get("lecture_id") is None) == (row.get("activity_id") is None):
        problems.append("签到应且只应属于一场宣讲或一场活动（lecture_id 与 activity_id 恰好一个）")
    if (row.get("person_id") is None) == (row.get("headcount") is None):
        problems.append("签到应是具名人员或人数之一（person_id 与 headcount 恰好一个）")
    return problems


@dataclass(frozen=True, slots=True)
class _Rule:
    """One field the county reads, judged twice: ``judge`` is the rule and says why a value
    fails; ``schema`` is the same rule compiled for pydantic-core, never looser than ``judge``
    (stricter is allowed: what it refuses, ``judge`` decides)."""

    judge: Callable[[dict[str, Any], str], str | None]
    schema: core_schema.CoreSchema
    #: False: the field may be absent, and then reads as ``default``.
    required: bool = True
    default: Any = None

    def field(self) -> core_schema.TypedDictField:
        if self.required:
            return core_schema.typed_dict_field(self.schema)
        return core_schema.typed_dict_field(core_schema.with_default_schema(self.schema, default=self.default),
                                            required=False)


# Python's str.strip() also strips U+001C–U+001F, which the Rust regex's \s does not count as space.
_TEXT_SCHEMA = core_schema.str_schema(strict=True, pattern=r"[^\s\x1c-\x1f]")
_COUNT_SCHEMA = core_schema.int_schema(strict=True, ge=0)
TEXT = _Rule(_text, _TEXT_SCHEMA)
OPTIONAL_TEXT = _Rule(partial(_text, optional=True), core_schema.nullable_schema(_TEXT_SCHEMA), required=False)
COUNT = _Rule(_count, _COUNT_SCHEMA)
OPTIONAL_COUNT = _Rule(partial(_count, optional=True), core_schema.nullable_schema(_COUNT_SCHEMA), required=False)
FLAG = _Rule(_flag, core_schema.int_schema(strict=True, ge=0, le=1), required=False, default=0)
DATE = _Rule(_date, core_schema.chain_schema([
    core_schema.str_schema(strict=True, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), core_schema.date_schema()]))
PLATFORM = _Rule(_platform, core_schema.literal_schema(list(PLATFORMS)))
ROLE = _Rule(_role, core_schema.nullable_schema(core_schema.literal_schema(list(ROLES))), required=False)

#: The fields the county's reports read from each table, in the order reasons name them.
FIELDS: dict[str, dict[str, _Rule]] = {
    "station": {"code": TEXT, "name": TEXT, "township": TEXT},
    "people": {"name": TEXT, "is_volunteer": FLAG},
    "teams": {"name": TEXT},
    "team_members": {"team_id": TEXT, "person_id": TEXT},
    "venues": {"name": TEXT},
    "lectures": {"date": DATE, "audience": COUNT},
    "activities": {"date": DATE, "platform": PLATFORM, "served": COUNT, "volunteer_tenths": COUNT},
    "attendance": {"lecture_id": OPTIONAL_TEXT, "activity_id": OPTIONAL_TEXT, "person_id": OPTIONAL_TEXT,
                   "headcount": OPTIONAL_COUNT, "credited_tenths": COUNT, "role": ROLE},
}
assert set(FIELDS) == set(SYNCED_TABLES)
#: Rules across fields, run after the fields' own (on both paths).
_ACROSS: dict[str, Callable[[dict[str, Any]], list[str]]] = {"attendance": _attendance_pairs}

# The envelope every row has; the Python side of these is in ``judge`` (its reasons are its own).
_ENVELOPE = {
    "id": core_schema.typed_dict_field(
        core_schema.str_schema(strict=True, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]*$")),
    "row_version": core_schema.typed_dict_field(core_schema.int_schema(strict=True, ge=1, le=MAX_COUNTER)),
    "deleted": FLAG.field(),
}
#: Each table's rules as one pydantic-core validator over the row's JSON text: one call reads
#: and checks an ordinary row, several times faster than reading it and checking in Python.
_COMPILED = {
    table: SchemaValidator(core_schema.typed_dict_schema(
        {**_ENVELOPE, **{name: rule.field() for name, rule in rules.items()}}, extra_behavior="ignore"))
    for table, rules in FIELDS.items()
}


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
        if table not in FIELDS:
            return f"未知的表 {table!r}（县中心只接收 {'、'.join(SYNCED_TABLES)}）"
        return None
    try:  # only for the wording of the reason
        Change.model_validate(raw)
    except ValidationError as exc:
        return _explain(exc)
    return "修改记录格式不对（table、op 或 row 的类型不对）"


def inspect(seq: int, raw: dict[str, Any]) -> Incoming:
    """One received change: its derived id, and either the fields the store needs or the
    reason (in Chinese) it goes to quarantine. Runs for every change: the compiled check takes
    an ordinary change; the rules in Python judge anything it will not take."""
    return quick(seq, raw) or judge(seq, raw)


def quick(seq: int, raw: dict[str, Any]) -> Incoming | None:
    """An ordinary change, read and checked by its table's compiled rules in one call; None
    when anything about it needs ``judge`` (which may still find it fine)."""
    table, op, text = raw.get("table"), raw.get("op"), raw.get("row")
    compiled = _COMPILED.get(table) if type(table) is str and type(text) is str and op in _OPS else None
    if compiled is None:
        return None
    try:
        row = compiled.validate_json(text)
    except (ValueError, RecursionError):  # a ValidationError is a ValueError
        return None
    across = _ACROSS.get(table)
    if (op == "delete" and not row["deleted"]) or (across is not None and across(row)):
        return None
    change_id, utf8 = protocol.identify(table, op, text)
    if not utf8:
        return None
    return Incoming(seq, change_id, raw, table, op, row["id"], row["row_version"], bool(row["deleted"]), text)


def judge(seq: int, raw: dict[str, Any]) -> Incoming:
    """``inspect`` by the rules in Python: the verdict, with the reason when a change is unusable."""
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
    problems = [_flag(row, "deleted"), *(rule.judge(row, name) for name, rule in FIELDS[table].items())]
    across = _ACROSS.get(table)
    problems = [p for p in problems + (across(row) if across else []) if p]
    if problems:
        item.problem = "；".join(problems)
        return item
    deleted = bool(row.get("deleted", 0))
    if op == "delete" and not deleted:
        item.problem = "删除操作的行没有标记为已删除（deleted = 1）"
        return item
    item.table, item.op, item.record_id, item.row_version = table, op, rid, version
    item.deleted, item.row_json = deleted, text
    return item
