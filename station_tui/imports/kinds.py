"""What each kind of import file holds: its columns, the model a row becomes, and how a
row is recognised as one already stored.

The columns are read from the record kind's declaration (``domain/kinds.py``): its
``import_columns`` give the order, each field's ``Meta`` its header (the label) and how its
cell is read (``typed_as``). What is only the importer's business stays here, per kind: the
identity of a row and where a whole-record rule's complaint belongs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, cast

from station_tui.domain.kinds import KINDS as RECORD_KINDS
from station_tui.domain.kinds import Beside, RecordKind
from station_tui.domain.models import Event, Person, Record, Request
from station_tui.imports import cells
from station_tui.imports.headers import HEADERS

if TYPE_CHECKING:
    import sqlite3

    from station_tui.storage import Store


class ImportTarget(Protocol):
    """What an import needs of the repository of its kind (people, lectures, activities)."""

    def find_same(self, record: Any, /) -> Record | None: ...

    def add_in(self, conn: sqlite3.Connection, record: Any, /) -> Record: ...

#: How a cell is read, by how its field is typed (``Meta.typed_as``). Text, a choice and
#: anything else arrive as text: the model judges them, with the forms' words.
PARSERS: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "date": cells.day,
        "time": cells.clock,
        "count": cells.count,
        "hours": cells.hours,
        "year": cells.year,
        "yesno": cells.yes_no,
    }
)


def parser_for(typed_as: str) -> Callable[[Any], Any]:
    return PARSERS.get(typed_as, cells.text)


@dataclass(frozen=True)
class Column:
    header: str
    #: The model field the cell fills; None for a column handled beside the model (所属队伍).
    field: str | None
    parse: Callable[[Any], Any]
    #: A column beside the model: the key its value goes by (``Beside.key``).
    beside: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Record]
    columns: tuple[Column, ...]
    #: Identity of a row within one file; agrees with the repositories' ``find_same``.
    key: Callable[[Any], tuple[Any, ...]]
    #: Whole-record rules (model validators) and the column the user should look at (its header).
    rule_columns: Mapping[str, str] = field(default_factory=dict)
    #: Reads the columns beside the model before the row's record is checked: given the
    #: field values and the beside values (by key), it may add field values and returns the
    #: validation context to add and the problems found, as (header, message).
    prepare: Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], list[tuple[str, str]]]] | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    def column_of(self, model_field: str) -> str:
        for column in self.columns:
            if column.field == model_field:
                return column.header
        return ""

    def repository(self, store: Store) -> ImportTarget:
        # A kind with an import file has a repository class of its own that finds a stored
        # twin (find_same); test_import_kinds.py checks each does.
        return cast("ImportTarget", store.repository(self.name))


def _same_values(columns: tuple[Column, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The identity of a kind that declares none: the same value in every imported field."""
    fields = tuple(column.field for column in columns if column.field)
    return lambda record: tuple(getattr(record, name) for name in fields)


def import_kind(
    kind: RecordKind,
    *,
    key: Callable[[Any], tuple[Any, ...]] | None = None,
    rules: Mapping[str, str] | None = None,
    prepare: Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], list[tuple[str, str]]]] | None = None,
) -> Kind:
    """The import file of a record kind, from its declaration.

    ``rules`` maps a whole-record rule's code to the field whose column the user should look
    at; ``key`` is a row's identity (default: every imported field's value).
    """
    columns = tuple(
        Column(c.header, None, cells.text, c.key)
        if isinstance(c, Beside)
        else Column(kind.fields[c].label, c, parser_for(kind.fields[c].typed_as))
        for c in kind.import_columns
    )
    rule_columns = {code: kind.fields[name].label for code, name in (rules or {}).items()}
    return Kind(kind.table, kind.model, columns, key or _same_values(columns), rule_columns, prepare)


def _event_key(record: Event) -> tuple[Any, ...]:
    start = record.start_time.strftime("%H:%M") if record.start_time else None
    return (record.date, start, record.heading)


def _person_key(record: Person) -> tuple[Any, ...]:
    if record.phone:
        return (record.name, record.phone)
    return (record.name, None, record.birth_year)


def _request_key(record: Request) -> tuple[Any, ...]:
    return (record.received_on, record.requester, record.wish)


_EVENT_RULES = {"end_before_start": "end_time"}

#: A plan item's stand-in plan id until the import writes it: the month's plan is found or
#: made then (``importer.write_plan``); within a file, items go by it.
PLAN_OF_MONTH = "month:"


def _plan_of_row(values: dict[str, Any], beside: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """月份 and 主题 of a plan item row: checked as the plan's own fields; the item then goes
    by the month's stand-in plan and its date must lie in that month."""
    from pydantic import ValidationError

    from station_tui.domain.errors import explain
    from station_tui.domain.models import Plan

    values["plan_id"] = PLAN_OF_MONTH  # until the month is known to be right
    try:
        plan = Plan.model_validate({"month": beside.get("month"), "theme": beside.get("theme")})
    except ValidationError as exc:
        headers = {"month": "月份", "theme": "主题"}
        return {}, [(headers.get(p.field, ""), p.message) for p in explain(exc)]
    beside["month"], beside["theme"] = plan.month, plan.theme
    values["plan_id"] = PLAN_OF_MONTH + plan.month
    return {"plan_month": plan.month}, []


def _plan_item_key(record: Any) -> tuple[Any, ...]:
    return (record.plan_id, record.date, record.week, record.title, record.platform)

#: What the importer adds to a kind's declaration: its rows' identity and its rules' columns.
_IMPORT_RULES: dict[str, dict[str, Any]] = {
    "lectures": {"key": _event_key, "rules": _EVENT_RULES},
    "activities": {
        "key": _event_key,
        "rules": {
            **_EVENT_RULES,
            "hours_without_volunteers": "volunteer_tenths",
            "hours_exceed_activity": "volunteer_tenths",
        },
    },
    "people": {"key": _person_key, "rules": {"volunteer_no": "volunteer_no"}},
    "plan_items": {"key": _plan_item_key, "rules": {"plan_item_when": "date"}, "prepare": _plan_of_row},
    "requests": {"key": _request_key, "rules": {"expected_before_received": "expected_on"}},
}


def import_kinds(record_kinds: Iterable[RecordKind]) -> dict[str, Kind]:
    """The import file of every kind that declares ``import_columns``, by table name."""
    return {
        kind.table: import_kind(kind, **_IMPORT_RULES.get(kind.table, {}))
        for kind in record_kinds
        if kind.import_columns
    }


KINDS: dict[str, Kind] = import_kinds(RECORD_KINDS)

# headers.py writes the headers out so that `station template` starts without pydantic;
# they must be the ones derived here (tests/imports/test_import_kinds.py says the same).
assert {name: kind.headers for name, kind in KINDS.items()} == HEADERS, (
    "station_tui/imports/headers.py HEADERS differ from the import columns declared in station_tui/domain/kinds.py"
)
