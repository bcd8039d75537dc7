"""The station's records as pydantic models. Pure data and rules: no I/O here.

Every message a user can trigger is plain Chinese (see ``errors.explain``).
Hours are integer tenths of an hour (``*_tenths``); see ``hours.py`` for why.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from station_tui.domain.declare import Meta
from station_tui.domain.errors import fail
from station_tui.domain.hours import DAY_MINUTES as _DAY_MINUTES
from station_tui.domain.hours import format_tenths, minutes_between
from station_tui.domain.plans import MONTH_WEEKS
from station_tui.domain.points import CODE_LENGTH, MAX_ENTRY_POINTS
from station_tui.domain.quoting import quoted
from station_tui.domain.vocab import (
    DEFAULT_REQUEST_CATEGORIES,
    DEFAULT_TEAM_CATEGORIES,
    ESCALATION_TARGETS,
    GENDERS,
    LECTURE_FORMS,
    MAX_HEADCOUNT,
    MAX_VOLUNTEERS,
    PLATFORMS,
    REQUEST_CHANNELS,
    REQUEST_STATES,
    ROLES,
)

Platform = Literal["理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务"]
Role = Literal["宣讲员", "志愿者", "群众"]
Gender = Literal["男", "女"]
EventKind = Literal["lecture", "activity"]
RequestState = Literal["待处理", "已派单", "已接单", "已完成", "已评价", "已拒绝", "已撤销", "已上报"]
RequestChannel = Literal["当面", "电话", "入户询单", "网上"]

assert set(get_args(Platform)) == set(PLATFORMS)
assert set(get_args(Role)) == set(ROLES)
assert set(get_args(Gender)) == set(GENDERS)
assert get_args(RequestState) == REQUEST_STATES
assert get_args(RequestChannel) == REQUEST_CHANNELS
#: The type ``date``, for where that name means a model's field of the same name (``Event``).
_Date = date

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _halfwidth(text: str) -> str:
    """Full-width digits and letters (a Chinese IME's ``１３８``) as plain ASCII, so codes and
    numbers compare and upload the same however they were typed."""
    return unicodedata.normalize("NFKC", text)


def _today(info: ValidationInfo) -> date:
    """Tests and imports may pin "today" through the validation context."""
    ctx = info.context or {}
    return ctx.get("today") or date.today()


def _already_happened(value: _Date, info: ValidationInfo, label: str, why: str = "") -> _Date:
    """A record of what was done is dated today or before (village clocks aside), and not
    before 2000 (a mistyped year)."""
    today = _today(info)
    if value > today:
        fail("future_date", f"{label} {value.isoformat()} 晚于今天（{today.isoformat()}）{why}")
    if value.year < 2000:
        fail("old_date", f"{label} {value.isoformat()} 太早了，请核对年份")
    return value


class Record(BaseModel):
    """Fields every synced row carries. ``id`` is a UUIDv7 made once, at creation."""

    model_config = ConfigDict(str_strip_whitespace=True, validate_assignment=False)

    id: str | None = None
    row_version: int = 0
    created_at: str | None = None
    updated_at: str | None = None
    deleted: bool = False


def _date_of(value: object) -> object:
    """A spreadsheet cell read as a date and time (openpyxl) is its date."""
    return value.date() if isinstance(value, datetime) else value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


class Station(Record):
    code: Annotated[str, Meta("区划代码", hint="hint.code")]
    name: Annotated[str, Meta("站点名称", ui="field.station_name", hint="hint.station_name")] = Field(
        min_length=1, max_length=60
    )
    township: Annotated[str, Meta("乡镇（街道）")] = Field(min_length=1, max_length=40)
    county: Annotated[str, Meta("县（区）")] = Field(min_length=1, max_length=40)
    manager: Annotated[str | None, Meta("专管员")] = Field(default=None, max_length=20)

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object) -> object:
        text = _halfwidth(str(value)).strip() if value is not None else ""
        if not re.fullmatch(r"[0-9]{12}", text):
            fail("station_code", f"区划代码应为 12 位数字（统计用区划代码），{quoted(text)}不是")
        return text

    _manager_blank = field_validator("manager", mode="before")(classmethod(lambda cls, v: _blank_to_none(v)))


def _phone_number(value: object) -> object:
    """A phone as typed (mobile or landline), checked and written plainly; None when blank."""
    # An empty box means "no phone" (this runs before the blank-to-None validator).
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = re.sub(r"[\s]", "", _halfwidth(str(value)))
    if isinstance(value, (int, float)):
        text = str(int(value))
    # 0351 1234567 and 010 12345678 are landlines of 11 digits: area code first.
    if text.isascii() and text.isdigit() and len(text) == 11 and not text.startswith("0"):
        if not _MOBILE.match(text):
            fail("phone", f"手机号{quoted(text)}不是有效的手机号（应以 13–19 开头）")
        return text
    if _LANDLINE.match(text):
        return text
    fail("phone", f"手机号{quoted(text)}不对，应为 11 位手机号或带区号的座机号")


class Person(Record):
    name: Annotated[str, Meta("姓名", ui="field.person_name", column=8)] = Field(min_length=1, max_length=20)
    gender: Annotated[Gender | None, Meta("性别", column=4, column_label="col.gender")] = None
    birth_year: Annotated[int | None, Meta("出生年份", typed_as="year", column=6, column_label="col.birth_year")] = None
    #: Sensitive (PIPL): uploaded only while settings.json's ``upload_phones`` allows it.
    phone: Annotated[str | None, Meta("手机号", column=13, sensitive="upload_phones")] = None
    is_volunteer: Annotated[bool, Meta("是否志愿者")] = False
    volunteer_no: Annotated[str | None, Meta("志愿者编号")] = Field(default=None, max_length=40)
    skills: Annotated[list[str], Meta("服务技能", hint="hint.skills", column=12)] = Field(default_factory=list)
    #: Sensitive (PIPL): uploaded only while settings.json's ``upload_id_numbers`` allows it.
    id_number: Annotated[
        str | None, Meta("身份证号", typed_as="secret", hint="hint.id_number", sensitive="upload_id_numbers")
    ] = None
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=500)

    _blanks = field_validator(
        "gender", "birth_year", "phone", "volunteer_no", "id_number", "note", mode="before"
    )(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if any(ch.isdigit() for ch in value):
            fail("person_name", f"姓名{quoted(value)}里有数字，请检查是否填错了列")
        return value

    @field_validator("birth_year")
    @classmethod
    def _birth_year(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        this_year = _today(info).year
        if value < 1900 or value > this_year:
            fail("birth_year", f"出生年份 {value} 不对，应在 1900 到 {this_year} 之间")
        return value

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> object:
        return _phone_number(value)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):
            return [s for s in re.split(r"[、,，;；\s]+", value) if s]
        return value

    @field_validator("id_number", mode="before")
    @classmethod
    def _id_number(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = _halfwidth(str(value)).strip().upper()
        if not _ID_NUMBER.match(text):
            fail("id_number", "身份证号应为 18 位（最后一位可以是 X）")
        total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != text[17]:
            fail("id_number", "身份证号校验位不对，请核对是否输错")
        return text

    # Field validators reading earlier fields from info.data (not model validators, which
    # pydantic skips when any field failed): a form shows all its problems at once.
    @field_validator("volunteer_no")
    @classmethod
    def _volunteer_no_needs_volunteer(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and info.data.get("is_volunteer") is False:
            fail("volunteer_no", "填写了志愿者编号，但“是否志愿者”为否")
        return value


class Team(Record):
    name: Annotated[str, Meta("队伍名称", ui="field.team_name", column=24)] = Field(min_length=1, max_length=40)
    category: Annotated[str | None, Meta("队伍类别", typed_as="choice", column=14)] = None
    leader_id: Annotated[str | None, Meta("负责人", ui="field.leader", typed_as="lookup")] = None
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=500)

    _blanks = field_validator("category", "leader_id", "note", mode="before")(
        classmethod(lambda cls, v: _blank_to_none(v))
    )

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or value == "":
            return None
        ctx = info.context or {}
        if ctx.get("lenient"):
            return value
        allowed = ctx.get("team_categories") or DEFAULT_TEAM_CATEGORIES
        if value not in allowed:
            fail("team_category", f"队伍类别{quoted(value)}不在类别列表中（可在设置里添加本地类别）")
        return value


class TeamMember(Record):
    team_id: Annotated[str, Meta("队伍", typed_as="lookup")]
    person_id: Annotated[str, Meta("人员", typed_as="lookup")]


class Venue(Record):
    name: Annotated[str, Meta("阵地名称", ui="field.venue_name", column=22)] = Field(min_length=1, max_length=60)
    address: Annotated[str | None, Meta("地址", column=24)] = Field(default=None, max_length=100)
    capacity: Annotated[int | None, Meta("容纳人数", column=5, column_label="col.capacity")] = None
    #: What the place has (音响、投影、桌椅…): free text, as a station describes it.
    facilities: Annotated[str | None, Meta("设施")] = Field(default=None, max_length=200)
    open_hours: Annotated[str | None, Meta("开放时间", column=18)] = Field(default=None, max_length=100)
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=500)

    _blanks = field_validator("address", "capacity", "facilities", "open_hours", "note", mode="before")(
        classmethod(lambda cls, v: _blank_to_none(v))
    )

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int | None) -> int | None:
        return None if value is None else _count(value, "容纳人数")


def _count(value: int, label: str, limit: int = MAX_HEADCOUNT) -> int:
    if value < 0:
        fail("negative_count", f"{label}不能为负数")
    if value > limit:
        fail("absurd_count", f"{label} {value} 不合常理（超过 {limit}），请核对是否多打了数字")
    return value


class Event(Record):
    """What lectures and activities share: when and where it happened."""

    date: Annotated[date, Meta("日期", column=10, column_label="col.date")]
    start_time: Annotated[time | None, Meta("开始时间")] = None
    end_time: Annotated[time | None, Meta("结束时间")] = None
    place: Annotated[str | None, Meta("地点")] = Field(default=None, max_length=100)
    venue_id: Annotated[str | None, Meta("阵地", ui="field.venue", typed_as="lookup")] = None
    summary: Annotated[str | None, Meta("内容摘要")] = Field(default=None, max_length=4000)
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=500)

    _blanks = field_validator(
        "start_time", "end_time", "place", "venue_id", "summary", "note", mode="before"
    )(classmethod(lambda cls, v: _blank_to_none(v)))

    _date_only = field_validator("date", mode="before")(classmethod(lambda cls, v: _date_of(v)))

    @field_validator("date")
    @classmethod
    def _not_future(cls, value: _Date, info: ValidationInfo) -> _Date:
        return _already_happened(value, info, "日期", "，只能记录已经开展的活动")

    # A field validator, not a model one: pydantic skips model validators when any field
    # failed, and a form should show a bad 受众人数 and a reversed time span at once.
    @field_validator("end_time")
    @classmethod
    def _end_after_start(cls, value: time | None, info: ValidationInfo) -> time | None:
        start = info.data.get("start_time")
        if start and value and value <= start:
            fail("end_before_start", f"结束时间 {value:%H:%M} 不能早于或等于开始时间 {start:%H:%M}")
        return value

    @property
    def minutes(self) -> int | None:
        """The event's own length; None when its times were not recorded."""
        return minutes_between(self.start_time, self.end_time)

    @property
    def kind(self) -> EventKind:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def heading(self) -> str:  # pragma: no cover - overridden
        """What the event is called: a lecture's topic, an activity's title."""
        raise NotImplementedError


class Lecture(Event):
    topic: Annotated[str, Meta("主题", column=32)] = Field(min_length=1, max_length=200)
    speaker: Annotated[str | None, Meta("宣讲人", column=8)] = Field(default=None, max_length=100)
    #: The speaker when chosen from the station's people (``speaker`` then holds their name);
    #: None for an outside speaker typed as free text. Saving puts them on the roster as 宣讲员.
    speaker_id: Annotated[str | None, Meta("宣讲员", typed_as="lookup")] = None
    #: 大喇叭广播 is the longest form: its column is 10 cells.
    form: Annotated[str | None, Meta("形式", typed_as="choice", choices=LECTURE_FORMS, column=10)] = None
    audience: Annotated[int, Meta("受众人数", column=5, column_label="col.audience")] = 0

    _lecture_blanks = field_validator("speaker", "speaker_id", "form", mode="before")(
        classmethod(lambda cls, v: _blank_to_none(v))
    )

    @field_validator("form")
    @classmethod
    def _form(cls, value: str | None) -> str | None:
        if value is not None and value not in LECTURE_FORMS:
            fail("lecture_form", f"形式{quoted(value)}不是可选的形式：{'、'.join(LECTURE_FORMS)}")
        return value

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: int) -> int:
        return _count(value, "受众人数")

    @property
    def kind(self) -> EventKind:
        return "lecture"

    @property
    def heading(self) -> str:
        return self.topic


