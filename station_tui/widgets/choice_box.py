"""ChoiceBox: the one list box (Textual's Select) the app makes, safe to set before it is drawn.

Textual's Select sets its value when it is mounted, and that reaches the label of its current-
value widget (SelectCurrent). On a busy PC (keys typed ahead over SSH, an old CPU drawing a
form) the Select's mount can be handled before SelectCurrent has made that label: Textual then
raises NoMatches and the whole app stops. ChoiceBox's current-value widget keeps a value that
comes too early and shows it once its label exists. Checked against Textual 8.2 (pinned).
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay


class _PatientCurrent(SelectCurrent):
    """SelectCurrent that takes a value before its label exists."""

    def update(self, label: RenderableType | NoSelection) -> None:
        if not self.query("#label"):  # not composed yet: keep it for on_mount
            self.label = label
            self.has_value = label is not Select.NULL
            return
        super().update(label)

    def on_mount(self) -> None:
        if self.label is not Select.NULL:
            super().update(self.label)


class ChoiceBox(Select[Any]):
    def compose(self) -> ComposeResult:
        # Select.compose, with the patient current-value widget.
        yield _PatientCurrent(self.prompt)
        yield SelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
