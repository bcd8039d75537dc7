"""Importing a file: read and check every row first, then write all of it in one transaction.

All or nothing: a single bad row stops the import before anything is written, and the
write itself is one ``BEGIN IMMEDIATE`` transaction, so a crash or ``kill -9`` halfway
leaves the database exactly as it was. Rows already stored (the repositories' ``find_same``)
and repeats within the file are counted, not added again, so importing a file twice is safe.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.domain.quoting import quoted
from station_tui.imports.headers import KIND_NAMES
from station_tui.imports.kinds import KINDS, Kind
from station_tui.imports.limits import MAX_LISTED_PROBLEMS, MAX_ROWS
from station_tui.imports.readers import FileProblem, SheetRow, read_table
from station_tui.imports.rows import ParsedRow, Problem, is_empty_row, parse_row

if TYPE_CHECKING:
    import sqlite3

    from station_tui.storage import Store


@dataclass
class Plan:
    """A file read and checked; nothing written yet."""

    kind: Kind
    path: Path
    encoding: str
    rows: list[ParsedRow] = field(default_factory=list)
    #: The first ``MAX_LISTED_PROBLEMS`` problems, in file order.
    problems: list[Problem] = field(default_factory=list)
    #: Problems found past those, counted only: a file with a wrong column in 20,000 rows
    #: should say so in a screenful, not in 20,000 lines.
    unlisted: int = 0
    bad_row_numbers: set[int] = field(default_factory=set)

    @property
    def bad_rows(self) -> int:
        return len(self.bad_row_numbers)

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.unlisted

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.bad_row_numbers.add(problem.row)
            if len(self.problems) < MAX_LISTED_PROBLEMS:
                self.problems.append(problem)
            else:
                self.unlisted += 1


@dataclass
class Outcome:
    added: int = 0
    #: Rows already stored before this import.
    present: int = 0
    #: Rows repeating an earlier row of the same file.
    repeated: int = 0
    teams_created: int = 0
    memberships_added: int = 0
    plans_created: int = 0

    @property
    def skipped(self) -> int:
        return self.present + self.repeated


def _clean_header(cell: Any) -> str:
    return str(cell if cell is not None else "").replace("\ufeff", "").strip()


def check_header(kind: Kind, row: SheetRow, path: Path) -> None:
    number = row.number
    found = [_clean_header(c) for c in row.cells]
    while found and found[-1] == "":
        found.pop()
    expected = list(kind.headers)
    if found == expected:
        return
    hint = f"可用 station template {kind.name} 得到正确的表头。"
    for other, other_kind in KINDS.items():
        if other != kind.name and found == list(other_kind.headers):
            raise FileProblem(
                f"{path.name} 是{_kind_word(other)}导入文件（表头与 {other} 一致），不是{_kind_word(kind.name)}。"
                f"请用 station import {other} {path.name}。\n"
                f"{path.name} has the {other} header; did you mean `station import {other}`?"
            )
    detail = ""
    for index, want in enumerate(expected, start=1):
        got = found[index - 1] if index <= len(found) else ""
        if got != want:
            detail = (
                f"第 {index} 列应为{quoted(want)}，实际是{quoted(got)}。"
                if got
                else f"缺少第 {index} 列{quoted(want)}。"
            )
            break
    else:
        detail = f"多出了第 {len(expected) + 1} 列{quoted(found[len(expected)])}。"
    raise FileProblem(
        f"{path.name} 第 {number} 行的表头不对：{detail}\n"
        f"表头应为：{','.join(expected)}\n{hint}\n"
        f"The header row of {path.name} does not match; expected: {','.join(expected)}"
        f" (see `station template {kind.name}`)."
    )


def _kind_word(kind: str) -> str:
    return KIND_NAMES[kind]


def read_plan(
    kind_name: str, path: str | Path, *, today: date | None = None, context: dict[str, Any] | None = None
) -> Plan:
    """Read ``path`` and check every row; raises FileProblem when the file as a whole is unusable.
    ``context``: the station's settings the models read (``request_categories``)."""
    kind = KINDS[kind_name]
    path = Path(path)
    table = read_table(path)
    with closing(table.rows) as rows:
        header = next((row for row in rows if not is_empty_row(row.cells)), None)
        if header is None:
            raise FileProblem(f"文件 {path.name} 里没有内容。\nThe file {path.name} has no rows.")
        check_header(kind, header, path)
        plan = Plan(kind=kind, path=path, encoding=table.encoding)
        today = today or date.today()
        records = 0
        for row in rows:
            if is_empty_row(row.cells) and not row.wide_cells:
                continue
            records += 1
            if records > MAX_ROWS:
                raise FileProblem(
                    f"{path.name} 的记录超过 {MAX_ROWS:,} 条（第 {row.number:,} 行起），一次导入不了这么多。"
                    f"请检查是否选错了文件，或分成几个文件导入。\n"
                    f"{path.name} holds more than {MAX_ROWS:,} records; split it into several files."
                )
            parsed, problems = parse_row(kind, row, today, context)
            if parsed is not None:
                plan.rows.append(parsed)
            plan.add_problems(problems)
    if kind.prepare is not None:
        plan.add_problems(_themes_disagree(plan.rows))
    if not plan.rows and not plan.problem_count:
        raise FileProblem(f"{path.name} 只有表头，没有要导入的记录。\n{path.name} has a header but no records.")
    return plan


