"""One spreadsheet row in, one validated record (or every problem with it) out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from station_tui.domain import Team, explain
from station_tui.domain.models import Record
from station_tui.domain.quoting import QUOTE_CHARS, quoted
from station_tui.imports.cells import CellError, is_blank
from station_tui.imports.kinds import Kind
from station_tui.imports.limits import MAX_CELL_CHARS
from station_tui.imports.readers import SheetRow, column_letters

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
    #: The other columns beside the model, by key (a plan item's 月份 and 主题), as checked.
    beside: dict[str, Any] | None = None


def is_empty_row(cells: list[Any]) -> bool:
    return all(is_blank(c) for c in cells)


#: Stray cells right of the header named one by one; more become one problem for the row.
_NAMED_STRAY_CELLS = 3


def parse_row(
    kind: Kind, row: SheetRow, today: date, context: dict[str, Any] | None = None
) -> tuple[ParsedRow | None, list[Problem]]:
    """One row checked by its kind's model; ``context`` adds the station's settings the model
    reads (``request_categories``) to the validation context."""
    number, cells = row.number, row.cells
    problems: list[Problem] = []
    width = len(kind.columns)
    stray = [(index, cell) for index, cell in enumerate(cells[width:], start=width + 1) if not is_blank(cell)]
    if not row.wide_cells and len(stray) <= _NAMED_STRAY_CELLS:
        for index, extra in stray:
            problems.append(
                Problem(
                    number,
                    f"第 {index} 列",
                    f"这一列没有表头，内容{quoted(extra)}不知道该放到哪里；请删掉或移到正确的列",
                )
            )
    else:
        first = stray[0][0] if stray else row.wide_from
        problems.append(
            Problem(
                number,
                WHOLE_ROW,
                f"表头只有 {width} 列，这一行第 {first} 列（{column_letters(first)} 列）起"
                f"还有 {len(stray) + row.wide_cells} 个单元格有内容，不知道该放到哪里；请删掉或移到正确的列",
            )
        )
    padded = list(cells[:width]) + [None] * (width - len(cells[:width]))

    values: dict[str, Any] = {}
    bad_columns: set[str] = set()
    team: str | None = None
    team_column = ""
    beside: dict[str, Any] = {}
    for column, raw in zip(kind.columns, padded, strict=True):
        if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
            problems.append(
                Problem(
                    number,
                    column.header,
                    f"内容太长：共 {len(raw):,} 个字，一个单元格最多 {MAX_CELL_CHARS:,} 个字"
                    f"（开头是“{raw[:QUOTE_CHARS]}…”）",
                )
            )
            bad_columns.add(column.header)
            continue
        try:
            value = column.parse(raw)
        except CellError as exc:
            problems.append(Problem(number, column.header, str(exc)))
            bad_columns.add(column.header)
            continue
        if column.field is None and kind.prepare is not None:
            beside[column.beside] = value
        elif column.field is None:
            team, team_column = value, column.header
        elif value is not None:
            values[column.field] = value

    context = {**(context or {}), "today": today}
    if kind.prepare is not None:
        more, found = kind.prepare(values, beside)
        context.update(more)
        problems.extend(Problem(number, header, message) for header, message in found if header not in bad_columns)
    record: Record | None = None
    try:
        record = kind.model.model_validate(values, context=context)
    except ValidationError as exc:
        for problem in explain(exc):
            header = kind.column_of(problem.field) if problem.field else kind.rule_columns.get(problem.code, "")
            # A cell that could not be read was left out; the model then reports it missing: say it once.
            if header not in bad_columns:
                problems.append(Problem(number, header, problem.message))
    if team is not None:
        try:
            Team.model_validate({"name": team}, context=context)
        except ValidationError as exc:
            problems.extend(Problem(number, team_column, p.message) for p in explain(exc))
    if problems or record is None:
        # In the order of the columns, as the user reads the row.
        order = {c.header: i for i, c in enumerate(kind.columns)}
        problems.sort(key=lambda p: order.get(p.column, len(order)))
        return None, problems
    return ParsedRow(number, record, team, beside or None), []
