"""The self-check's facts, ticks and reviews: what ``domain/rubric.py`` judges, read from and
written to the station's database.

The facts cover the 12 whole months before the month the check is made in: a check made on
5 December 2026 looks at December 2025 to November 2026, so a month still under way never
counts against the station.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from station_tui.domain.rubric import (
    Assessment,
    Facts,
    Mark,
    Rubric,
    RubricError,
    assess,
    check,
    default_rubric,
    parse,
)

if TYPE_CHECKING:
    from station_tui.domain.models import SelfCheckMark, SelfCheckReview
    from station_tui.storage.store import Store

#: A rubric in the settings directory: used when the county sent none (a station without a county).
RUBRIC_FILE = "rubric.json"


@dataclass(frozen=True)
class RubricChoice:
    """The rubric the self-check scores by, and where it came from.

    The county's rubric, sent down with its other settings (the narrowest published: this
    station's, its township's, then the county's), holds first: the county rates the station
    by it. A ``rubric.json`` in the settings directory holds when the county sent none (a
    station without a county, or whose county publishes no rubric); otherwise the default.
    Withdrawing the county's rubric brings back the file's or the default."""

    rubric: Rubric
    source: Literal["county", "local", "default"]
    #: The county's: the day it was published (this computer's date).
    published_on: str | None = None
    #: A ``rubric.json`` was there but the county's holds instead.
    local_ignored: bool = False

    @property
    def origin(self) -> str:
        if self.source == "county":
            return f"县中心下发 {self.published_on or ''}".strip()
        return "本地文件" if self.source == "local" else "默认"

    def recorded_as(self) -> str:
        """How a 自评 names its rubric (``self_check_reviews.rubric``): “<name>（<origin>）”."""
        return f"{self.rubric.name}（{self.origin}）"[:120]


def choose_rubric(store: Store | None, config_dir: Path | None) -> RubricChoice:
    """The rubric to score by (see ``RubricChoice``). A county's rubric this program cannot
    use, or a broken file, is a ``RubricError`` that says so, never a silent fall-back."""
    local = config_dir / RUBRIC_FILE if config_dir is not None else None
    item = store.county_word.rubric() if store is not None else None
    if item is not None:
        try:
            rubric = check(item.body["rubric"], "县中心下发的评分细则")
        except RubricError as exc:
            raise RubricError(f"{exc}（请升级本站程序，或请县中心重新发布）") from exc
        return RubricChoice(rubric, "county", _local_day(item.published_at),
                            local_ignored=local is not None and local.exists())
    if local is not None and local.exists():
        return RubricChoice(load_rubric(config_dir), "local")
    return RubricChoice(default_rubric(), "default")


def _local_day(stamp: str) -> str:
    """A UTC time stamp (``…Z``) as this computer's date."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().date().isoformat()
    except ValueError:
        return stamp[:10]


def load_rubric(config_dir: Path | None) -> Rubric:
    """The rubric of ``rubric.json`` in ``config_dir`` when it is there, else the default; a
    broken file is a ``RubricError`` that says what is wrong with it, never a silent fall-back.
    (The county's rubric comes first: ``choose_rubric``.)"""
    if config_dir is not None:
        path = config_dir / RUBRIC_FILE
        if path.exists():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RubricError(f"无法读取评分细则 {path}：{exc}") from exc
            return parse(text, str(path))
    return default_rubric()


def window(today: date) -> list[str]:
    """The 12 whole months before ``today``'s, oldest first, as ``YYYY-MM``."""
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(f"{year:04d}-{month:02d}")
    return months[::-1]


