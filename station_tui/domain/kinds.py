"""Every kind of record the station keeps, declared once, in the order tables depend on each other.

A ``RecordKind`` names its table and its model (whose fields carry their own ``Meta``, see
``declare.py``) and says what belongs to the table as a whole: its import file's columns,
the stored columns the model does not hold, the columns that never leave the PC. Storage,
imports, forms, lists, the messages' labels, the protocol's table list and the county's rules
all read from here. Adding a kind: README, "Adding a record kind".

The migrations are history and write their SQL out; tests/storage/test_kinds_schema.py holds
each kind here to the table the latest migration makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from station_tui.domain import models
from station_tui.domain.declare import FieldSpec, field_specs

if TYPE_CHECKING:
    from station_tui.domain.models import Record


@dataclass(frozen=True, slots=True)
class Beside:
    """An import column handled beside the model (a person's 所属队伍 makes a team membership)."""

    header: str
    key: str


@dataclass(frozen=True)
class RecordKind:
    #: The table's name in SQLite, in the outbox and on the wire (plural: "lectures").
    table: str
    model: type[Record]
    #: What the screens and the palette call one record ("lecture"); empty for kinds that have
    #: no screen of their own.
    key: str = ""
    #: Uploaded to the county center (every kind today; a local-only kind would say False).
    synced: bool = True
    #: The import file's columns in order: field names, or ``Beside`` columns. Empty: no import.
    import_columns: tuple[str | Beside, ...] = ()
    #: Stored columns that hold a field in another shape (attendance: ``lecture_id`` and
    #: ``activity_id`` hold ``event_kind`` + ``event_id``). Uploaded like any other column.
    extra_columns: tuple[str, ...] = ()
    #: Stored columns the station derives for itself and never uploads (pinyin search keys).
    local_columns: tuple[str, ...] = ()
    #: How its list is ordered (``Repository.search_page``): stored field names, "-date" for
    #: newest first. Empty: by its first stored field. Ties go by when the record was made
    #: (``created_at``), never by the id's time part: village clocks are wrong.
    sort: tuple[str, ...] = ()
    #: A ledger: a record is only ever added, never changed or deleted (the hours ledger).
    #: The station's table refuses UPDATE and DELETE (triggers), and the county applies the
    #: rule "an entry is never overwritten, only added": a change to an entry it already holds
    #: goes to quarantine instead of being applied.
    append_only: bool = False
    #: A ledger whose sum per owner never goes below zero: (owner column, amount column). The
    #: station's table refuses an entry that would take it there (a trigger); a restore, which
    #: receives entries in id order rather than the order they were made, checks the sums once
    #: all are in.
    never_below_zero: tuple[str, str] | None = None

    @cached_property
    def fields(self) -> dict[str, FieldSpec]:
        return field_specs(self.model)

    @property
    def columns(self) -> tuple[str, ...]:
        """The model's fields that are columns of the table, in the model's order."""
        return tuple(name for name, spec in self.fields.items() if spec.stored)

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The stored fields typed as text: what a list's search box looks in."""
        return tuple(name for name, spec in self.fields.items() if spec.stored and spec.typed_as == "text")

    @property
    def order(self) -> tuple[tuple[str, bool], ...]:
        """The declared ``sort`` as (column, newest/largest first), checked against the columns."""
        named = self.sort or self.columns[:1]
        order = tuple((name.lstrip("-"), name.startswith("-")) for name in named)
        unknown = [name for name, _ in order if name not in self.columns]
        if unknown:
            raise ValueError(f"{self.table}: sort names {unknown}, which are no stored fields of {self.model.__name__}")
        return order

    @property
    def json_columns(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.fields.items() if spec.json)

    @property
    def sensitive(self) -> dict[str, str]:
        """Sensitive column → the setting that lets it leave the PC."""
        return {name: spec.sensitive for name, spec in self.fields.items() if spec.sensitive}

    def label(self, name: str) -> str:
        """A field's name as people know it (the field name itself when it is not declared)."""
        spec = self.fields.get(name)
        return spec.label if spec else name

    @property
    def import_headers(self) -> tuple[str, ...]:
        return tuple(c.header if isinstance(c, Beside) else self.fields[c].label for c in self.import_columns)


#: The station schema (``PRAGMA user_version``) these declarations describe: the latest
#: migration's number (a test holds the two together). The county accepts rows up to this
#: version (``sync.protocol.MAX_SCHEMA_VERSION``), so a migration that adds a kind bumps it here.
SCHEMA_VERSION = 14

_IMPORTED_EVENT = ("date", "start_time", "end_time")
#: Events are listed newest first, as their screens (EventRepository.page) list them.
_NEWEST_FIRST = ("-date", "-start_time")

#: Every kind, in dependency order (a table before the tables that refer to it).
KINDS: tuple[RecordKind, ...] = (
    RecordKind("station", models.Station),
    RecordKind(
        "people",
        models.Person,
        key="person",
        import_columns=(
            "name", "gender", "birth_year", "phone", "is_volunteer", "volunteer_no", Beside("所属队伍", "team"), "note",
        ),
        local_columns=("pinyin_full", "pinyin_initials"),
    ),
    RecordKind("teams", models.Team, key="team"),
    RecordKind("team_members", models.TeamMember),
    RecordKind("venues", models.Venue, key="venue"),
    RecordKind(
        "lectures",
        models.Lecture,
        key="lecture",
        import_columns=(*_IMPORTED_EVENT, "topic", "speaker", "form", "place", "audience", "note"),
        sort=_NEWEST_FIRST,
    ),
    RecordKind(
        "activities",
        models.Activity,
        key="activity",
        import_columns=(
            *_IMPORTED_EVENT, "title", "platform", "place", "served", "volunteer_count", "volunteer_tenths",
            "brand_project", "note",
        ),
        sort=_NEWEST_FIRST,
    ),
    RecordKind("attendance", models.Attendance, extra_columns=("lecture_id", "activity_id")),
    RecordKind("self_check_marks", models.SelfCheckMark),
    RecordKind("self_check_reviews", models.SelfCheckReview, sort=("-year", "-date")),
    RecordKind("photos", models.Photo),
    RecordKind("plans", models.Plan, key="plan", sort=("-month",)),
    RecordKind(
        "plan_items",
        models.PlanItem,
        key="plan_item",
        # 月份 and 主题 name the item's plan (made when the month has none yet).
        import_columns=(Beside("月份", "month"), Beside("主题", "theme"), "date", "week", "title", "platform", "note"),
        sort=("date", "week"),
    ),
    RecordKind("hours_entries", models.HoursEntry, append_only=True, sort=("-date",)),
    RecordKind("goods", models.Goods, key="goods"),
    RecordKind("redemptions", models.Redemption, sort=("-date",)),
    RecordKind(
        "points_entries",
        models.PointsEntry,
        sort=("-date",),
        append_only=True,
        never_below_zero=("person_id", "points"),
    ),
    RecordKind(
        "stock_entries",
        models.StockEntry,
        sort=("-date",),
        append_only=True,
        never_below_zero=("goods_id", "quantity"),
    ),
    RecordKind(
        "requests",
        models.Request,
        key="request",
        import_columns=(
            "received_on", "wish", "content", "requester", "phone", "address", "request_type", "channel",
            "expected_on", "recorded_by", "note",
        ),
        local_columns=("pinyin_full", "pinyin_initials"),
        sort=("-received_on",),
    ),
    # A request's moves are its history: added, never changed (the table's triggers refuse it).
    RecordKind("request_moves", models.RequestMove, append_only=True),
    # The register of 志愿服务记录证明: a certificate handed out is never changed or taken back.
    RecordKind("certificates", models.Certificate, sort=("-issued_on", "-serial"), append_only=True),
)

BY_TABLE: dict[str, RecordKind] = {kind.table: kind for kind in KINDS}
BY_KEY: dict[str, RecordKind] = {kind.key: kind for kind in KINDS if kind.key}
#: The tables uploaded to the county, in dependency order: the protocol's table list.
SYNCED_TABLES: tuple[str, ...] = tuple(kind.table for kind in KINDS if kind.synced)


def kind_of(model: type[Record]) -> RecordKind | None:
    return next((kind for kind in KINDS if kind.model is model), None)