class Activity(Event):
    title: Annotated[str, Meta("名称", column=26)] = Field(min_length=1, max_length=200)
    platform: Annotated[Platform, Meta("平台", column=14)]
    team_id: Annotated[str | None, Meta("组织队伍", ui="field.team", typed_as="lookup")] = None
    served: Annotated[int, Meta("服务人次", column=5, column_label="col.served")] = 0
    volunteer_count: Annotated[int, Meta("志愿者人数")] = 0
    #: Total volunteer service hours recorded with the activity itself (not per person).
    volunteer_tenths: Annotated[int, Meta("志愿服务时长", typed_as="hours", hint="hint.activity_hours")] = 0
    brand_project: Annotated[str | None, Meta("品牌项目")] = Field(default=None, max_length=60)

    _activity_blanks = field_validator("team_id", "brand_project", mode="before")(
        classmethod(lambda cls, v: _blank_to_none(v))
    )

    @field_validator("platform", mode="before")
    @classmethod
    def _platform(cls, value: object) -> object:
        if value in (None, ""):
            fail("platform", f"平台没有填写，应为五大平台之一：{'、'.join(PLATFORMS)}")
        if value not in PLATFORMS:
            fail("platform", f"平台{quoted(value)}不对，只能是五大平台之一：{'、'.join(PLATFORMS)}")
        return value

    @field_validator("served")
    @classmethod
    def _served(cls, value: int) -> int:
        return _count(value, "服务人次")

    @field_validator("volunteer_count")
    @classmethod
    def _volunteers(cls, value: int) -> int:
        return _count(value, "志愿者人数", MAX_VOLUNTEERS)

    @field_validator("volunteer_tenths")
    @classmethod
    def _hours_fit_the_activity(cls, value: int, info: ValidationInfo) -> int:
        if value < 0:
            fail("negative_hours", "志愿服务时长不能为负数")
        count = info.data.get("volunteer_count")
        if count is None:  # 志愿者人数 itself is wrong and reported: nothing to compare with
            return value
        if value and count == 0:
            fail("hours_without_volunteers", "填写了志愿服务时长，但志愿者人数为 0")
        minutes = minutes_between(info.data.get("start_time"), info.data.get("end_time"))
        if minutes is None and value * 6 > count * _DAY_MINUTES:
            fail(
                "hours_exceed_day",
                f"志愿服务时长 {format_tenths(value)} 小时不合常理（{count} 人一天最多 {count * 24} 小时），请核对",
            )
        if minutes is not None and value * 6 > minutes * count:
            fail(
                "hours_exceed_activity",
                f"志愿服务时长 {format_tenths(value)} 小时超过了活动本身的时长"
                f"（{count} 人 × {format_tenths(minutes // 6)} 小时）",
            )
        return value

    @property
    def kind(self) -> EventKind:
        return "activity"

    @property
    def heading(self) -> str:
        return self.title


