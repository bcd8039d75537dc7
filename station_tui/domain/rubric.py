"""The 五有 / 星级 self-check: a rubric as data, and the pure rules that score a station by it.

A rubric lists items, each with its points and how it is evidenced: by the records (``rule``
names one of ``RULES`` below, with its parameters) or by a tick with evidence that the station
writes itself (a photo's file name, where the rules are posted, …). Counties differ, so the
rubric is data: the default ships as ``rubric_default.json`` (built from the 五有 and the star
criteria most counties use), and a county's replaces it: sent down by the county (the
downlink's ``rubric`` item), or as ``rubric.json`` in the settings directory of a station
without one (storage/self_check.py ``choose_rubric`` says which holds).

No I/O here: ``storage/self_check.py`` gathers the facts, this module judges them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

#: What an item belongs to: the five 有 and the star criteria beyond them.
GROUPS = ("有场地", "有队伍", "有活动", "有项目", "有机制", "星级")


class RubricItem(BaseModel):
    id: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
    group: Annotated[str, Field(min_length=1, max_length=20)]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    points: Annotated[int, Field(ge=1, le=100)]
    #: One of ``RULES``: the records answer it. None: the station ticks it with evidence.
    rule: str | None = None
    params: dict[str, int] = Field(default_factory=dict)
    #: What counts as evidence, in the words an inspector uses.
    evidence: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _known_rule(self) -> RubricItem:
        if self.rule is not None:
            if self.rule not in RULES:
                raise ValueError(f"条目 {self.id} 的规则 {self.rule} 不认识（认识的有：{'、'.join(RULES)}）")
            missing = [p for p in RULES[self.rule].params if p not in self.params]
            if missing:
                raise ValueError(f"条目 {self.id} 的规则 {self.rule} 缺少参数：{'、'.join(missing)}")
        return self


class Rubric(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    #: Score needed for 1, 2, … 5 stars, ascending.
    star_scores: Annotated[list[int], Field(min_length=1, max_length=5)]
    items: Annotated[list[RubricItem], Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        ids = [item.id for item in self.items]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"条目编号重复：{'、'.join(twice)}")
        if self.star_scores != sorted(set(self.star_scores)):
            raise ValueError("星级分数线应从低到高、各不相同")
        if self.star_scores[-1] > self.total:
            raise ValueError(f"最高星级分数线 {self.star_scores[-1]} 超过了各条目合计的满分 {self.total}，"
                             "这一星永远评不上")
        return self

    @property
    def total(self) -> int:
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class Facts:
    """What the records say, over the 12 whole months before the one the check is made in."""

    #: Lectures and activities per month, oldest first, 12 entries each.
    lectures_by_month: tuple[int, ...]
    activities_by_month: tuple[int, ...]
    largest_venue: int
    teams: int
    volunteers: int
    brand_projects: int
    #: Lectures and activities in the 12 months, those with a 内容摘要, those with a named roster.
    events: int
    events_with_summary: int
    events_with_roster: int
    manager_named: bool


@dataclass(frozen=True)
class Rule:
    params: tuple[str, ...]
    #: Whether the facts meet it, and what they show (said to the user beside the item).
    judge: Any


def _months(counts: tuple[int, ...], p: dict[str, int], what: str) -> tuple[bool, str]:
    good = sum(1 for n in counts if n >= p["per_month"])
    return good >= p["months"], f"近 12 个月中有 {good} 个月{what}达到 {p['per_month']} 场（要求 {p['months']} 个月）"


def _share(part: int, whole: int, p: dict[str, int], what: str) -> tuple[bool, str]:
    if whole == 0:
        return False, "近 12 个月没有宣讲和活动记录"
    # Integers only: 4 of 5 is 80 %, and 80 % meets "at least 80".
    return part * 100 >= p["percent"] * whole, f"{whole} 场中 {part} 场{what}（要求 {p['percent']}%）"


def _at_least(value: int, p: dict[str, int], what: str, unit: str) -> tuple[bool, str]:
    return value >= p["min"], f"{what} {value} {unit}（要求至少 {p['min']} {unit}）"


RULES: dict[str, Rule] = {
    "venue_capacity": Rule(("min",), lambda f, p: _at_least(f.largest_venue, p, "最大阵地可容纳", "人")),
    "teams": Rule(("min",), lambda f, p: _at_least(f.teams, p, "志愿服务队伍", "支")),
    "volunteers": Rule(("min",), lambda f, p: _at_least(f.volunteers, p, "注册志愿者", "人")),
    "brand_projects": Rule(("min",), lambda f, p: _at_least(f.brand_projects, p, "近 12 个月品牌项目", "个")),
    "lectures_monthly": Rule(("per_month", "months"), lambda f, p: _months(f.lectures_by_month, p, "理论宣讲")),
    "activities_monthly": Rule(("per_month", "months"), lambda f, p: _months(f.activities_by_month, p, "实践活动")),
    "summaries": Rule(("percent",), lambda f, p: _share(f.events_with_summary, f.events, p, "写了内容摘要")),
    "rosters": Rule(("percent",), lambda f, p: _share(f.events_with_roster, f.events, p, "有签到名单")),
    "manager": Rule(
        (), lambda f, p: (f.manager_named, "已填写专管员" if f.manager_named else "站点信息中没有填写专管员")
    ),
}


@dataclass(frozen=True)
class Mark:
    """The station's own tick of an item the records cannot answer."""

    ticked: bool
    evidence: str


@dataclass(frozen=True)
class ItemResult:
    item: RubricItem
    met: bool
    #: By the records ("computed") or by the station's tick ("ticked").
    how: Literal["computed", "ticked"]
    detail: str


@dataclass(frozen=True)
class Assessment:
    rubric: Rubric
    results: tuple[ItemResult, ...]

    @property
    def score(self) -> int:
        return sum(r.item.points for r in self.results if r.met)

    @property
    def stars(self) -> int:
        return sum(1 for needed in self.rubric.star_scores if self.score >= needed)

    @property
    def missing(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.results if not r.met)

    def next_star(self) -> int | None:
        """The score the next star needs, or None at the top."""
        return next((needed for needed in self.rubric.star_scores if needed > self.score), None)


def assess(rubric: Rubric, facts: Facts, marks: dict[str, Mark]) -> Assessment:
    results = []
    for item in rubric.items:
        if item.rule is not None:
            met, detail = RULES[item.rule].judge(facts, item.params)
            results.append(ItemResult(item, bool(met), "computed", detail))
        else:
            mark = marks.get(item.id)
            if mark is not None and mark.ticked:
                results.append(ItemResult(item, True, "ticked", mark.evidence))
            else:
                results.append(ItemResult(item, False, "ticked", item.evidence))
    return Assessment(rubric, tuple(results))


class RubricError(ValueError):
    """A rubric file that cannot be used, said in plain Chinese."""


def parse(text: str, source: str) -> Rubric:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RubricError(f"{source} 不是有效的 JSON（第 {exc.lineno} 行）") from exc
    return check(data, source)


def check(data: Any, source: str) -> Rubric:
    """A rubric read as JSON, checked: the one set of rules for the default, a ``rubric.json``
    file and a rubric the county publishes (sync/downlink.py ``RubricBody``)."""
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise RubricError(f"{source} 有误：{where} {message}".replace("有误： ", "有误：")) from exc


def default_rubric() -> Rubric:
    text = resources.files("station_tui.domain").joinpath("rubric_default.json").read_text(encoding="utf-8")
    return parse(text, "rubric_default.json")
