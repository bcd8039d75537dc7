"""Importing lectures, activities and people from CSV and Excel files. Headless (no Textual).

``read_plan`` reads and checks a whole file without touching the database; ``write_plan``
writes a clean plan in one transaction. See docs/import-formats.md for the file formats.

Only the headers are loaded eagerly: ``station template`` and ``station --help`` need them
and should not pay for pydantic or openpyxl.
"""

from __future__ import annotations

from typing import Any

from station_tui.imports.headers import HEADERS, KIND_NAMES

_LAZY = {
    "Outcome": "station_tui.imports.importer",
    "Plan": "station_tui.imports.importer",
    "read_plan": "station_tui.imports.importer",
    "write_plan": "station_tui.imports.importer",
    "FileProblem": "station_tui.imports.readers",
    "Problem": "station_tui.imports.rows",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = ["HEADERS", "KIND_NAMES", "FileProblem", "Outcome", "Plan", "Problem", "read_plan", "write_plan"]