class Attendance(Record):
    """One line of a roster: a named person with a role, or a headcount for a crowd.

    Pass the event in the validation context (``context={"event": lecture}``) to check
    credited hours against the event's own length.
    """

    #: The table keeps these two as ``lecture_id`` or ``activity_id`` (kinds.py).
    event_kind: Annotated[EventKind, Meta("活动类别", stored=False)]
    event_id: Annotated[str, Meta("活动", typed_as="lookup", stored=False)]
    person_id: Annotated[str | None, Meta("人员", typed_as="lookup")] = None
    role: Annotated[Role | None, Meta("角色")] = None
    sign_in: Annotated[time | None, Meta("签到时间")] = None
    sign_out: Annotated[time | None, Meta("签退时间")] = None
    credited_tenths: Annotated[int, Meta("服务时长", typed_as="hours")] = 0
    headcount: Annotated[int | None, Meta("人数")] = None
    note: Annotated[str | None, Meta("备注")] = None

    _blanks = field_validator("person_id", "role", "sign_in", "sign_out", "note", mode="before")(
        classmethod(lambda cls, v: _blank_to_none(v))
    )

    @field_validator("sign_out")
    @classmethod
    def _out_after_in(cls, value: time | None, info: ValidationInfo) -> time | None:
        sign_in = info.data.get("sign_in")
        if sign_in and value and value <= sign_in:
            fail("signout_before_signin", f"签退时间 {value:%H:%M} 不能早于签到时间 {sign_in:%H:%M}")
        return value

    @field_validator("headcount")
    @classmethod
    def _headcount(cls, value: int | None) -> int | None:
        return None if value is None else _count(value, "人数")

    @model_validator(mode="after")
    def _shape(self, info: ValidationInfo) -> Attendance:
        if (self.person_id is None) == (self.headcount is None):
            fail("attendance_shape", "每条签到要么是一个具体的人，要么是一个人数")
        if self.person_id is not None and self.role is None:
            fail("attendance_role", "请选择角色：宣讲员、志愿者或群众")
        if self.credited_tenths < 0:
            fail("negative_hours", "服务时长不能为负数")
        if self.credited_tenths and self.person_id is None:
            fail("hours_for_headcount", "人数记录不能填写服务时长")
        if self.credited_tenths * 6 > _DAY_MINUTES:
            fail("hours_exceed_day", f"服务时长 {format_tenths(self.credited_tenths)} 小时超过了一天，请核对")
        event = (info.context or {}).get("event")
        minutes = getattr(event, "minutes", None)
        if minutes is not None and self.credited_tenths * 6 > minutes:
            fail(
                "hours_exceed_activity",
                f"服务时长 {format_tenths(self.credited_tenths)} 小时超过了活动本身的时长"
                f"（{format_tenths(minutes // 6)} 小时）",
            )
        return self


