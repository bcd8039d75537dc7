"""Every text box of the app is a TextInput, so STATION_CURSOR_BLINK reaches all of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import station_tui
from station_tui.widgets.text_input import CURSOR_BLINK_ENV, TextInput


@pytest.mark.parametrize(("setting", "blinks"), [("0", False), ("1", True), (None, True)])
def test_the_cursor_blinks_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, blinks: bool
) -> None:
    if setting is None:
        monkeypatch.delenv(CURSOR_BLINK_ENV, raising=False)
    else:
        monkeypatch.setenv(CURSOR_BLINK_ENV, setting)
    assert TextInput(placeholder="姓名").cursor_blink is blinks


def test_no_screen_makes_a_plain_textual_input() -> None:
    # A plain Input would blink in snapshot tests and over slow SSH links whatever the setting.
    offenders = []
    for path in sorted(Path(station_tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Input":
                offenders.append(f"{path.name}:{node.lineno} Input(...)")
            if isinstance(node, ast.ClassDef) and node.name != "TextInput":
                if any(isinstance(base, ast.Name) and base.id == "Input" for base in node.bases):
                    offenders.append(f"{path.name}:{node.lineno} class {node.name}(Input)")
    assert offenders == []
