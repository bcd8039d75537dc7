"""``station self-check``: the 五有 / 星级 self-check by the rubric, and the scores given for it.

Without options it prints the score, the stars it reaches and what is missing. ``--submit``
records it as the station's 自评 for the year; ``--review`` records the township's 审核 or
the county's 评定 (typed in at the station, e.g. by the township over SSH). Both are synced.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from station_tui.commands.common import EXIT_USAGE, CommandError, open_store, require_station, whole_number


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "self-check",
        parents=[parent],
        help="五有及星级自评 / the 五有 and star-rating self-check",
        description="按评分细则计算本站得分、星级和缺项；可登记自评、乡镇审核和县级评定。"
        " Score the station by the rubric, list what is missing; record the self-assessment"
        " and the township's or county's rating.",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("--submit", metavar="经办人", help="登记为本年度自评 / record as this year's self-assessment")
    p.add_argument("--tick", metavar="条目",
                   help="勾选一个需佐证的条目（配合 --evidence）/ tick an item with --evidence")
    p.add_argument("--untick", metavar="条目", help="取消勾选 / untick an item")
    p.add_argument("--evidence", help="佐证材料 / the evidence")
    p.add_argument("--operator", help="经办人 / who ticked it")
    p.add_argument("--review", choices=("乡镇审核", "县级评定"), help="登记上级评定 / record a review")
    p.add_argument("--stars", type=whole_number("星级", "--stars"), help="评定星级 0–5 / stars given")
    p.add_argument("--score", type=whole_number("得分", "--score"), help="评定得分 / score given")
    p.add_argument("--reviewer", help="评定人 / who reviewed")
    p.add_argument("--opinion", help="评定意见 / their comment")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station_tui.config import config_dir
    from station_tui.domain.rubric import RubricError
    from station_tui.storage import self_check

    today = date.today()
    with open_store(args, must_exist=True) as store:
        require_station(store)
        try:
            chosen = self_check.choose_rubric(store, config_dir())
            rubric = chosen.rubric
            item_id = args.tick or args.untick
            if item_id:
                _tick(store, rubric, today, item_id, args)
            result = self_check.assessment(store, today, rubric)
        except RubricError as exc:
            raise CommandError(f"{exc}\nNothing was recorded.") from exc
        if args.review:
            _record_review(store, args, today)
        elif args.submit:
            _record(store, "自评", today, result.score, result.stars, args.submit, args.opinion, chosen)
        recorded = self_check.reviews(store, today.year)
    data = as_json(result, recorded, today, chosen)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(data))
    return 0


def _tick(store: Any, rubric: Any, today: date, item_id: str, args: argparse.Namespace) -> None:
    from station_tui.domain.rubric import RubricError
    from station_tui.storage import self_check

    item = next((i for i in rubric.items if i.id == item_id), None)
    if item is None:
        raise RubricError(f"评分细则里没有条目 {item_id}（条目编号见 station self-check --json）")
    if item.rule is not None:
        raise RubricError(f"条目 {item_id}（{item.title}）由记录自动计算，不需要勾选")
    self_check.set_mark(store, today.year, item_id, ticked=bool(args.tick), evidence=args.evidence,
                        operator=args.operator)


def _record_review(store: Any, args: argparse.Namespace, today: date) -> None:
    missing = [flag for flag, value in (("--stars", args.stars), ("--score", args.score),
                                        ("--reviewer", args.reviewer)) if value is None]
    if missing:
        raise CommandError(f"登记评定还需要：{' '.join(missing)}\nA review needs {' '.join(missing)}.",
                           code=EXIT_USAGE)
    _record(store, args.review, today, args.score, args.stars, args.reviewer, args.opinion)


def _record(store: Any, level: str, today: date, score: int, stars: int, reviewer: str, opinion: str | None,
            chosen: Any = None) -> None:
    """Record a rating; a 自评 (``chosen``: the rubric it was scored by) names its rubric."""
    from pydantic import ValidationError

    from station_tui.domain import explain
    from station_tui.domain.models import SelfCheckReview
    from station_tui.storage import self_check

    try:
        review = SelfCheckReview(year=today.year, level=level, date=today, score=score, stars=stars,
                                 reviewer=reviewer, opinion=opinion,
                                 rubric=chosen.recorded_as() if chosen else None,
                                 rubric_total=chosen.rubric.total if chosen else None)
    except ValidationError as exc:
        problems = "；".join(str(p) for p in explain(exc))
        raise CommandError(f"评定没有登记：{problems}\nThe review was not recorded.", code=EXIT_USAGE) from exc
    self_check.add_review(store, review)


def as_json(result: Any, recorded: list[Any], today: date, chosen: Any) -> dict[str, Any]:
    return {
        "rubric": result.rubric.name,
        #: Where the rubric came from: "county" (sent down, with the day it was published),
        #: "local" (rubric.json in the settings directory) or "default".
        "rubric_source": {"kind": chosen.source, "published_on": chosen.published_on},
        "date": today.isoformat(),
        "score": result.score,
        "total": result.rubric.total,
        "stars": result.stars,
        "next_star_at": result.next_star(),
        "items": [
            {"id": r.item.id, "group": r.item.group, "title": r.item.title, "points": r.item.points,
             "met": r.met, "how": r.how, "detail": r.detail}
            for r in result.results
        ],
        "reviews": [
            {"level": r.level, "date": r.date.isoformat(), "score": r.score, "stars": r.stars,
             "reviewer": r.reviewer, "opinion": r.opinion, "rubric": r.rubric, "rubric_total": r.rubric_total}
            for r in recorded
        ],
    }


def render(data: dict[str, Any]) -> str:
    source = data.get("rubric_source") or {}
    origin = {"county": f"县中心下发 {source.get('published_on')}", "local": "本地文件 rubric.json"}.get(
        source.get("kind", ""), "默认")
    lines = [
        f"{data['rubric']}（{origin}；{data['date']}）",
        f"得分 {data['score']} / {data['total']}，{_stars(data['stars'])}"
        + (f"，下一星需要 {data['next_star_at']} 分" if data["next_star_at"] else ""),
        "",
    ]
    for item in data["items"]:
        mark = "✓" if item["met"] else "✗"
        lines.append(f" {mark} [{item['group']}] {item['title']}（{item['points']} 分）")
        if item["detail"]:
            lines.append(f"     {item['detail']}")
    if data["reviews"]:
        lines += ["", "本年度评定："]
        lines += [f"  {r['date']} {r['level']} {r['score']} 分 {_stars(r['stars'])} {r['reviewer']}"
                  + (f"：{r['opinion']}" if r["opinion"] else "") for r in data["reviews"]]
    return "\n".join(lines)


def _stars(n: int) -> str:
    return "★" * n + "☆" * (5 - n) if n else "未达一星"