def facts(store: Store, today: date) -> Facts:
    months = window(today)
    start, end = f"{months[0]}-01", _month_after(months[-1])
    with store.snapshot() as conn:
        per_month = {}
        for table in ("lectures", "activities"):
            counts = dict(
                conn.execute(
                    f"SELECT substr(date, 1, 7), count(*) FROM {table}"
                    " WHERE deleted = 0 AND date >= ? AND date < ? GROUP BY 1",
                    (start, end),
                ).fetchall()
            )
            per_month[table] = tuple(counts.get(m, 0) for m in months)
        events, with_summary, with_roster = conn.execute(
            """SELECT count(*), COALESCE(sum(summary IS NOT NULL AND trim(summary) <> ''), 0),
                      COALESCE(sum(EXISTS (SELECT 1 FROM attendance a WHERE a.deleted = 0
                                           AND a.person_id IS NOT NULL
                                           AND (a.lecture_id = e.id OR a.activity_id = e.id))), 0)
               FROM (SELECT id, summary FROM lectures WHERE deleted = 0 AND date >= ? AND date < ?
                     UNION ALL
                     SELECT id, summary FROM activities WHERE deleted = 0 AND date >= ? AND date < ?) e""",
            (start, end, start, end),
        ).fetchone()
        largest = conn.execute("SELECT COALESCE(max(capacity), 0) FROM venues WHERE deleted = 0").fetchone()[0]
        teams = conn.execute("SELECT count(*) FROM teams WHERE deleted = 0").fetchone()[0]
        volunteers = conn.execute(
            "SELECT count(*) FROM people WHERE deleted = 0 AND is_volunteer = 1"
        ).fetchone()[0]
        brands = conn.execute(
            "SELECT count(DISTINCT trim(brand_project)) FROM activities WHERE deleted = 0"
            " AND brand_project IS NOT NULL AND trim(brand_project) <> '' AND date >= ? AND date < ?",
            (start, end),
        ).fetchone()[0]
        manager = conn.execute(
            "SELECT manager FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1"
        ).fetchone()
    return Facts(
        lectures_by_month=per_month["lectures"],
        activities_by_month=per_month["activities"],
        largest_venue=largest,
        teams=teams,
        volunteers=volunteers,
        brand_projects=brands,
        events=events,
        events_with_summary=with_summary,
        events_with_roster=with_roster,
        manager_named=bool(manager and manager[0] and manager[0].strip()),
    )


def _month_after(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    year, m = (year, m + 1) if m < 12 else (year + 1, 1)
    return f"{year:04d}-{m:02d}-01"


def marks(store: Store, year: int) -> dict[str, SelfCheckMark]:
    repo = store.repository("self_check_marks")
    rows = store.query("SELECT * FROM self_check_marks WHERE deleted = 0 AND year = ?", (year,))
    return {row["item_id"]: repo.from_row(row) for row in rows}


def set_mark(store: Store, year: int, item_id: str, *, ticked: bool, evidence: str | None,
             operator: str | None) -> SelfCheckMark:
    """Tick (or untick) an item for the year, with its evidence: the year's one mark of the
    item is updated, or made when there is none. A tick needs its evidence."""
    from station_tui.domain.models import SelfCheckMark

    evidence = (evidence or "").strip() or None
    if ticked and evidence is None:
        raise RubricError("请写明佐证材料（例如照片文件名、制度上墙的位置），检查时要看")
    repo = store.repository("self_check_marks")
    with store.write() as conn:
        row = conn.execute(
            "SELECT * FROM self_check_marks WHERE deleted = 0 AND year = ? AND item_id = ?", (year, item_id)
        ).fetchone()
        if row is None:
            return repo.add_in(
                conn, SelfCheckMark(year=year, item_id=item_id, ticked=ticked, evidence=evidence, operator=operator)
            )
        current = repo.from_row(row)
        return repo.update_in(conn, current.model_copy(update={"ticked": ticked, "evidence": evidence,
                                                             "operator": operator}))


def reviews(store: Store, year: int) -> list[SelfCheckReview]:
    repo = store.repository("self_check_reviews")
    rows = store.query(
        "SELECT * FROM self_check_reviews WHERE deleted = 0 AND year = ? ORDER BY date, created_at", (year,)
    )
    return [repo.from_row(row) for row in rows]


def add_review(store: Store, review: SelfCheckReview) -> SelfCheckReview:
    return store.repository("self_check_reviews").add(review)


def assessment(store: Store, today: date, rubric: Rubric) -> Assessment:
    ticks = {item: Mark(bool(m.ticked), m.evidence or "") for item, m in marks(store, today.year).items()}
    return assess(rubric, facts(store, today), ticks)
