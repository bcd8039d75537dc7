"""The county's word back to its stations (the downlink): the wire format both ends share.

The county publishes *items* (a month's theme, the monthly minimums, a category list, a
notice, the self-check's rubric, …) for every station, one township's or one station's. Each item has a stable id
made from what it is about (``theme:2027-03``, ``minimums``, ``categories:team``,
``notice:<id>``) and from its scope (``@t:<township hash>``, ``@s:<station code>``), so
publishing the same thing again replaces it. The county keeps one row per item and gives it
a new place (``seq``) in one increasing sequence each time it changes; a station asks "what
came after N" and upserts what it gets by id. A withdrawn item comes once more, ``deleted``.

``feed_id`` names one life of the county's sequence. It is made when the county store is
created, on ``county-center feed new-id`` (after restoring the county from a backup) and
when a station proves the sequence went back (it has received past the county's last seq).
A station whose feed id differs starts again from 0 and, once it has the whole feed again,
drops what the new feed no longer holds.

Adding a kind of item: its body model here and its line in ``BODIES``, a way for the county
to publish it (a ``county-center publish`` subcommand or the publish endpoint, which takes
any kind listed here), and a reader on the station (storage/repositories/county_word.py).
A station that does not know a kind keeps its items untouched until a newer program reads
them. Pure pydantic: no I/O.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from station_tui.domain.vocab import PLATFORMS
from sync.protocol import PROTOCOL_VERSION, Wire

DOWNLINK_PATH = "/api/v1/downlink"  # GET ?after=N&feed=F&limit=L (station token)
RECORDS_PATH = "/api/v1/records"  # GET ?table=T&after=ID&limit=L (station token): its own rows
FEED_PATH = "/api/v1/county/feed"  # GET list, POST publish, DELETE /{item_id} withdraw (admin token)

#: Items in one answer of the downlink unless the station asks for fewer; never more.
DEFAULT_PAGE = 200
MAX_PAGE = 500
#: Rows in one answer of the records endpoint (for a restore).
DEFAULT_ROWS_PAGE = 500
MAX_ROWS_PAGE = 2000

_MONTH = re.compile(r"^[12]\d{3}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class _Body(BaseModel):
    model_config = {"extra": "forbid", "strict": True}


class ThemeBody(_Body):
    """一月一主题: the theme of one month."""

    month: str
    theme: str = Field(min_length=1, max_length=60)

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError(f"月份应写成 YYYY-MM（如 2027-03），不是“{value[:20]}”")
        return value


class MinimumsBody(_Body):
    """The monthly minimums per platform (理论宣讲 ≥ 4, the others ≥ 1, …)."""

    minimums: dict[str, int]

    @field_validator("minimums")
    @classmethod
    def _minimums(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = [p for p in value if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"“{unknown[0][:20]}”不是五大平台之一（{'、'.join(PLATFORMS)}）")
        if any(not 0 <= n <= 99 for n in value.values()):
            raise ValueError("每月最低场次应在 0 到 99 之间")
        if not value:
            raise ValueError("至少给出一个平台的最低场次")
        return {p: value[p] for p in PLATFORMS if p in value}


class CategoriesBody(_Body):
    """A category list the stations offer: the teams' (10+N) or the villager requests'."""

    kind: Literal["team", "request"]
    items: list[str] = Field(min_length=1, max_length=60)

    @field_validator("items")
    @classmethod
    def _items(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v or len(v) > 40 for v in cleaned):
            raise ValueError("每个类别应为 1 到 40 个字")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("类别有重复")
        return cleaned


class NoticeBody(_Body):
    """通知公告 from the county (or the township)."""

    date: str
    title: str = Field(min_length=1, max_length=60)
    body: str = Field(default="", max_length=2000)

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        if not _DAY.match(value):
            raise ValueError(f"日期应写成 YYYY-MM-DD，不是“{value[:20]}”")
        return value


class RequestAnswerBody(_Body):
    """The township's or the county's word on a villager request the station escalated: an
    answer back to the station (答复退回: the request is the station's to serve again), or
    that it was served above (上级办结). Sent to that one station; applied to the request on
    receipt, once."""

    request_id: str = Field(min_length=1, max_length=64)
    outcome: Literal["answer", "serve_above"]
    note: str = Field(min_length=1, max_length=500)
    #: Who answered, as the station shows it (县中心, 府西街道 …).
    by: str = Field(min_length=1, max_length=40)


class RubricBody(_Body):
    """The county's 五有 / 星级 rubric (评分细则): the stations score their self-check by it
    instead of the default. The rubric is the same JSON as a station's ``rubric.json``, checked
    by the same rules (station_tui/domain/rubric.py ``check``): one that would not score is
    refused at publish with the reason, never sent."""

    rubric: dict[str, Any]

    @field_validator("rubric")
    @classmethod
    def _rubric(cls, value: dict[str, Any]) -> dict[str, Any]:
        from station_tui.domain.rubric import RubricError, check

        try:
            return check(value, "评分细则").model_dump(mode="json")
        except RubricError as exc:
            raise ValueError(str(exc)) from None


#: Every kind of item and the model of its body.
BODIES: dict[str, type[_Body]] = {
    "theme": ThemeBody,
    "minimums": MinimumsBody,
    "categories": CategoriesBody,
    "notice": NoticeBody,
    "request_answer": RequestAnswerBody,
    "rubric": RubricBody,
}


def natural_key(kind: str, body: _Body, notice_id: str | None = None) -> str:
    """What the item is about, without its scope: the same key published again replaces it."""
    if isinstance(body, ThemeBody):
        return f"theme:{body.month}"
    if isinstance(body, CategoriesBody):
        return f"categories:{body.kind}"
    if isinstance(body, RequestAnswerBody):
        return f"request_answer:{body.request_id}"
    if isinstance(body, NoticeBody):
        if not notice_id:
            raise ValueError("a notice needs its id")
        return f"notice:{notice_id}"
    return kind


def item_id(key: str, township: str | None = None, station: str | None = None) -> str:
    """The item's stable id: its key and its scope (a station, a township or every station)."""
    if station:
        return f"{key}@s:{station}"
    if township:
        return f"{key}@t:{hashlib.sha256(township.encode('utf-8')).hexdigest()[:12]}"
    return key


def check_body(kind: str, body: Any) -> _Body:
    """The body as its model, or ``ValueError`` with a Chinese reason."""
    from pydantic import ValidationError

    model = BODIES.get(kind)
    if model is None:
        raise ValueError(f"未知的发布类型“{kind[:20]}”（可用：{'、'.join(BODIES)}）")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValueError(f"{where}：{message}" if where else message) from None


# -- the wire -------------------------------------------------------------------------------
class FeedItem(Wire):
    id: str = Field(min_length=1, max_length=160)
    seq: int = Field(ge=1)
    kind: str = Field(min_length=1, max_length=32)
    #: The scope: a township's stations, or one station (its code); both None: every station.
    township: str | None = None
    station: str | None = None
    #: Withdrawn by the county: the station drops its copy.
    deleted: bool = False
    body: dict[str, Any] = Field(default_factory=dict)
    published_at: str


class DownlinkPage(Wire):
    """``GET /api/v1/downlink?after=N&feed=F``: the items after N that reach this station."""

    protocol_version: int = PROTOCOL_VERSION
    feed_id: str
    #: The ``after`` these items follow: the station's own, or 0 when ``reset``.
    after: int
    #: Where the station's cursor goes once it has stored these items.
    next_after: int
    #: More items wait after ``next_after``: ask again at once.
    more: bool
    #: The station's feed id or position did not match this county's: it starts again from 0
    #: and, when ``more`` is false after this pass, drops items the pass did not bring.
    reset: bool = False
    items: list[FeedItem] = Field(default_factory=list, max_length=MAX_PAGE)
    server_time: str


class OwnRow(Wire):
    id: str
    row_version: int
    deleted: bool
    #: The row as the station's trigger wrote it (JSON text), as the county stored it.
    row: str


class OwnRowsPage(Wire):
    """``GET /api/v1/records?table=T&after=ID``: the station's own records of one table, by id."""

    protocol_version: int = PROTOCOL_VERSION
    table: str
    rows: list[OwnRow] = Field(default_factory=list, max_length=MAX_ROWS_PAGE)
    next_after: str | None = None
    more: bool = False
    server_time: str


class PublishRequest(Wire):
    """``POST /api/v1/county/feed`` (admin token): publish or replace one item."""

    kind: str = Field(min_length=1, max_length=32)
    body: dict[str, Any]
    township: str | None = Field(default=None, max_length=80)
    station: str | None = Field(default=None, max_length=40)
    #: A notice's own id, to replace a notice published before; a new one gets a new id.
    notice_id: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
