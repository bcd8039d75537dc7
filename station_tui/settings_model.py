"""The station's settings as a validated model (``settings.json``); see config.py for where
the file lives. A separate module so that importing ``station_tui.config`` stays cheap."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from station_tui.config import default_minimums as _default_minimums
from station_tui.domain.hours import DEFAULT_STAR_HOURS
from station_tui.domain.points import PointsRules
from station_tui.domain.vocab import (
    DEFAULT_REQUEST_CATEGORIES,
    DEFAULT_REQUEST_DEADLINE_DAYS,
    DEFAULT_TEAM_CATEGORIES,
)


class Settings(BaseModel):
    """The station's local settings (``settings.json`` in the config directory)."""

    language: str = Field(default="zh_CN", pattern=r"^(zh_CN|en)$")
    #: Monthly minimums per platform set by the county (理论宣讲 ≥ 4, the others ≥ 1).
    monthly_minimums: dict[str, int] = Field(default_factory=_default_minimums)
    team_categories: list[str] = Field(default_factory=lambda: list(DEFAULT_TEAM_CATEGORIES))
    #: Some provinces credit hours only when sign-in to sign-out covers this share of the event.
    min_attendance_share: float = Field(default=0.0, ge=0.0, le=1.0)
    #: PIPL: ID numbers leave the PC only when this is switched on.
    upload_id_numbers: bool = False
    #: PIPL: phone numbers too. The county's figures need no phone; a county that keeps the
    #: volunteers' contacts itself asks for them, and the station switches this on.
    upload_phones: bool = False
    sync_interval_minutes: int = Field(default=15, ge=1)
    #: `station backup` (and the 同步 screen's 备份) keeps this many of its backups in a folder.
    backup_keep: int = Field(default=10, ge=1, le=1000)
    #: Cumulative hours that make a 1–5 star volunteer (星级志愿者), lowest first.
    star_thresholds_hours: list[int] = Field(default_factory=lambda: list(DEFAULT_STAR_HOURS))

    @field_validator("star_thresholds_hours")
    @classmethod
    def _rising(cls, value: list[int]) -> list[int]:
        if not value or any(h <= 0 for h in value) or value != sorted(set(value)):
            raise ValueError("星级时长应为由小到大、各不相同的正整数小时数，例如 [100, 300, 600, 1000, 1500]")
        return value
    #: 积分 rules: points per credited hour, the cap per event, the organizer's bonus and the
    #: add/deduct items (``{"per_hour": 10, "cap_per_event": 30, "organizer_bonus": 5,
    #: "items": [{"name": "好人好事", "points": 5}, {"name": "移风易俗", "points": -5}]}``).
    points: PointsRules = Field(default_factory=PointsRules)
    #: Villager request (群众点单) categories offered by the form and accepted by imports.
    request_categories: list[str] = Field(default_factory=lambda: list(DEFAULT_REQUEST_CATEGORIES), min_length=1)
    #: Days a request of a category may stay open before the dashboard counts it overdue;
    #: categories not named here get ``request_default_deadline_days``.
    request_deadline_days: dict[str, Annotated[int, Field(ge=1, le=365)]] = Field(default_factory=dict)
    request_default_deadline_days: int = Field(default=DEFAULT_REQUEST_DEADLINE_DAYS, ge=1, le=365)
