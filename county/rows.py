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
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from functools import partial
from typing import Any, TypeGuard

from annotated_types import MaxLen
from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema, from_json

from station_tui.domain.hours import DAY_MINUTES, minutes_between
from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import CERTIFICATE_MAX_ENTRIES
from station_tui.domain.vocab import (
    ESCALATION_TARGETS,
    MAX_HEADCOUNT,
    MAX_VOLUNTEERS,
    PLATFORMS,
    REQUEST_STATES,
    ROLES,
)
from sync import protocol
from sync.protocol import MAX_COUNTER, MAX_ROW_CHARS, SYNCED_TABLES, Change

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
#: Record ids and the ids a row refers to (a UUIDv7 is 36 characters).
ID_CHARS = 64
#: Tenths of an hour in a day: the most one person is credited for one event.
DAY_TENTHS = DAY_MINUTES // 6
#: How much of a bad value a reason quotes: enough to find it, never the value itself.
QUOTE_CHARS = 40


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


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = QUOTE_CHARS
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4


def quote(value: Any) -> str:
    """A station's value as a reason shows it: Python's spelling (control characters escaped),
    at most ``QUOTE_CHARS`` characters and "…" for the rest, whatever the value's size."""
    if isinstance(value, str) and len(value) > QUOTE_CHARS:
        return repr(value[:QUOTE_CHARS]) + "…"
    try:
        text = _SHORT.repr(value)
    except (ValueError, RecursionError):  # an integer longer than Python will spell
        return f"<{type(value).__name__}>"
    return text if len(text) <= QUOTE_CHARS + 2 else text[:QUOTE_CHARS] + "…"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the rules, in Python: each returns the reason (in Chinese) a field is unusable, or None ----
def _count(row: dict[str, Any], field: str, *, limit: int, optional: bool = False) -> str | None:
    value = row.get(field)
    if value is None and optional:
        return None
    if not _is_int(value) or value < 0:
        return f"字段 {field} 应为非负整数，收到 {quote(value)}"
    if value > limit:
        return f"字段 {field} 为 {quote(value)}，超过了站点规则的上限 {limit}"
    return None


def _text(row: dict[str, Any], field: str, *, longest: int, optional: bool = False) -> str | None:
    value = row.get(field)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"字段 {field} 应为非空文本，收到 {quote(value)}"
    return _length(row, field, longest=longest)


def _length(row: dict[str, Any], field: str, *, longest: int) -> str | None:
    value = row.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        return f"字段 {field} 应为文本，收到 {quote(value)}"
    if len(value) > longest:
        return f"字段 {field} 有 {len(value)} 个字符，超过了站点规则的上限 {longest}（{quote(value)}）"
    return None


def _flag(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field, 0)
    if value not in (0, 1) or isinstance(value, float):
        return f"字段 {field} 应为 0 或 1，收到 {quote(value)}"
    return None


