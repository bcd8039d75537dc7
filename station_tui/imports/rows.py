"""One spreadsheet row in, one validated record (or every problem with it) out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from station_tui.domain import Team, explain
from station_tui.domain.models import Record
from station_tui.imports.cells import CellError, is_blank
from station_tui.imports.kinds import Kind

#: The column name shown for a problem that is about the row as a whole.
WHOLE_ROW = "整行"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行，{self.column or WHOLE_ROW}：{self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    record: Record
    #: 所属队伍 of a person row, already checked to be a valid team name.
    team: str | None = None


def is_empty_row(cells: list[Any]) -> bool:
    return all(is_blank(c) for c in cells)


def parse_row(kind: Kind, number: int, cells: list[Any], today: date) -> tuple[ParsedRow | None, list[Problem]]:
    problems: list[Problem] = []
    width = len(kind.columns)
    for index, extra in enumerate(cells[width:], start=width + 1):
        if not is_blank(extra):
            problems.append(
                Problem(number, f"第 {index} 列", f"这一列没有表头，内容“{extra}”不知道该放到哪里；请删掉或移到正确的列")
            )
    padded = list(cells[:width]) + [None] * (width - len(cells[:width]))

    values: dict[str, Any] = {}
    bad_columns: set[str] = set()
    team: str | None = None
    for column, raw in zip(kind.columns, padded):
        try:
            value = column.parse(raw)
        except CellError as exc:
            problems.append(Problem(number, column.header, str(exc)))
            bad_columns.add(column.header)
            continue
        if column.field is None:
            team = value
        elif value is not None:
            values[column.field] = value

    context = {"today": today}
    record: Record | None = None
    try:
        record = kind.model.model_validate(values, context=context)
    except ValidationError as exc:
        for problem in explain(exc):
            column = kind.column_of(problem.field) if problem.field else kind.rule_columns.get(problem.code, "")
            # A cell that could not be read was left out; the model then reports it missing: say it once.
            if column not in bad_columns:
                problems.append(Problem(number, column, problem.message))
    if team is not None:
        try:
            Team.model_validate({"name": team}, context=context)
        except ValidationError as exc:
            problems.extend(Problem(number, "所属队伍", p.message) for p in explain(exc))
    if problems or record is None:
        # In the order of the columns, as the user reads the row.
        order = {c.header: i for i, c in enumerate(kind.columns)}
        problems.sort(key=lambda p: order.get(p.column, len(order)))
        return None, problems
    return ParsedRow(number, record, team), []