def _themes_disagree(rows: list[ParsedRow]) -> list[Problem]:
    """A month's plan has one theme: a row naming another theme for its month than an earlier
    row of the file is a problem (a blank 主题 agrees with any)."""
    themes: dict[str, tuple[str, int]] = {}
    problems = []
    for parsed in rows:
        beside = parsed.beside or {}
        month, theme = beside.get("month"), beside.get("theme")
        if not month or not theme:
            continue
        first = themes.setdefault(month, (theme, parsed.row))
        if first[0] != theme:
            problems.append(
                Problem(
                    parsed.row,
                    "主题",
                    f"{month} 的主题在第 {first[1]} 行是{quoted(first[0])}，这里是{quoted(theme)}；一个月只有一个主题",
                )
            )
    return problems


def write_plan(store: Store, plan: Plan) -> Outcome:
    """Write every checked row in one transaction; rows already stored are counted, not added."""
    if plan.problem_count:
        raise ValueError("a plan with problems must not be written")
    outcome = Outcome()
    repo = plan.kind.repository(store)
    seen: dict[tuple[Any, ...], str] = {}
    team_ids: dict[str, str] = {}
    plan_ids: dict[str, str] = {}
    with store.write() as conn:
        for parsed in plan.rows:
            if parsed.beside is not None and "month" in parsed.beside:
                plan_id = _plan_of_month(store, conn, parsed.beside, plan_ids, outcome)
                parsed = replace(parsed, record=parsed.record.model_copy(update={"plan_id": plan_id}))
            key = plan.kind.key(parsed.record)
            record_id = seen.get(key)
            if record_id is not None:
                outcome.repeated += 1
            else:
                existing = repo.find_same(parsed.record)
                if existing is not None:
                    outcome.present += 1
                    record_id = str(existing.id)
                else:
                    record_id = str(repo.add_in(conn, parsed.record).id)
                    outcome.added += 1
                seen[key] = record_id
            if parsed.team:
                _join_team(store, conn, parsed.team, record_id, team_ids, outcome)
    return outcome


def _plan_of_month(
    store: Store, conn: sqlite3.Connection, beside: dict[str, Any], plan_ids: dict[str, str], outcome: Outcome
) -> str:
    """The id of the month's plan: the stored one (its blank theme filled in from the file),
    or one made now with the file's theme."""
    from station_tui.domain.models import Plan as MonthPlan

    month, theme = beside["month"], beside.get("theme")
    plan_id = plan_ids.get(month)
    if plan_id is not None:
        return plan_id
    stored = store.plans.by_month_in(conn, month)
    if stored is None:
        stored = store.plans.add_in(conn, MonthPlan(month=month, theme=theme))
        outcome.plans_created += 1
    elif theme and not stored.theme:
        stored = store.plans.update_in(conn, stored.model_copy(update={"theme": theme}))
    plan_ids[month] = str(stored.id)
    return plan_ids[month]


def _join_team(
    store: Store, conn: sqlite3.Connection, name: str, person_id: str, team_ids: dict[str, str], outcome: Outcome
) -> None:
    from station_tui.domain import Team, TeamMember

    team_id = team_ids.get(name)
    if team_id is None:
        team = store.teams.by_name(name)
        if team is None:
            team = store.teams.add_in(conn, Team(name=name, category=None))
            outcome.teams_created += 1
        team_id = team_ids[name] = str(team.id)
    member = conn.execute(
        "SELECT 1 FROM team_members WHERE team_id = ? AND person_id = ? AND deleted = 0", (team_id, person_id)
    ).fetchone()
    if member is None:
        store.team_members.add_in(conn, TeamMember(team_id=team_id, person_id=person_id))
        outcome.memberships_added += 1