def _date(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if not isinstance(value, str) or not _DATE.match(value):
        return f"字段 {field} 应为 YYYY-MM-DD 格式的日期，收到 {quote(value)}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"日期 {value} 不存在"
    return None


def _month(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if not isinstance(value, str) or not _MONTH.match(value):
        return f"字段 {field} 应为 YYYY-MM 格式的月份，收到 {quote(value)}"
    return None


def _platform(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value in PLATFORMS else f"平台 {quote(value)} 不是五大平台之一"


def _role(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value is None or value in ROLES else f"角色 {quote(value)} 不在 {'、'.join(ROLES)} 之中"


def _request_state(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value in REQUEST_STATES else f"点单状态 {quote(value)} 不在 {'、'.join(REQUEST_STATES)} 之中"


def _escalated_to(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    return None if value is None or value in ESCALATION_TARGETS else f"上报到 {quote(value)} 应为乡镇或县"


def _rating(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if value is None or (_is_int(value) and 1 <= value <= 5):
        return None
    return f"字段 {field} 应为 1–5 的整数，收到 {quote(value)}"


def _attendance_pairs(row: dict[str, Any]) -> list[str]:
    problems = []
    if (row.get("lecture_id") is None) == (row.get("activity_id") is None):
        problems.append("签到应且只应属于一场宣讲或一场活动（lecture_id 与 activity_id 恰好一个）")
    if (row.get("person_id") is None) == (row.get("headcount") is None):
        problems.append("签到应是具名人员或人数之一（person_id 与 headcount 恰好一个）")
    elif row.get("person_id") is None and row.get("credited_tenths"):
        # The station's own rule (models.Attendance): hours are credited to a named person only.
        hours = quote(row["credited_tenths"])
        problems.append(f"人数记录不能填写服务时长（headcount 的 credited_tenths 应为 0，收到 {hours}）")
    return problems


def _clock(value: Any) -> time | None:
    """A row's ``HH:MM`` time, or None when it is absent or unreadable (the county does not
    judge times it does not otherwise read; it only uses them to bound hours)."""
    if not isinstance(value, str) or not _TIME.match(value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _activity_hours(row: dict[str, Any]) -> list[str]:
    """The station's own bound on an activity's volunteer hours (models.Activity): none
    without volunteers, at most a day each, at most the activity's length each when its times
    are known. Rows without ``volunteer_count`` (older stations) keep the field's own bound."""
    count, tenths = row.get("volunteer_count"), row.get("volunteer_tenths")
    if not _is_int(count) or not 0 <= count <= MAX_VOLUNTEERS or not _is_int(tenths):
        return []
    if tenths and count == 0:
        return [f"填写了志愿服务时长（{tenths} 个 0.1 小时），但志愿者人数为 0"]
    minutes = minutes_between(_clock(row.get("start_time")), _clock(row.get("end_time")))
    if minutes is None or minutes <= 0:
        minutes = DAY_MINUTES
    if tenths * 6 > count * minutes:
        return [f"志愿服务时长 {tenths} 个 0.1 小时超过了 {count} 人在活动时长（{minutes} 分钟）内能服务的时间"]
    return []


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


def _text_schema(longest: int) -> core_schema.CoreSchema:
    # Python's str.strip() also strips U+001C–U+001F, which the Rust regex's \s does not count as space.
    return core_schema.str_schema(strict=True, pattern=r"[^\s\x1c-\x1f]", max_length=longest)


def _count_schema(limit: int) -> core_schema.CoreSchema:
    return core_schema.int_schema(strict=True, ge=0, le=limit)


def text(longest: int = ID_CHARS) -> _Rule:
    """Non-blank text of at most ``longest`` characters."""
    return _Rule(partial(_text, longest=longest), _text_schema(longest))


def optional_text(longest: int = ID_CHARS) -> _Rule:
    return _Rule(partial(_text, longest=longest, optional=True), core_schema.nullable_schema(_text_schema(longest)),
                 required=False)


def length(longest: int) -> _Rule:
    """Any text (or nothing) of at most ``longest`` characters: a field the county only keeps."""
    return _Rule(partial(_length, longest=longest),
                 core_schema.nullable_schema(core_schema.str_schema(strict=True, max_length=longest)), required=False)


def count(limit: int) -> _Rule:
    return _Rule(partial(_count, limit=limit), _count_schema(limit))


def _signed(row: dict[str, Any], field: str, *, limit: int) -> str | None:
    value = row.get(field)
    if not _is_int(value):
        return f"字段 {field} 应为整数，收到 {quote(value)}"
    if abs(value) > limit:
        return f"字段 {field} 为 {quote(value)}，超过了站点规则的上限 ±{limit}"
    return None


def signed(limit: int) -> _Rule:
    """A whole number from −limit to limit (a ledger entry's hours: a void is negative)."""
    return _Rule(partial(_signed, limit=limit), core_schema.int_schema(strict=True, ge=-limit, le=limit))


def optional_count(limit: int) -> _Rule:
    return _Rule(partial(_count, limit=limit, optional=True), core_schema.nullable_schema(_count_schema(limit)),
                 required=False)


def _id_list(row: dict[str, Any], field: str, *, limit: int) -> str | None:
    value = row.get(field)
    if not isinstance(value, list) or not all(isinstance(v, str) and 1 <= len(v) <= ID_CHARS for v in value):
        return f"字段 {field} 应为记录编号的列表，收到 {quote(value)}"
    if len(value) > limit:
        return f"字段 {field} 有 {len(value)} 项，超过了站点规则的上限 {limit}"
    return None


def id_list(limit: int) -> _Rule:
    """A list of record ids (a certificate's ledger entries), at most ``limit`` of them."""
    return _Rule(partial(_id_list, limit=limit), core_schema.list_schema(
        core_schema.str_schema(strict=True, min_length=1, max_length=ID_CHARS), max_length=limit, strict=True))


#: A field the county reads for another rule and does not judge by itself.
KEPT = _Rule(lambda row, field: None, core_schema.any_schema(), required=False)
FLAG = _Rule(_flag, core_schema.int_schema(strict=True, ge=0, le=1), required=False, default=0)
DATE = _Rule(_date, core_schema.chain_schema([
    core_schema.str_schema(strict=True, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), core_schema.date_schema()]))
MONTH = _Rule(_month, core_schema.str_schema(strict=True, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
PLATFORM = _Rule(_platform, core_schema.literal_schema(list(PLATFORMS)))
ROLE = _Rule(_role, core_schema.nullable_schema(core_schema.literal_schema(list(ROLES))), required=False)
REQUEST_STATE = _Rule(_request_state, core_schema.literal_schema(list(REQUEST_STATES)))
ESCALATED_TO = _Rule(_escalated_to, core_schema.nullable_schema(core_schema.literal_schema(list(ESCALATION_TARGETS))),
                     required=False)
RATING = _Rule(_rating, core_schema.nullable_schema(core_schema.int_schema(strict=True, ge=1, le=5)), required=False)

#: The station's own model of each synced table (its record kind, station_tui/domain/kinds.py):
#: its text lengths are the county's too.
MODELS: dict[str, type[BaseModel]] = {table: BY_TABLE[table].model for table in SYNCED_TABLES}


def longest(table: str, field: str) -> int:
    """The station's ``max_length`` of a text field (models.py), or the id bound without one."""
    for rule in MODELS[table].model_fields[field].metadata if field in MODELS[table].model_fields else ():
        if isinstance(rule, MaxLen):
            return rule.max_length
    return ID_CHARS


def _lengths(table: str) -> dict[str, _Rule]:
    """A length rule for every text field of the station's model that has a ``max_length``."""
    found = {}
    for name, info in MODELS[table].model_fields.items():
        bound = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        if bound is not None:
            found[name] = length(bound)
    return found


def _read(table: str, rules: dict[str, _Rule]) -> dict[str, _Rule]:
    """The fields the reports read, then the lengths of the fields the county only keeps."""
    return {**rules, **{k: v for k, v in _lengths(table).items() if k not in rules}}


#: The fields the county's reports read (or its rules across fields need), with the station's
#: own bounds, by table. A table the reports do not read needs no line: it is judged by the
#: lengths of its model alone.
REPORTS_READ: dict[str, dict[str, _Rule]] = {
    "station": {"code": text(), "name": text(longest("station", "name")),
                "township": text(longest("station", "township"))},
    "people": {"name": text(longest("people", "name")), "is_volunteer": FLAG},
    "teams": {"name": text(longest("teams", "name"))},
    "team_members": {"team_id": text(), "person_id": text()},
    "venues": {"name": text(longest("venues", "name")), "capacity": optional_count(MAX_HEADCOUNT)},
    "lectures": {"date": DATE, "audience": count(MAX_HEADCOUNT)},
    "activities": {
        "date": DATE, "platform": PLATFORM, "served": count(MAX_HEADCOUNT),
        "volunteer_tenths": count(MAX_VOLUNTEERS * DAY_TENTHS), "volunteer_count": optional_count(MAX_VOLUNTEERS),
        "start_time": KEPT, "end_time": KEPT, "brand_project": length(longest("activities", "brand_project"))},
    "attendance": {
        "lecture_id": optional_text(), "activity_id": optional_text(), "person_id": optional_text(),
        "headcount": optional_count(MAX_HEADCOUNT), "credited_tenths": count(DAY_TENTHS), "role": ROLE},
    "self_check_reviews": {
        "year": count(2100), "level": text(20), "date": DATE, "score": count(1000), "stars": count(5),
        "reviewer": text(longest("self_check_reviews", "reviewer")),
        "rubric": length(longest("self_check_reviews", "rubric")), "rubric_total": optional_count(20000)},
    "plans": {"month": MONTH},
    "plan_items": {"plan_id": text(), "lecture_id": optional_text(), "activity_id": optional_text()},
    "hours_entries": {"person_id": text(), "date": DATE, "tenths": signed(DAY_TENTHS)},
    "requests": {
        "received_on": DATE, "wish": text(longest("requests", "wish")),
        "requester": text(longest("requests", "requester")), "state": REQUEST_STATE,
        "escalated_to": ESCALATED_TO, "rating": RATING},
    "request_moves": {"request_id": text(), "to_state": REQUEST_STATE},
    # county/certificates.py checks a number's hours against the hours entries uploaded.
    "certificates": {
        "number": text(longest("certificates", "number")), "person_id": text(),
        "person_name": text(longest("certificates", "person_name")), "period_from": DATE, "period_to": DATE,
        "total_tenths": count(CERTIFICATE_MAX_ENTRIES * DAY_TENTHS), "entry_count": count(CERTIFICATE_MAX_ENTRIES),
        "entry_ids": id_list(CERTIFICATE_MAX_ENTRIES), "issued_on": DATE},
}
#: The ledgers (kinds declared ``append_only``): an entry the county holds is never
#: overwritten, only new entries are added (county/apply.py).
APPEND_ONLY: frozenset[str] = frozenset(t for t in SYNCED_TABLES if BY_TABLE[t].append_only)
#: The fields the county judges in each synced table, in the order reasons name them: those its
#: reports read, then the length of every other bounded text of the station's model.
FIELDS: dict[str, dict[str, _Rule]] = {table: _read(table, REPORTS_READ.get(table, {})) for table in SYNCED_TABLES}
#: Rules across fields, run after the fields' own (on both paths).
_ACROSS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "attendance": _attendance_pairs, "activities": _activity_hours}

# The envelope every row has; the Python side of these is in ``judge`` (its reasons are its own).
_ENVELOPE = {
    "id": core_schema.typed_dict_field(
        core_schema.str_schema(strict=True, min_length=1, max_length=ID_CHARS, pattern=r"^[^\x00-\x1f]*$")),
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
    """Why a change's own fields (not its row's) make it unusable, or None. Any of them may be
    any JSON value: none is hashed before it is known to be text."""
    text_fields = isinstance(table, str) and isinstance(op, str) and isinstance(text, str)
    if text_fields and 1 <= len(table) <= 64 and op in _OPS:
        if table not in FIELDS:
            return f"未知的表 {quote(table)}（县中心只接收 {'、'.join(SYNCED_TABLES)}）"
        if len(text) > MAX_ROW_CHARS:
            return f"行内容过长（{len(text)} 个字符，县中心每行最多接收 {MAX_ROW_CHARS} 个字符）"
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
    if not (type(table) is str and type(op) is str and type(text) is str and len(text) <= MAX_ROW_CHARS):
        return None
    compiled = _COMPILED.get(table) if op in _OPS else None
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
    assert isinstance(table, str) and isinstance(op, str) and isinstance(text, str)  # _unusable has checked all three
    try:
        row = _loads(text)
    except (ValueError, RecursionError):
        row = None
    if type(row) is not dict:
        item.problem = "行的内容不是 JSON 对象（本站数据库里的这条修改已损坏）"
        return item
    rid, version = row.get("id"), row.get("row_version")
    if not isinstance(rid, str) or not 1 <= len(rid) <= ID_CHARS or not clean_text(rid):
        item.problem = f"行内记录编号 id 应为 1–{ID_CHARS} 个字符、不含控制字符的文本，收到 {quote(rid)}"
        return item
    if not _is_int(version) or not 1 <= version <= MAX_COUNTER:
        item.problem = f"行内版本 row_version 应为正整数，收到 {quote(version)}"
        return item
    found = [_flag(row, "deleted"), *(rule.judge(row, name) for name, rule in FIELDS[table].items())]
    across = _ACROSS.get(table)
    problems = [p for p in found + (across(row) if across else []) if p]
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


def stored_problem(table: str, row_json: str) -> str | None:
    """Why a record the county already holds breaks today's rules (a store written before
    the rules had their bounds), or None. Reports leave such records out."""
    return inspect(0, {"seq": 0, "table": table, "op": "update", "row": row_json}).problem