#: Who recorded a star rating: the station itself, the township reviewing it, the county rating it.
REVIEW_LEVELS = ("自评", "乡镇审核", "县级评定")
ReviewLevel = Literal["自评", "乡镇审核", "县级评定"]


class SelfCheckMark(Record):
    """The station's tick of a self-check item the records cannot answer, with its evidence
    (one per item and year; ``domain/rubric.py`` holds the items)."""

    year: Annotated[int, Meta("年度", typed_as="year")]
    item_id: Annotated[str, Meta("自评条目")] = Field(min_length=1, max_length=40)
    ticked: Annotated[bool, Meta("已达到")] = False
    evidence: Annotated[str | None, Meta("佐证")] = Field(default=None, max_length=500)
    operator: Annotated[str | None, Meta("经办人")] = Field(default=None, max_length=20)


class SelfCheckReview(Record):
    """A score and star level given to the station for a year: its own 自评 (the rubric's
    score when it was submitted), the township's 审核 or the county's 评定."""

    year: Annotated[int, Meta("年度", typed_as="year")]
    level: Annotated[ReviewLevel, Meta("评定级别")]
    date: Annotated[date, Meta("日期")]
    score: Annotated[int, Meta("得分")] = Field(ge=0, le=1000)
    stars: Annotated[int, Meta("星级")] = Field(ge=0, le=5)
    reviewer: Annotated[str, Meta("评定人")] = Field(min_length=1, max_length=20)
    opinion: Annotated[str | None, Meta("意见")] = Field(default=None, max_length=500)
    #: A 自评's rubric as the station scored by it (its name and where it came from) and its
    #: full score: a self-score means something only beside its rubric. Empty for a rating
    #: typed in (乡镇审核, 县级评定) and for a 自评 recorded before schema 13.
    rubric: Annotated[str | None, Meta("评分细则")] = Field(default=None, max_length=120)
    rubric_total: Annotated[int | None, Meta("满分")] = Field(default=None, ge=1, le=20000)


