"""台账 (更多 → l): write the month's or the year's ledger as a Word document or a spreadsheet,
into a folder the 专管员 chooses (a USB stick to take to the township for printing). The same
as ``station ledger``; the writing runs in a worker (photos make it take a few seconds)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Label, Static

from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.text_input import TextInput


def last_month(today: date) -> str:
    """The month a ledger is usually wanted for: the one just finished."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


class LedgerScreen(StationScreen):
    MODE = "ledger"
    BINDINGS = [
        Binding("ctrl+s", "write", "ledger.key_write", id="ledger.write"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        with Vertical(id="ledger-form"):
            yield Label(t("ledger.period"), markup=False)
            yield TextInput(last_month(self.station_app.today), id="ledger-period", compact=True)
            yield Label(t("ledger.format"), markup=False)
            yield ChoiceBox([(t("ledger.docx"), "docx"), (t("ledger.xlsx"), "xlsx")], value="docx",
                            allow_blank=False, id="ledger-format", compact=True)
            yield Label(t("ledger.folder"), markup=False)
            yield TextInput(str(Path.home()), id="ledger-folder", compact=True)
            yield Static(t("ledger.hint"), id="ledger-result", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._seen_generation = self.station_app.generation
        self.query_one("#ledger-period", TextInput).focus()

    def load(self) -> None:
        """Nothing to show until asked: the ledger is read when it is written."""

    @on(TextInput.Submitted, "#ledger-folder")
    def _submitted(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        from station_tui.commands.common import CommandError
        from station_tui.commands.ledger import parse_period

        text = self.query_one("#ledger-period", TextInput).value.strip()
        try:
            year, month = parse_period(text if "-" in text else None, None if "-" in text else text)
        except CommandError:
            self.show_problem("#ledger-result", t("ledger.bad_period", text=text))
            return
        folder = Path(self.query_one("#ledger-folder", TextInput).value.strip()).expanduser()
        if not folder.is_dir():
            self.show_problem("#ledger-result", t("ledger.no_folder", folder=str(folder)))
            return
        fmt = str(self.query_one("#ledger-format", ChoiceBox).value)
        self.query_one("#ledger-result", Static).update(t("ledger.writing"))
        self._write(year, month, fmt, folder)

    @work(thread=True, exclusive=True, group="ledger")
    def _write(self, year: int, month: int | None, fmt: str, folder: Path) -> None:
        try:
            from station_tui.commands.common import CommandError
            from station_tui.commands.ledger import default_name, write
            from station_tui.reports import ledger
            from station_tui.storage import Store

            app = self.station_app
            try:
                with Store(app.store.path) as store:
                    data = ledger.gather(store, year, month, app.monthly_minimums, made_on=app.today)
                path = folder / default_name(data.station_name, data.period, fmt)
                write(data, path, fmt)
            except ledger.EmptyPeriod as exc:
                self.app.call_from_thread(self.show_problem, "#ledger-result", str(exc))
                return
            except CommandError as exc:
                self.app.call_from_thread(self.show_problem, "#ledger-result", str(exc).splitlines()[0])
                return
            photos, _ = ledger.photos_said(data)
            done = t("ledger.done", path=str(path), sheets=len(data.sheets), photos=photos)
            self.app.call_from_thread(self.query_one("#ledger-result", Static).update, done)
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")
