"""Asks where a backup goes: a folder typed (a USB stick's path) or picked from the places that
look like removable drives. Dismisses with the folder, or None on Esc."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.text_input import TextInput


def removable_places() -> list[Path]:
    """Where a USB stick usually appears: /media/USER/*, /run/media/USER/*, /mnt/* on Linux;
    the drive letters D: to Z: that exist on Windows. At most eight."""
    found: list[Path] = []
    if os.name == "nt":
        for letter in "DEFGHIJKLMNOPQRSTUVWXYZ":
            drive = Path(f"{letter}:\\")
            if drive.exists():
                found.append(drive)
    else:
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
        for base in (Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")):
            try:
                found.extend(p for p in sorted(base.iterdir()) if p.is_dir() and p != Path("/media") / user)
            except OSError:
                continue
    unique = list(dict.fromkeys(found))
    return unique[:8]


class BackupDirModal(Localized, ModalScreen["str | None"]):
    DEFAULT_CSS = """
    BackupDirModal #backup-dialog { width: 72; height: auto; max-height: 20; }
    BackupDirModal #backup-places { height: auto; max-height: 8; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="backup_dir.cancel"),
    ]

    def __init__(self, default: str, places: list[Path] | None = None) -> None:
        super().__init__()
        self.default = default
        self.places = places if places is not None else removable_places()

    def compose(self) -> ComposeResult:
        with Vertical(id="backup-dialog", classes="dialog"):
            yield Static(t("backup.ask_dir"), id="backup-question", markup=False)
            yield TextInput(value=self.default, id="backup-dir")
            if self.places:
                yield Static(t("backup.places"), markup=False)
                yield OptionList(*(Option(str(p), id=str(i)) for i, p in enumerate(self.places)), id="backup-places")
            yield Static(t("backup.dir_hint"), markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        box = self.query_one("#backup-dir", TextInput)
        box.focus()
        box.cursor_position = len(box.value)

    def on_input_submitted(self, event: TextInput.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        box = self.query_one("#backup-dir", TextInput)
        box.value = str(self.places[int(event.option.id or 0)])
        box.focus()
        box.cursor_position = len(box.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
