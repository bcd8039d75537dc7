"""The headless parts must never pull in Textual: the cron sync job and the county server
run on machines and in processes that should not pay for the UI."""

from __future__ import annotations

import pytest

from tests.fresh_process import modules_left

HEADLESS = [
    "station_tui.domain",
    "station_tui.storage",
    "station_tui.storage.figures",
    "station_tui.storage.photos",
    "station_tui.storage.self_check",
    "station_tui.storage.replica",
    "station_tui.domain.rubric",
    "station_tui.reports.ledger",
    "station_tui.reports.ledger_docx",
    "station_tui.reports.ledger_xlsx",
    "station_tui.commands.ledger",
    "station_tui.commands.photo",
    "station_tui.commands.self_check",
    "station_tui.config",
    "station_tui.demo",
    "station_tui.cli",
    "station_tui.imports",
    "station_tui.imports.importer",
    "sync",
    "sync.client",
    "station_tui.commands.sync",
    "station_tui.commands.enroll",
    "station_tui.commands.backup",
    "station_tui.storage.backup",
    "sync.protocol",
    "county.app",
    "county.cli",
    "county.ledger",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_module_imports_without_textual(module: str) -> None:
    loaded = modules_left(f"import {module}", ("textual",))
    assert loaded == [], f"{module} imported Textual: {loaded}"


#: What the county center and the wire format must never import: the station's storage,
#: commands and screens, and the UI. They share only the domain and sync/protocol.py (and the
#: command line's option types); a county installed on a server carries none of the rest.
STATION_ONLY = ("station_tui.storage", "station_tui.commands", "station_tui.screens", "station_tui.widgets",
                "station_tui.app", "textual")


def test_the_county_and_the_protocol_import_nothing_of_the_station_beyond_the_domain() -> None:
    code = (
        "import importlib, pkgutil\n"
        "import county, sync.protocol\n"
        "for found in pkgutil.walk_packages(county.__path__, 'county.'):\n"
        "    if not found.name.endswith('__main__'):\n"
        "        importlib.import_module(found.name)\n"
    )
    loaded = modules_left(code, STATION_ONLY)
    assert loaded == [], f"county/ or sync/protocol.py imported {loaded}"

