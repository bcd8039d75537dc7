"""The headless parts must never pull in Textual: the cron sync job and the county server
run on machines and in processes that should not pay for the UI."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "station_tui.domain",
    "station_tui.storage",
    "station_tui.storage.figures",
    "station_tui.config",
    "station_tui.demo",
    "station_tui.cli",
    "station_tui.imports",
    "station_tui.imports.importer",
    "sync",
    "sync.client",
    "station_tui.commands.sync",
    "station_tui.commands.enroll",
    "sync.protocol",
    "county.app",
    "county.cli",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_module_imports_without_textual(module: str) -> None:
    code = (
        "import sys, importlib\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imported Textual: {out.stdout.strip()}"
