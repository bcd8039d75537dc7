"""What each kind of import file holds: its columns, the model a row becomes, and how a
row is recognised as one already stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from station_tui.domain.models import Activity, Lecture, Person, Record
from station_tui.imports import cells
from station_tui.imports.headers import HEADERS

if TYPE_CHECKING:
    import sqlite3

    from station_tui.storage import Store


class ImportTarget(Protocol):
    """What an import needs of the repository of its kind (people, lectures, activities)."""

    def find_same(self, record: Any, /) -> Record | None: ...

    def add_in(self, conn: sqlite3.Connection, record: Any, /) -> Record: ...


@dataclass(frozen=True)
class Column:
    header: str
    #: The model field the cell fills; None for a column handled beside the model (所属队伍).
    field: str | None
    parse: Callable[[Any], Any]


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Record]
    columns: tuple[Column, ...]
    #: Whole-record rules (model validators) and the column the user should look at.
    rule_columns: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> tuple[str, ...]:
        return HEADERS[self.name]

    def column_of(self, model_field: str) -> str:
        for column in self.columns:
            if column.field == model_field:
                return column.header
        return ""

    def repository(self, store: Store) -> ImportTarget:
        return getattr(store, self.name)

    def key(self, record: Any) -> tuple[Any, ...]:
        """Identity of a row within one file; agrees with the repositories' ``find_same``."""
        if isinstance(record, Person):
            if record.phone:
                return (record.name, record.phone)
            return (record.name, None, record.birth_year)
        start = record.start_time.strftime("%H:%M") if record.start_time else None
        return (record.date, start, record.heading)


_EVENT_RULES = {"end_before_start": "结束时间"}

KINDS: dict[str, Kind] = {
    "lectures": Kind(
        "lectures",
        Lecture,
        (
            Column("日期", "date", cells.day),
            Column("开始时间", "start_time", cells.clock),
            Column("结束时间", "end_time", cells.clock),
            Column("主题", "topic", cells.text),
            Column("宣讲人", "speaker", cells.text),
            Column("形式", "form", cells.text),
            Column("地点", "place", cells.text),
            Column("受众人数", "audience", cells.count),
            Column("备注", "note", cells.text),
        ),
        _EVENT_RULES,
    ),
    "activities": Kind(
        "activities",
        Activity,
        (
            Column("日期", "date", cells.day),
            Column("开始时间", "start_time", cells.clock),
            Column("结束时间", "end_time", cells.clock),
            Column("名称", "title", cells.text),
            Column("平台", "platform", cells.text),
            Column("地点", "place", cells.text),
            Column("服务人次", "served", cells.count),
            Column("志愿者人数", "volunteer_count", cells.count),
            Column("志愿服务时长", "volunteer_tenths", cells.hours),
            Column("备注", "note", cells.text),
        ),
        {
            **_EVENT_RULES,
            "hours_without_volunteers": "志愿服务时长",
            "hours_exceed_activity": "志愿服务时长",
        },
    ),
    "people": Kind(
        "people",
        Person,
        (
            Column("姓名", "name", cells.text),
            Column("性别", "gender", cells.text),
            Column("出生年份", "birth_year", cells.year),
            Column("手机号", "phone", cells.text),
            Column("是否志愿者", "is_volunteer", cells.yes_no),
            Column("志愿者编号", "volunteer_no", cells.text),
            Column("所属队伍", None, cells.text),
            Column("备注", "note", cells.text),
        ),
        {"volunteer_no": "志愿者编号"},
    ),
}

for _kind in KINDS.values():
    assert tuple(c.header for c in _kind.columns) == HEADERS[_kind.name], _kind.name
