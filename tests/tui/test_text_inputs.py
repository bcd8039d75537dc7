"""The app's own widgets where Textual's would do wrong: every text box is a TextInput, so
STATION_CURSOR_BLINK reaches all of them; every key footer a KeyFooter; every table a
RecordTable; and every Static and Label says whether it reads markup."""

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


def plain_uses(textual_name: str, ours: str) -> list[str]:
    """Where the app makes Textual's widget itself (or subclasses it) instead of its own."""
    offenders = []
    for path in sorted(Path(station_tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == textual_name:
                offenders.append(f"{path.name}:{node.lineno} {textual_name}(...)")
            if isinstance(node, ast.ClassDef) and node.name != ours and any(
                isinstance(base, ast.Name) and base.id == textual_name for base in node.bases
            ):
                offenders.append(f"{path.name}:{node.lineno} class {node.name}({textual_name})")
    return offenders


def test_no_screen_makes_a_plain_textual_input() -> None:
    # A plain Input would blink in snapshot tests and over slow SSH links whatever the setting.
    assert plain_uses("Input", "TextInput") == []


def test_no_screen_makes_a_plain_textual_footer() -> None:
    # A plain Footer rebuilds every key on each focus move (widgets/footer.py says why not).
    assert plain_uses("Footer", "KeyFooter") == []


def test_no_screen_makes_a_plain_textual_select() -> None:
    # A plain Select set before it is drawn stopped the app on a busy PC (widgets/choice_box.py).
    assert plain_uses("Select", "ChoiceBox") == []


def test_no_screen_makes_a_plain_textual_table() -> None:
    # A plain DataTable reads string cells as markup: a topic with "[/b]" stopped the app.
    assert plain_uses("DataTable", "RecordTable") == []


def test_every_static_and_label_says_whether_it_reads_markup() -> None:
    """Text on screen often quotes what people typed (a refused value, a name, a topic), which
    markup would garble or choke on; so each Static and Label decides, where it is made."""
    undecided = []
    for path in sorted(Path(station_tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Static", "Label")
                and not any(k.arg == "markup" for k in node.keywords)
            ):
                undecided.append(f"{path.name}:{node.lineno} {node.func.id}(...)")
    assert undecided == []
