"""积分 rules: how many points a roster line earns, the add/deduct items, pickup codes.

Pure rules, no I/O. The station sets its own numbers in settings.json (``"points": {...}``,
``settings_model.Settings.points``); the ledger itself is storage/repositories/points.py.
Points are whole numbers: a rule that would give a fraction rounds down.
"""

from __future__ import annotations

import secrets
import unicodedata

from pydantic import BaseModel, Field, field_validator

from station_tui.domain.errors import fail

#: The kinds of a points ledger entry (积分明细的类别).
EARNED = "获得"  # from service: follows the roster
BONUS = "奖励"  # an add item (好人好事 +5)
DEDUCTED = "扣减"  # a deduct item (移风易俗 −5)
REDEEMED = "兑换"  # spent in the 爱心超市
GIVEN_BACK = "退还"  # a cancelled redemption's points back
VOID = "作废"  # cancels an earlier entry (its points with the sign turned)
ENTRY_KINDS = (EARNED, BONUS, DEDUCTED, REDEEMED, GIVEN_BACK, VOID)

#: The kinds of a stock entry (库存明细的类别).
RESTOCKED = "入库"
WRITTEN_OFF = "核减"  # broken, expired, counted short
STOCK_KINDS = (RESTOCKED, REDEEMED, GIVEN_BACK, WRITTEN_OFF)

#: The states of a redemption.
PENDING = "待领取"
PICKED_UP = "已领取"
CANCELLED = "已取消"
REDEMPTION_STATES = (PENDING, PICKED_UP, CANCELLED)

#: Pickup codes are read aloud over the counter: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, Q.
CODE_ALPHABET = "34679ACDEFHJKMNPRTUVWXY"
CODE_LENGTH = 6

#: Largest points one entry may carry either way: more is a typing slip.
MAX_ENTRY_POINTS = 100_000


class PointsItem(BaseModel):
    """One add or deduct item of the station's list: 好人好事 +5, 移风易俗 −5."""

    name: str = Field(min_length=1, max_length=40)
    points: int = Field(ge=-MAX_ENTRY_POINTS, le=MAX_ENTRY_POINTS)

    @field_validator("points")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            fail("zero_points", "积分项目的分值不能为 0")
        return value


def _default_items() -> list[PointsItem]:
    return [
        PointsItem(name="好人好事", points=5),
        PointsItem(name="孝老爱亲", points=5),
        PointsItem(name="环境卫生评比优秀", points=3),
        PointsItem(name="移风易俗", points=-5),
        PointsItem(name="乱扔垃圾", points=-2),
    ]


class PointsRules(BaseModel):
    """The station's points rules (settings.json ``"points"``)."""

    #: Points for each credited hour of service (1, or 10; 2 is "1 per half hour").
    per_hour: int = Field(default=1, ge=0, le=1000)
    #: Most points one person earns from the hours of one lecture or activity; 0: no cap.
    cap_per_event: int = Field(default=0, ge=0, le=MAX_ENTRY_POINTS)
    #: Added for the organizer of an event: the roster's 宣讲员 line.
    organizer_bonus: int = Field(default=0, ge=0, le=MAX_ENTRY_POINTS)
    #: The add/deduct items offered on a person's points page.
    items: list[PointsItem] = Field(default_factory=_default_items)

    def earned(self, credited_tenths: int, role: str | None) -> int:
        """Points a roster line earns: its hours at ``per_hour`` (rounded down), at most
        ``cap_per_event``, plus ``organizer_bonus`` for the 宣讲员 (the bonus is not capped)."""
        points = max(credited_tenths, 0) * self.per_hour // 10
        if self.cap_per_event:
            points = min(points, self.cap_per_event)
        if role == "宣讲员":
            points += self.organizer_bonus
        return points

    def item(self, name: str) -> PointsItem | None:
        return next((it for it in self.items if it.name == name), None)


def new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str:
    """A code as typed (full-width from an IME, lower case, with spaces or a dash) as stored."""
    text = unicodedata.normalize("NFKC", typed).upper()
    return "".join(ch for ch in text if ch.isalnum())


def spoken_code(code: str) -> str:
    """A code as shown to be read aloud: two groups of three (``K7M 2QX``)."""
    return f"{code[:3]} {code[3:]}" if len(code) == CODE_LENGTH else code


def short_of_points(balance: int, needed: int) -> str:
    return f"积分不足：现有 {balance} 分，需要 {needed} 分"
