"""The app's tables, whose cells show what they hold as it is.

DataTable reads a string cell as Rich markup: a lecture topic such as 学习[/b]材料 (a closing
tag with nothing to close) stopped the whole app wherever it was listed, and "[red]张老师"
showed as a red 张老师. Records come from forms, spreadsheets and other sessions, so every
string cell here is plain text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import CellType, RowKey


class RecordTable(DataTable[Any]):
    """A DataTable whose string cells are plain text, never markup."""

    def add_row(
        self, *cells: CellType, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        plain = [Text(cell, no_wrap=True, overflow="ellipsis") if isinstance(cell, str) else cell for cell in cells]
        return super().add_row(*plain, height=height, key=key, label=label)
