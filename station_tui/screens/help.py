"""Help (F1 or ?): every key of every screen, read from the bindings themselves so it can
never disagree with what the keys do (remapped keys included)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from station_tui.locale import t
from station_tui.widgets.localized import Localized


def _sections() -> list[tuple[str, type]]:
    """(title key, class whose keys it lists): the app's own keys, each main screen's
    (screens/registry.py), then the dialogs'."""
    from station_tui.app import StationApp
    from station_tui.modals.confirm import ConfirmModal
    from station_tui.modals.conflict import ConflictModal
    from station_tui.screens.registry import SCREENS, load
    from station_tui.widgets.form import RecordForm

    sections: list[tuple[str, type]] = [("help.everywhere", StationApp)]
    sections += [(entry.help_title, load(entry.screen)) for entry in SCREENS]
    try:
        from station_tui.screens.attendance import AttendanceScreen
        from station_tui.screens.attendance_leave import LeaveDialog
        from station_tui.screens.attendance_line import LineEditor
        from station_tui.screens.attendance_source import FilterInput
        from station_tui.widgets.new_person import NewPersonForm
    except ImportError:
        pass
    else:
        sections += [
            ("help.attendance", AttendanceScreen),
            ("help.attendance_line", LineEditor),
            ("help.attendance_new_person", NewPersonForm),
            ("help.attendance_source", FilterInput),
            ("help.attendance_leave", LeaveDialog),
        ]
    from station_tui.screens.person_page import PersonPageScreen

    sections += [
        ("help.person_page", PersonPageScreen),
        ("help.forms", RecordForm),
        ("help.confirm", ConfirmModal),
        ("help.conflict", ConflictModal),
    ]
    return sections


#: Keys of Textual's own widgets worth knowing, said once.
_WIDGET_KEYS = ("help.keys_move", "help.keys_tab", "help.keys_picker", "help.keys_palette", "help.keys_mouse")


class HelpScreen(Localized, ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "key.close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(t("help.title"), id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(self.render_keys(), id="help-keys", markup=False)

    def render_keys(self) -> Text:
        """Built piece by piece, not as markup: keys come from keymap.json, and a key such as
        ``[`` (left_square_bracket) would be read as the start of a style tag."""
        text = Text()
        for title, cls in _sections():
            text.append(t(title), style="bold")
            text.append("\n")
            for keys, description in _describe(self.app, cls):
                text.append("  ")
                text.append(f" {keys} ", style="reverse")
                text.append(f"  {description}\n")
            text.append("\n")
        text.append(t("help.general"), style="bold")
        for k in _WIDGET_KEYS:
            text.append(f"\n  {t(k)}")
        return text

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _describe(app: Any, cls: type) -> list[tuple[str, str]]:
    """(keys, description) per action of a screen class, in the order they are declared."""
    keymap = getattr(app, "_keymap", {}) or {}
    grouped: dict[tuple[str, str], list[str]] = {}
    merged = cls._merged_bindings  # type: ignore[attr-defined]
    for bindings in merged.key_to_bindings.values():
        for binding in bindings:
            # Only the app's own keys (they all have ids); Textual's generic ones are
            # summarised under 通用.
            if not binding.description or not binding.id:
                continue
            keys = keymap[binding.id].split(",") if binding.id and binding.id in keymap else [binding.key]
            slot = grouped.setdefault((binding.action, t(binding.description)), [])
            for key in keys:
                shown = app.get_key_display(Binding(key.strip(), binding.action))
                if shown not in slot:
                    slot.append(shown)
    return [(" / ".join(keys), description) for (_, description), keys in grouped.items()]