class Request(Record):
    """A villager's request (微心愿, 群众点单). Its ``state`` changes only by the moves of
    ``request_flow.py``, each one a ``RequestMove`` stored with it; the form edits the rest.

    Pass the station's categories in the validation context (``request_categories``) to
    check ``request_type`` against them; without it the default list is used.
    """

    received_on: Annotated[date, Meta("点单日期", column=10, column_label="col.date")]
    wish: Annotated[str, Meta("心愿", column=22)] = Field(min_length=1, max_length=60)
    content: Annotated[str | None, Meta("具体内容", ui="field.request_content")] = Field(default=None, max_length=1000)
    requester: Annotated[str, Meta("点单人", column=8)] = Field(min_length=1, max_length=20)
    #: Sensitive (PIPL): uploaded only while settings.json's ``upload_phones`` allows it.
    phone: Annotated[str | None, Meta("手机号", column=11, sensitive="upload_phones")] = None
    address: Annotated[str | None, Meta("地址")] = Field(default=None, max_length=100)
    request_type: Annotated[
        str | None, Meta("点单类别", typed_as="choice", choices=DEFAULT_REQUEST_CATEGORIES, column=8)
    ] = Field(default=None, max_length=20)
    channel: Annotated[RequestChannel, Meta("渠道")] = "当面"
    expected_on: Annotated[date | None, Meta("期望日期")] = None
    recorded_by: Annotated[str | None, Meta("登记人")] = Field(default=None, max_length=20)
    state: Annotated[RequestState, Meta("状态", ui="field.request_state", column=6)] = "待处理"
    team_id: Annotated[str | None, Meta("派给队伍", ui="field.request_team", typed_as="lookup")] = None
    volunteer_id: Annotated[str | None, Meta("派给志愿者", typed_as="lookup")] = None
    activity_id: Annotated[str | None, Meta("服务活动", ui="field.request_activity", typed_as="lookup")] = None
    escalated_to: Annotated[str | None, Meta("上报到")] = Field(default=None, max_length=4)
    rating: Annotated[int | None, Meta("评价星级")] = None
    comment: Annotated[str | None, Meta("评价内容")] = Field(default=None, max_length=200)
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=500)

    _blanks = field_validator(
        "content", "address", "request_type", "expected_on", "recorded_by", "team_id", "volunteer_id", "activity_id",
        "escalated_to", "rating", "comment", "note", mode="before",
    )(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> object:
        return _phone_number(value)

    _date_only = field_validator("received_on", mode="before")(classmethod(lambda cls, v: _date_of(v)))

    @field_validator("received_on")
    @classmethod
    def _received(cls, value: date, info: ValidationInfo) -> date:
        return _already_happened(value, info, "点单日期")

    @field_validator("request_type")
    @classmethod
    def _request_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        ctx = info.context or {}
        if value is None or ctx.get("lenient"):
            return value
        allowed = ctx.get("request_categories") or DEFAULT_REQUEST_CATEGORIES
        if value not in allowed:
            fail("request_type", f"点单类别{quoted(value)}不在点单类别中：{'、'.join(allowed)}（可在设置里修改）")
        return value

    @field_validator("expected_on")
    @classmethod
    def _expected(cls, value: date | None, info: ValidationInfo) -> date | None:
        received = info.data.get("received_on")
        if value is not None and received is not None and value < received:
            fail("expected_before_received", f"期望日期 {value.isoformat()} 早于点单日期 {received.isoformat()}")
        return value

    @field_validator("volunteer_id")
    @classmethod
    def _one_assignee(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("team_id") is not None:
            fail("assign_to", "派单只能派给一支队伍或一位志愿者，不能同时派给两者")
        return value

    @field_validator("escalated_to")
    @classmethod
    def _escalated_to(cls, value: str | None) -> str | None:
        if value is not None and value not in ESCALATION_TARGETS:
            fail("escalate_to", f"上报到{quoted(value)}不对，应为{'或'.join(ESCALATION_TARGETS)}")
        return value

    @field_validator("rating")
    @classmethod
    def _rating(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        if not 1 <= value <= 5:
            fail("rating", f"评价星级应为 1–5，收到 {value}")
        if info.data.get("state", "已评价") != "已评价":
            fail("rating_state", "只有“已评价”的点单才有评价星级")
        return value


class RequestMove(Record):
    """One move of a request (派单, 接单, 上报, …): who made it, when, from which state to which,
    the reason or note, and its target (the team, the volunteer, 乡镇 or 县). Append-only: a
    move is never edited or deleted (the table refuses it)."""

    request_id: Annotated[str, Meta("点单", typed_as="lookup")]
    action: Annotated[str, Meta("操作")] = Field(min_length=1, max_length=20)
    #: None for the record of the request's making (点单).
    from_state: Annotated[RequestState | None, Meta("原状态")] = None
    to_state: Annotated[RequestState, Meta("新状态")]
    #: Local time on the station PC (``2026-11-22T09:30:00``): data only, never an order.
    moved_at: Annotated[str, Meta("时间")] = Field(min_length=1, max_length=19)
    moved_by: Annotated[str, Meta("操作人")] = Field(min_length=1, max_length=40)
    target: Annotated[str | None, Meta("对象")] = Field(default=None, max_length=60)
    note: Annotated[str | None, Meta("备注", ui="field.move_note")] = Field(default=None, max_length=500)


#: The kinds of record a photo can belong to (the ``photos.record_table`` column).
PHOTO_TABLES = ("lectures", "activities", "requests")


class Photo(Record):
    """A photo of a lecture, an activity or a villager request: the file lives in the station's photo directory
    under its content hash (``storage/photos.py``); this record says whose it is."""

    record_table: Annotated[str, Meta("所属记录类别")]
    record_id: Annotated[str, Meta("所属记录", typed_as="lookup")]
    sha256: Annotated[str, Meta("内容指纹")] = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: Annotated[int, Meta("文件大小")] = Field(ge=1)
    width: Annotated[int, Meta("宽度")] = Field(ge=1, le=1920)
    height: Annotated[int, Meta("高度")] = Field(ge=1, le=1920)
    caption: Annotated[str | None, Meta("照片说明")] = Field(default=None, max_length=200)
    original_name: Annotated[str | None, Meta("原文件名")] = Field(default=None, max_length=255)

    @field_validator("record_table")
    @classmethod
    def _table(cls, value: str) -> str:
        if value not in PHOTO_TABLES:
            fail("photo_table", f"照片只能属于宣讲、活动或群众点单，{quoted(value)}不是")
        return value


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def _month_text(value: object) -> object:
    """A plan's month as ``YYYY-MM``; also read as typed: ``2026-3``, ``2026/03``, ``2026年3月``."""
    if value is None:
        return value
    text = _halfwidth(str(value)).strip()
    loose = re.fullmatch(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*月?", text)
    if loose:
        text = f"{loose.group(1)}-{int(loose.group(2)):02d}"
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        fail("plan_month", f"月份{quoted(text)}不对，应写成 2026-03 这样的年-月")
    if int(match.group(1)) < 2000:
        fail("old_date", f"月份 {text} 太早了，请核对年份")
    return text


class Plan(Record):
    """A month's plan (活动计划): the month's theme (一月一主题); its items are ``PlanItem``s.
    One plan per month: the table keeps the month unique among plans not deleted."""

    month: Annotated[str, Meta("月份", ui="field.plan_month", hint="hint.month", column=8)] = Field(max_length=7)
    theme: Annotated[str | None, Meta("主题", ui="field.plan_theme", column=30)] = Field(
        default=None, max_length=60
    )
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=200)

    _plan_blanks = field_validator("theme", "note", mode="before")(classmethod(lambda cls, v: _blank_to_none(v)))
    _month = field_validator("month", mode="before")(classmethod(lambda cls, v: _month_text(v)))


class PlanItem(Record):
    """One planned activity of a month's plan: on a day or in a week of the month. Unlike the
    records of what was done, it may lie in the future. ``lecture_id`` / ``activity_id`` name
    the lecture or activity that carried it out, once it is matched (at most one of them)."""

    plan_id: Annotated[str, Meta("计划", typed_as="lookup")]
    date: Annotated[_Date | None, Meta("日期", column=10, column_label="col.date")] = None
    week: Annotated[int | None, Meta("第几周", ui="field.plan_week", hint="hint.plan_week", column=4,
                                     column_label="col.week")] = None
    title: Annotated[str, Meta("名称", column=26)] = Field(min_length=1, max_length=200)
    platform: Annotated[Platform, Meta("平台", column=14)]
    team_id: Annotated[str | None, Meta("组织队伍", ui="field.team", typed_as="lookup")] = None
    note: Annotated[str | None, Meta("备注")] = Field(default=None, max_length=200)
    lecture_id: Annotated[str | None, Meta("完成的宣讲", typed_as="lookup")] = None
    activity_id: Annotated[str | None, Meta("完成的活动", typed_as="lookup")] = None

    _item_blanks = field_validator(
        "date", "week", "team_id", "note", "lecture_id", "activity_id", mode="before"
    )(classmethod(lambda cls, v: _blank_to_none(v)))

    _date_only = field_validator("date", mode="before")(classmethod(lambda cls, v: _date_of(v)))

    @field_validator("date")
    @classmethod
    def _in_its_month(cls, value: _Date | None, info: ValidationInfo) -> _Date | None:
        # A plan may look ahead: no "not after today" here, unlike Event. Only its own month.
        if value is None:
            return value
        if value.year < 2000:
            fail("old_date", f"日期 {value.isoformat()} 太早了，请核对年份")
        month = (info.context or {}).get("plan_month")
        if month and value.isoformat()[:7] != month:
            fail("plan_item_month", f"日期 {value.isoformat()} 不在计划的月份 {month} 里")
        return value

    @field_validator("week")
    @classmethod
    def _week(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        if not 1 <= value <= MONTH_WEEKS:
            fail("plan_week", f"第几周应在 1–{MONTH_WEEKS} 之间，{value} 不对")
        if info.data.get("date") is not None:
            fail("plan_item_when", "日期和第几周只填一个：填了日期就不用填第几周")
        return value

    @field_validator("platform", mode="before")
    @classmethod
    def _platform(cls, value: object) -> object:
        if value in (None, ""):
            fail("platform", f"平台没有填写，应为五大平台之一：{'、'.join(PLATFORMS)}")
        if value not in PLATFORMS:
            fail("platform", f"平台{quoted(value)}不对，只能是五大平台之一：{'、'.join(PLATFORMS)}")
        return value

    @field_validator("lecture_id")
    @classmethod
    def _lecture_is_theory(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("platform") not in (None, "理论宣讲"):
            fail("plan_match_platform", f"宣讲只能完成“理论宣讲”平台的计划，这一项是“{info.data.get('platform')}”")
        return value

    @field_validator("activity_id")
    @classmethod
    def _one_event(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("lecture_id") is not None:
            fail("plan_match_twice", "一项计划只能对应一场宣讲或一场活动")
        return value

    @model_validator(mode="after")
    def _when(self) -> PlanItem:
        if self.date is None and self.week is None:
            fail("plan_item_when", "请填写日期或第几周（1–5）")
        return self

    @property
    def matched(self) -> tuple[EventKind, str] | None:
        """The lecture or activity that carried it out, as (kind, id), or None."""
        if self.lecture_id:
            return "lecture", self.lecture_id
        if self.activity_id:
            return "activity", self.activity_id
        return None

HoursKind = Literal["获得", "补录", "作废"]
#: The kinds of hours-ledger entry above: 获得 (earned, made by a roster save), 补录 (a late
#: entry typed by hand), 作废 (the void of an earlier entry: its negative, naming it).
#: The most one entry may credit: a day of service.
ENTRY_MAX_TENTHS = _DAY_MINUTES // 6


class HoursEntry(Record):
    """One entry of a person's hours ledger (时长台账). Entries are only ever added: a
    correction is a 作废 of the wrong entry (its negative, naming it) and, where needed, a new
    entry. A balance is the sum of a person's entries; ``created_at`` is when it was made."""

    person_id: Annotated[str, Meta("人员", typed_as="lookup")]
    date: Annotated[date, Meta("日期", column=10, column_label="col.date")]
    entry_kind: Annotated[HoursKind, Meta("类型", column=4)]
    tenths: Annotated[int, Meta("时长", typed_as="hours", column=6)]
    #: The roster line (and its event) an earned entry came from.
    attendance_id: Annotated[str | None, Meta("签到记录", typed_as="lookup")] = None
    lecture_id: Annotated[str | None, Meta("宣讲", typed_as="lookup")] = None
    activity_id: Annotated[str | None, Meta("活动", typed_as="lookup")] = None
    #: What the hours were for when no event is named (补录 of an activity never recorded).
    content: Annotated[str | None, Meta("服务内容", column=24)] = Field(default=None, max_length=200)
    #: The entry a 作废 voids.
    voids_id: Annotated[str | None, Meta("作废的条目", typed_as="lookup")] = None
    reason: Annotated[str | None, Meta("原因")] = Field(default=None, max_length=200)
    operator: Annotated[str, Meta("经办人")] = Field(min_length=1, max_length=40)

    _entry_blanks = field_validator(
        "attendance_id", "lecture_id", "activity_id", "content", "voids_id", "reason", mode="before"
    )(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("date")
    @classmethod
    def _served_already(cls, value: _Date, info: ValidationInfo) -> _Date:
        return _already_happened(value, info, "日期", "，只能记录已经服务过的时长")

    # A field validator (reading 类型 from info.data): the form shows the problem under 时长.
    @field_validator("tenths")
    @classmethod
    def _hours(cls, value: int, info: ValidationInfo) -> int:
        kind = info.data.get("entry_kind")
        if kind == "作废" and value >= 0:
            fail("void_negative", "作废记录的时长应为被作废条目的相反数")
        if kind != "作废" and value <= 0:
            fail("hours_positive", "时长应大于 0 小时")
        if abs(value) > ENTRY_MAX_TENTHS:
            fail("hours_exceed_day", f"时长 {format_tenths(abs(value))} 小时超过了一天（每条最多 24 小时），请核对")
        return value

    @model_validator(mode="after")
    def _entry_rules(self) -> HoursEntry:
        if self.entry_kind == "作废" and self.voids_id is None:
            fail("void_names_entry", "作废必须指明作废的是哪一条记录")
        if self.entry_kind != "作废" and self.voids_id is not None:
            fail("void_names_entry", f"{self.entry_kind}记录不能作废其他条目")
        if self.entry_kind != "获得" and not (self.reason or "").strip():
            fail("reason_required", f"{self.entry_kind}须写明原因")
        if self.entry_kind == "补录" and not (self.content or self.lecture_id or self.activity_id):
            fail("entry_content", "补录须写明服务内容，或选择对应的宣讲、活动")
        return self

PointsKind = Literal["获得", "奖励", "扣减", "兑换", "退还", "作废"]
StockKind = Literal["入库", "兑换", "退还", "核减"]
RedemptionState = Literal["待领取", "已领取", "已取消"]


class Goods(Record):
    """An item of the 爱心超市, priced in points. Its stock is the sum of its stock entries."""

    name: Annotated[str, Meta("物品名称", ui="field.goods_name", column=20)] = Field(min_length=1, max_length=40)
    price_points: Annotated[int, Meta("所需积分", column=8)] = 1
    unit: Annotated[str | None, Meta("单位", column=4)] = Field(default=None, max_length=10)
    note: Annotated[str | None, Meta("备注", column=20)] = Field(default=None, max_length=200)

    _blanks = field_validator("unit", "note", mode="before")(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("price_points")
    @classmethod
    def _price(cls, value: int) -> int:
        if value < 1:
            fail("goods_price", "所需积分至少为 1 分")
        if value > MAX_ENTRY_POINTS:
            fail("goods_price", f"所需积分 {value} 不合常理（超过 {MAX_ENTRY_POINTS}），请核对")
        return value


class Redemption(Record):
    """One 兑换 at the 爱心超市: who, what, how many, for how many points, and its pickup code.
    Its points and stock leave as ledger entries of the same transaction (``PointsEntry``,
    ``StockEntry``); only its state changes afterwards (已领取, 已取消)."""

    person_id: Annotated[str, Meta("人员", typed_as="lookup")]
    goods_id: Annotated[str, Meta("物品", typed_as="lookup")]
    quantity: Annotated[int, Meta("数量")] = 1
    points: Annotated[int, Meta("积分")] = 0
    pickup_code: Annotated[str, Meta("领取码")] = Field(min_length=CODE_LENGTH, max_length=CODE_LENGTH)
    date: Annotated[date, Meta("日期")]
    state: Annotated[RedemptionState, Meta("状态")] = "待领取"
    picked_up_at: Annotated[str | None, Meta("领取时间")] = Field(default=None, max_length=19)
    cancelled_at: Annotated[str | None, Meta("取消时间")] = Field(default=None, max_length=19)
    cancel_reason: Annotated[str | None, Meta("取消原因")] = Field(default=None, max_length=200)
    operator: Annotated[str | None, Meta("经办人")] = Field(default=None, max_length=40)

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        if value < 1:
            fail("quantity", "数量至少为 1")
        return _count(value, "数量", 1000)


class PointsEntry(Record):
    """One line of a person's points ledger (积分明细). Entries are only ever added: a correction
    is a 作废 entry naming the one it cancels (``voids_id``); a balance is the sum."""

    person_id: Annotated[str, Meta("人员", typed_as="lookup")]
    date: Annotated[date, Meta("日期")]
    kind: Annotated[PointsKind, Meta("类别")]
    points: Annotated[int, Meta("积分")]
    lecture_id: Annotated[str | None, Meta("宣讲", typed_as="lookup")] = None
    activity_id: Annotated[str | None, Meta("活动", typed_as="lookup")] = None
    attendance_id: Annotated[str | None, Meta("签到记录", typed_as="lookup")] = None
    redemption_id: Annotated[str | None, Meta("兑换记录", typed_as="lookup")] = None
    voids_id: Annotated[str | None, Meta("作废的记录", typed_as="lookup")] = None
    item: Annotated[str | None, Meta("积分项目")] = Field(default=None, max_length=40)
    reason: Annotated[str | None, Meta("事由")] = Field(default=None, max_length=200)
    operator: Annotated[str | None, Meta("经办人")] = Field(default=None, max_length=40)

    @field_validator("points")
    @classmethod
    def _points(cls, value: int) -> int:
        if value == 0:
            fail("zero_points", "积分不能为 0")
        if abs(value) > MAX_ENTRY_POINTS:
            fail("absurd_points", f"积分 {value} 不合常理（超过 {MAX_ENTRY_POINTS}），请核对")
        return value


class StockEntry(Record):
    """One line of an item's stock (库存明细): 入库 restocking, 兑换 out, 退还 back, 核减 written off."""

    goods_id: Annotated[str, Meta("物品", typed_as="lookup")]
    date: Annotated[date, Meta("日期")]
    kind: Annotated[StockKind, Meta("类别")]
    quantity: Annotated[int, Meta("数量")]
    redemption_id: Annotated[str | None, Meta("兑换记录", typed_as="lookup")] = None
    reason: Annotated[str | None, Meta("事由")] = Field(default=None, max_length=200)
    operator: Annotated[str | None, Meta("经办人")] = Field(default=None, max_length=40)

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        if value == 0:
            fail("zero_quantity", "数量不能为 0")
        if abs(value) > 100_000:
            fail("absurd_count", f"数量 {value} 不合常理，请核对是否多打了数字")
        return value


#: The most services one certificate lists: its register row (with the entries' ids) stays well
#: inside the county's row limit (sync/protocol.py ``MAX_ROW_CHARS``); a longer record is
#: certified in two periods.
CERTIFICATE_MAX_ENTRIES = 1200


class Certificate(Record):
    """A 志愿服务记录证明 as issued: one volunteer, one period, the hours the ledger held for it.

    Kept in a register that only grows: a paper once handed out cannot be taken back, so a
    certificate is never edited or deleted (a wrong one is followed by a new one; the county's
    check shows what has changed since). ``entry_ids`` names the ledger entries it lists, which
    never change either, so a reprint is the same document. ``number`` is
    ``<station code>-<year>-<serial>``, the serial given in the transaction that stores the row."""

    number: Annotated[str, Meta("证书编号", column=22, column_label="col.cert_number")] = Field(
        min_length=1, max_length=40)
    year: Annotated[int, Meta("年度")]
    serial: Annotated[int, Meta("序号")]
    person_id: Annotated[str, Meta("人员", typed_as="lookup")]
    #: The name as printed on the certificate.
    person_name: Annotated[str, Meta("姓名", column=8, column_label="col.person_name")] = Field(
        min_length=1, max_length=20)
    period_from: Annotated[date, Meta("起始日期", column=10, column_label="col.cert_from")]
    period_to: Annotated[date, Meta("截止日期", column=10, column_label="col.cert_to")]
    total_tenths: Annotated[int, Meta("累计时长", typed_as="hours", column=7, column_label="col.cert_hours")]
    entry_count: Annotated[int, Meta("服务次数", column=4, column_label="col.cert_entries")]
    entry_ids: Annotated[list[str], Meta("服务记录")] = Field(default_factory=list)
    issued_on: Annotated[date, Meta("开具日期", column=10, column_label="col.cert_issued")]
    issuer: Annotated[str, Meta("负责人")] = Field(min_length=1, max_length=20)
    operator: Annotated[str, Meta("经办人")] = Field(min_length=1, max_length=40)

    @field_validator("total_tenths")
    @classmethod
    def _total(cls, value: int) -> int:
        if value <= 0:
            fail("certificate_hours", "证明的累计服务时长应大于 0 小时")
        return value

    @model_validator(mode="after")
    def _period(self) -> Certificate:
        if self.period_from > self.period_to:
            fail("certificate_period", f"起始日期 {self.period_from.isoformat()} 晚于截止日期 "
                                       f"{self.period_to.isoformat()}")
        if self.entry_count != len(self.entry_ids) or self.entry_count > CERTIFICATE_MAX_ENTRIES:
            fail("certificate_entries", "证明所列的服务记录条数不对")
        return self


class Figures(BaseModel):
    """The station's headline numbers; the same keys the county report uses."""

    lectures: int = 0
    lecture_audience: int = 0
    activities: int = 0
    activity_served: int = 0
    activities_by_platform: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(PLATFORMS, 0))
    volunteer_tenths: int = 0
    people: int = 0
    volunteers: int = 0
    attendance: int = 0
    #: Planned items of the plans of the period's months, and those matched to a lecture or
    #: activity not deleted.
    plan_items: int = 0
    plan_items_done: int = 0
    #: Teams not deleted (as people and volunteers: the roster as it stands).
    teams: int = 0
    #: Distinct 品牌项目 among the period's activities.
    brand_projects: int = 0
    #: The hours ledger's sum over the entries dated in the period (tenths).
    hours_credited_tenths: int = 0
    #: Villager requests received in the period (by 点单日期), those served (已完成 or 已评价),
    #: those ever escalated, and the sum and number of their ratings: the average is derived
    #: from these integers, so township and county averages are exact too.
    requests_received: int = 0
    requests_completed: int = 0
    requests_escalated: int = 0
    rating_sum: int = 0
    rating_count: int = 0

    def add(self, other: Figures) -> None:
        """Add another station's (or township's) figures to these, in exact integers."""
        for name, value in other:
            if name == "activities_by_platform":
                for platform, n in value.items():
                    self.activities_by_platform[platform] = self.activities_by_platform.get(platform, 0) + n
            else:
                setattr(self, name, getattr(self, name) + value)

    def as_json(self) -> dict[str, object]:
        return {
            "lectures": self.lectures,
            "lecture_audience": self.lecture_audience,
            "activities": self.activities,
            "activity_served": self.activity_served,
            "activities_by_platform": {p: self.activities_by_platform.get(p, 0) for p in PLATFORMS},
            "volunteer_hours": float(format_tenths(self.volunteer_tenths)),
            "people": self.people,
            "volunteers": self.volunteers,
            "attendance": self.attendance,
            "plan_items": self.plan_items,
            "plan_items_done": self.plan_items_done,
            "teams": self.teams,
            "brand_projects": self.brand_projects,
            "hours_credited": float(format_tenths(self.hours_credited_tenths)),
            "requests_received": self.requests_received,
            "requests_completed": self.requests_completed,
            "requests_escalated": self.requests_escalated,
            "requests_rating": rating_average(self.rating_sum, self.rating_count),
        }


def rating_average(rating_sum: int, rating_count: int) -> float | None:
    """The average rating to one decimal (half up, from integers), or None without ratings."""
    from station_tui.domain.request_flow import average_tenths

    tenths = average_tenths(rating_sum, rating_count)
    return None if tenths is None else float(format_tenths(tenths))
